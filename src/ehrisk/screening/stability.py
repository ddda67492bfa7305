"""How stable is the top of the ranking when each weight moves by +-50 %?

For each weight factor (toxicity, amount, exposure exponents; persistence and
bioaccumulation multipliers; list bonus) the parameter is multiplied by
``stability_scale_low`` and ``stability_scale_high`` (0.5 and 1.5 by default), one at a time,
the substances are re-scored, and the new top-N is compared with the baseline top-N:

- Jaccard index ``|A & B| / |A | B|`` of the two top-N sets;
- Spearman's rank correlation and Kendall's tau-b between baseline and perturbed scores of all
  scored substances;
- the substances that enter and leave the top-N.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ehrisk.screening.config import STABILITY_FACTORS, ScreeningWeights
from ehrisk.screening.ranking import Components, substance_scores


def top_n(score: pd.Series, n: int) -> list[str]:
    """The ``n`` highest-scoring substances (NaN scores excluded; ties broken by CAS)."""
    s = score.dropna()
    df = pd.DataFrame({"score": s.to_numpy(), "key": s.index.astype(str)}, index=s.index)
    df = df.sort_values(["score", "key"], ascending=[False, True])
    return df.index[:n].tolist()


def jaccard(a, b) -> float:
    """Jaccard index of two sets, ``|A & B| / |A | B|`` (1.0 for two empty sets)."""
    sa, sb = set(a), set(b)
    union = sa | sb
    return 1.0 if not union else len(sa & sb) / len(union)


def _corr(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan, math.nan
    rho = float(stats.spearmanr(x, y).statistic)
    tau = float(stats.kendalltau(x, y).statistic)
    return rho, tau


def stability_report(comp: Components, weights: ScreeningWeights, n: int | None = None,
                     scales: tuple[float, float] | None = None) -> dict:
    """Sensitivity of the top-N of the ranking to each weight factor.

    Parameters
    ----------
    comp : Components
        From :func:`ehrisk.screening.ranking.build_components`.
    weights : ScreeningWeights
        Baseline weights; supplies ``stability_top_n``, ``stability_scale_low`` and
        ``stability_scale_high`` unless ``n`` / ``scales`` are given.
    n : int, optional
        Size of the top of the ranking compared.
    scales : (float, float), optional
        Multipliers applied to each parameter.

    Returns
    -------
    dict
        ``top_n``, ``scales``, ``baseline_top`` (CAS list), ``runs`` (one dict per factor and
        scale: ``factor``, ``parameter``, ``scale``, ``value``, ``top`` (CAS list),
        ``jaccard``, ``spearman_rho``, ``kendall_tau``, ``entered``, ``left``),
        ``min_jaccard``, ``stable_core`` (CAS in the top-N of every run) and
        ``factor_min_jaccard`` (``{factor: lowest Jaccard of its two runs}``).

    References
    ----------
    OECD/JRC (2008), Handbook on Constructing Composite Indicators, section 7 (uncertainty
    and sensitivity analysis: weights varied one at a time, ranks compared).
    """
    n = int(weights["stability_top_n"]) if n is None else int(n)
    if n < 1:
        raise ValueError(f"top-N must be >= 1, got {n}")
    if scales is None:
        scales = (weights["stability_scale_low"], weights["stability_scale_high"])
    base = substance_scores(comp, weights)["score"]
    base_top = top_n(base, n)
    runs = []
    core = set(base_top)
    for factor, param in STABILITY_FACTORS.items():
        for scale in scales:
            w = weights.scaled(param, scale)
            s = substance_scores(comp, w)["score"]
            top = top_n(s, n)
            rho, tau = _corr(base.to_numpy(float), s.reindex(base.index).to_numpy(float))
            runs.append({
                "factor": factor, "parameter": param, "scale": float(scale),
                "value": w[param], "top": top, "jaccard": jaccard(base_top, top),
                "spearman_rho": rho, "kendall_tau": tau,
                "entered": [c for c in top if c not in base_top],
                "left": [c for c in base_top if c not in top],
            })
            core &= set(top)
    factor_min = {}
    for run in runs:
        f = run["factor"]
        factor_min[f] = min(factor_min.get(f, 1.0), run["jaccard"])
    return {
        "top_n": n,
        "scales": [float(x) for x in scales],
        "baseline_top": base_top,
        "runs": runs,
        "min_jaccard": min((r["jaccard"] for r in runs), default=1.0),
        "stable_core": [c for c in base_top if c in core],
        "factor_min_jaccard": factor_min,
    }


def stability_table(report: dict) -> pd.DataFrame:
    """The runs of :func:`stability_report` as a flat table (lists joined with ``;``)."""
    rows = []
    for r in report["runs"]:
        rows.append({**{k: v for k, v in r.items() if k not in ("top", "entered", "left")},
                     "top": ";".join(r["top"]), "entered": ";".join(r["entered"]),
                     "left": ";".join(r["left"])})
    return pd.DataFrame(rows)
