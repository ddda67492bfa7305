"""Concentration-response functions from the packaged ``crf`` table (each with its source)."""

from __future__ import annotations

import math

from ehrisk.impact.hif import CRF, beta_from_rr, beta_se_from_ci
from ehrisk.refdata import RefdataError, load_table

NUMERIC = ["beta", "beta_se", "rr", "rr_lo", "rr_hi", "per_ug_m3", "theta", "theta_se",
           "alpha", "mu", "nu", "counterfactual_ug_m3"]


def crf_table():
    """The ``crf`` reference table (DataFrame), with sources and notes."""
    return load_table("crf", numeric=NUMERIC)


def load_crf(crf_id: str) -> CRF:
    """Build a :class:`CRF` from a row of the ``crf`` table.

    Log-linear rows give ``beta``/``beta_se`` or an RR with its 95 % CI per increment
    (beta = ln RR / increment, BenMAP-CE Appendix C); GEMM rows give theta, its SE and
    alpha, mu, nu (Burnett et al. 2018).
    """
    t = crf_table()
    row = t[t["crf_id"] == crf_id]
    if row.empty:
        raise RefdataError(f"no CRF {crf_id!r}; known: {', '.join(t['crf_id'])}")
    r = row.iloc[0]
    cf = 0.0 if math.isnan(r["counterfactual_ug_m3"]) else float(r["counterfactual_ug_m3"])
    common = dict(name=crf_id, reference=r["source"], counterfactual_ug_m3=cf,
                  endpoint=r["endpoint"], age_group=r["age_group"], duration=r["duration"])
    if r["form"] == "log-linear":
        if not math.isnan(r["beta"]):
            return CRF(form="log-linear", coef=float(r["beta"]), coef_se=float(r["beta_se"]),
                       **common)
        return CRF(form="log-linear", coef=float(beta_from_rr(r["rr"], r["per_ug_m3"])),
                   coef_se=float(beta_se_from_ci(r["rr_lo"], r["rr_hi"], r["per_ug_m3"])),
                   **common)
    if r["form"] == "gemm":
        return CRF(form="gemm", coef=float(r["theta"]), coef_se=float(r["theta_se"]),
                   shape=(float(r["alpha"]), float(r["mu"]), float(r["nu"])), **common)
    raise RefdataError(f"crf table: unknown form {r['form']!r} for {crf_id}")
