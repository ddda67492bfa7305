"""Probabilistic (Monte Carlo) risk: sampled exposure factors through the RSL equations.

Follows US EPA (2001) *Risk Assessment Guidance for Superfund Volume III Part A: Process for
Conducting Probabilistic Risk Assessment* (EPA 540-R-02-002): exposure factors are random
variables (distributions in ``exposure_factor_distributions.csv``, US EPA Exposure Factors
Handbook 2011, cited per row), toxicity values stay point values, and the result is the
distribution of risk and HQ summarised by P5, P50, P95 and the mean. The same deterministic
equations (:mod:`ehrisk.risk.rsl`) are evaluated on arrays of samples, so a point
distribution gives exactly the deterministic answer. ``numpy.random.default_rng(seed)``: the
same seed gives identical results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.refdata import load_table
from ehrisk.risk import rsl

DIST_TABLE = "exposure_factor_distributions"
KINDS = ("point", "normal", "lognormal", "uniform", "triangular")
PERCENTILES = (5.0, 50.0, 95.0)


def distributions(set_name: str = "epa-rsl") -> pd.DataFrame:
    """Distribution table rows of one exposure-factor set (``p1..p3``, ``min``, ``max`` floats)."""
    df = load_table(DIST_TABLE, numeric=["p1", "p2", "p3", "min", "max"])
    return df[df["set"] == set_name].reset_index(drop=True)


def sample(dist: str, p1: float, p2: float, p3: float, lo: float, hi: float, n: int,
           rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` values from one distribution, truncated to [lo, hi] by clipping.

    ``lognormal`` takes the arithmetic mean ``p1`` and standard deviation ``p2`` (converted to
    the log-space mu, sigma: sigma^2 = ln(1 + (sd/mean)^2), mu = ln(mean) - sigma^2/2);
    ``normal`` mean/sd; ``uniform`` low/high; ``triangular`` min/mode/max; ``point`` value.
    """
    if dist == "point":
        x = np.full(n, p1, dtype=float)
    elif dist == "normal":
        x = rng.normal(p1, p2, n)
    elif dist == "lognormal":
        s2 = np.log1p((p2 / p1) ** 2)
        x = rng.lognormal(np.log(p1) - s2 / 2.0, np.sqrt(s2), n)
    elif dist == "uniform":
        x = rng.uniform(p1, p2, n)
    elif dist == "triangular":
        x = rng.triangular(p1, p2, p3, n)
    else:
        raise ValueError(f"unknown distribution {dist!r}; expected one of {KINDS}")
    lo = -np.inf if not np.isfinite(lo) else lo
    hi = np.inf if not np.isfinite(hi) else hi
    return np.clip(x, lo, hi)


def sample_factors(n: int, seed: int | None = None, dist_table: pd.DataFrame | None = None,
                   set_name: str = "epa-rsl") -> dict:
    """Exposure factors with sampled parameters as arrays of shape (n, 1).

    Rows are drawn in table order from one ``default_rng(seed)``. Parameters of the resident
    child/adult segments are copied to the mutagen age segments they stand for, and the
    resident exposure duration is kept equal to child + adult durations.
    """
    if n < 1:
        raise ValueError("number of Monte Carlo samples must be at least 1")
    rng = np.random.default_rng(seed)
    f = rsl.load_factors(set_name)
    table = dist_table if dist_table is not None else distributions(set_name)
    for row in table.itertuples(index=False):
        x = sample(row.distribution, row.p1, row.p2, row.p3, row.min, row.max, n, rng)
        f[row.receptor][row.parameter] = x.reshape(n, 1)
    seg_of = {"resident_child": ("resident_0_2", "resident_2_6"),
              "resident_adult": ("resident_6_16", "resident_16_26")}
    for src, segs in seg_of.items():
        for p, v in f[src].items():
            if isinstance(v, np.ndarray) and p != "ed_yr":
                for s in segs:
                    f[s][p] = v
    for p in ("ef_day_yr", "et_h_day"):
        v = f["resident"][p]
        if isinstance(v, np.ndarray):
            for s in ("resident_child", "resident_adult", *rsl.MUTAGEN_SEGMENTS):
                f[s][p] = v
    f["resident"]["ed_yr"] = f["resident_child"]["ed_yr"] + f["resident_adult"]["ed_yr"]
    return f


def summarize(x: np.ndarray) -> dict[str, float]:
    """P5, P50, P95 and mean of samples ``x`` (1-D)."""
    p5, p50, p95 = np.percentile(x, PERCENTILES)
    return {"p5": float(p5), "p50": float(p50), "p95": float(p95), "mean": float(np.mean(x))}


def monte_carlo(conc: np.ndarray, cas: list[str], medium: str, receptor: str = "resident",
                n: int = 10_000, seed: int | None = None, factors: dict | None = None) -> dict:
    """Monte Carlo risk for one or many locations in one medium.

    Parameters
    ----------
    conc : ndarray, shape (n_substances,) or (n_locations, n_substances)
        Concentrations [ug/m3, ug/L or mg/kg as for the medium].
    cas : list of str
    medium : {"air", "tapwater", "soil"}
    receptor : {"resident", "worker"}
    n : int
        Number of samples.
    seed : int, optional
        Seed for ``numpy.random.default_rng``.
    factors : dict, optional
        Pre-sampled factors (:func:`sample_factors`), e.g. to share one population across media.

    Returns
    -------
    dict
        ``risk_samples`` and ``hi_samples`` (n, n_locations) totals over substances and
        pathways; ``risk`` and ``hq`` summaries per location (lists of dicts); ``by_substance``
        summaries of risk and HQ for the first location.

    References
    ----------
    US EPA (2001) RAGS Volume III Part A, EPA 540-R-02-002, chapters 1-3.
    """
    c = np.atleast_2d(np.asarray(conc, dtype=float))
    f = factors if factors is not None else sample_factors(n, seed)
    chem = rsl.chemicals(list(cas))
    co = rsl.coefficients(chem, medium, receptor, f)
    risk_coef = 0.0
    hq_coef = 0.0
    for pw, d in co.items():
        if pw.startswith("_"):
            continue
        risk_coef = risk_coef + np.asarray(d["risk"], dtype=float)
        hq_coef = hq_coef + np.asarray(d["hq"], dtype=float)
    n_samp = max(np.shape(risk_coef)[0] if np.ndim(risk_coef) == 2 else 1, 1)
    risk_coef = np.broadcast_to(risk_coef, (n_samp, len(cas)))
    hq_coef = np.broadcast_to(hq_coef, (n_samp, len(cas)))
    risk_s = risk_coef @ c.T
    hi_s = hq_coef @ c.T
    by_sub = {
        cas_j: {"risk": summarize(risk_coef[:, j] * c[0, j]), "hq": summarize(hq_coef[:, j] * c[0, j])}
        for j, cas_j in enumerate(cas)
    }
    return {"risk_samples": risk_s, "hi_samples": hi_s,
            "risk": [summarize(risk_s[:, i]) for i in range(c.shape[0])],
            "hi": [summarize(hi_s[:, i]) for i in range(c.shape[0])],
            "by_substance": by_sub, "n": n_samp, "seed": seed}
