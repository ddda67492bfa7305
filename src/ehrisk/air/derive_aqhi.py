"""Derive local AQHI coefficients from the fitted time-series betas (Stieb et al. 2008 method).

The AQHI is the sum of the excess mortality risks of the pollutants, scaled to a 1-10 index:

    raw_t  = sum_p 100 * (exp(beta_p * C_p,t) - 1)            [%]     (Stieb 2008, eq. 1)
    AQHI_t = scale * raw_t,   scale = top / P_q(raw)                  (here: q = 99, top = 10)

``beta_p`` is the log relative risk per unit concentration from the local model
(:func:`ehrisk.air.response.fit_response`), single-pollutant by default as in Stieb et al.
(2008). The scaling reference (percentile ``q`` of the local daily raw values mapped to
``top``) is read from ``response_spec_standard.csv``. The derived coefficients are returned in
the structure ``air/aqhi.py`` takes: ``{pollutant: beta, "unit": {...}, "scale": s}``.

The derived index is then validated as the Chinese AQHI papers do (Chen R et al. 2013 Environ
Int 51:168-173; Du H et al. 2020 Environ Int 138:105594):
ER per interquartile-range increase of each index (AQHI and AQI) in the same time-series
model, and the model fit (QAIC) of each.

References
----------
Stieb DM, Burnett RT, Smith-Doiron M, Brion O, Shin HH, Economou V (2008). A new
multipollutant, no-threshold air quality health index based on short-term associations
observed in daily time-series analyses. J Air Waste Manag Assoc 58(3):435-450.
Chen R, Wang X, Meng X et al. (2013). Communicating air pollution-related health risks to the
public: an application of the Air Quality Health Index in Shanghai, China. Environ Int
51:168-173.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ehrisk.air.response import (
    LagSpec,
    ResponseSpec,
    fit_response,
    standard_parameters,
)
from ehrisk.units import ppb_to_ug_m3


def short_name(column: str) -> str:
    """``pm10_ug_m3`` -> ``pm10``; ``o3_8h_ug_m3`` -> ``o3_8h``; ``o3_ppb`` -> ``o3``."""
    for suffix in ("_ug_m3", "_mg_m3", "_ppb", "_ppm"):
        if column.endswith(suffix):
            return column[: -len(suffix)]
    return column


def unit_of(column: str, units: dict | None = None) -> str:
    if units and column in units:
        return units[column]
    for suffix, u in (("_ug_m3", "ug/m3"), ("_mg_m3", "mg/m3"), ("_ppb", "ppb"),
                      ("_ppm", "ppm")):
        if column.endswith(suffix):
            return u
    return ""


@dataclass
class DerivedAqhi:
    """Locally derived AQHI coefficients.

    Attributes
    ----------
    betas : dict
        ``{pollutant: beta}`` log relative risk per unit concentration [1/unit].
    units : dict
        ``{pollutant: unit}`` of each concentration.
    scale : float
        Multiplier from the raw excess-risk sum [%] to the index [-].
    reference_raw : float
        Raw sum [%] that maps to ``top``.
    percentile, top : float
        Scaling rule: percentile of daily raw values [-] mapped to ``top`` [-].
    fits : pandas.DataFrame
        Per-pollutant estimates behind the betas (ER per 10 units, CI).
    excluded : list of str
        Pollutants whose beta was negative and set to zero.
    period : tuple of str
        First and last day used by the fits (ISO dates).
    n_days : int
        Days used by the fits (largest over the pollutant models).
    spec : str
        Confounder model (:meth:`ehrisk.air.response.ResponseSpec.describe`).
    multi_pollutant : bool
        Betas from one multi-pollutant model.
    """

    betas: dict[str, float]
    units: dict[str, str]
    scale: float
    reference_raw: float
    percentile: float
    top: float
    outcome: str
    lag: str
    fits: pd.DataFrame
    excluded: list[str] = field(default_factory=list)
    period: tuple[str, str] = ("", "")
    n_days: int = 0
    spec: str = ""
    multi_pollutant: bool = False

    def coefficients(self) -> dict:
        """The coefficient set for ``air/aqhi.py``: ``{pollutant: beta, "unit", "scale"}``."""
        out: dict = dict(self.betas)
        out["unit"] = dict(self.units)
        out["scale"] = self.scale
        return out

    def formula(self) -> str:
        terms = " + ".join(f"(exp({b:.6g} x {p}) - 1)" for p, b in self.betas.items())
        return f"AQHI = {self.scale:.6g} x 100 x [{terms}]"

    def as_dict(self) -> dict:
        return {"coefficients": self.coefficients(), "formula": self.formula(),
                "reference_raw_percent": self.reference_raw, "percentile": self.percentile,
                "top": self.top, "outcome": self.outcome, "lag": self.lag,
                "excluded_negative": self.excluded, "method": "stieb_2008",
                "period": list(self.period), "n_days": self.n_days, "spec": self.spec,
                "fits": self.fits.to_dict(orient="records")}


def raw_excess_risk(conc: dict[str, np.ndarray], betas: dict[str, float]) -> np.ndarray:
    """Sum of excess risks [%]: sum_p 100 (exp(beta_p C_p) - 1) (Stieb et al. 2008, eq. 1).

    Parameters
    ----------
    conc : dict
        ``{pollutant: concentrations}`` [unit of each beta's exposure].
    betas : dict
        ``{pollutant: beta}`` [1/unit].
    """
    total = None
    for p, b in betas.items():
        term = 100.0 * np.expm1(float(b) * np.asarray(conc[p], dtype=float))
        total = term if total is None else total + term
    if total is None:
        raise ValueError("no pollutant given")
    return total


def stieb_2008(data: pd.DataFrame, outcome: str, exposures: list[str], lag: LagSpec,
               spec: ResponseSpec | None = None, multi_pollutant: bool = False,
               percentile: float | None = None, top: float | None = None,
               clip_negative: bool = True) -> DerivedAqhi:
    """Derive AQHI coefficients from local single- (or multi-) pollutant betas.

    Parameters
    ----------
    data : DataFrame
        Daily series (see :func:`ehrisk.io.nmmaps.read_daily_series`).
    outcome : str
        Outcome column [deaths/day].
    exposures : list of str
        Pollutant columns [unit of the data].
    lag : LagSpec
        Lag structure of the model whose betas are used.
    spec : ResponseSpec, optional
        Confounder model; default the standard one.
    multi_pollutant : bool
        Take the betas from one model with all pollutants instead of one model each.
    percentile, top : float, optional
        Scaling: the ``percentile`` of daily raw sums maps to ``top``; defaults from
        ``response_spec_standard.csv`` (99 and 10).
    clip_negative : bool
        Set negative betas to zero (a pollutant cannot lower the index), as Stieb et al. keep
        only positive associations.

    Returns
    -------
    DerivedAqhi

    References
    ----------
    Stieb DM et al. (2008) J Air Waste Manag Assoc 58(3):435-450, eq. (1) and the scaling to
    a 1-10 range; Chen R et al. (2013) Environ Int 51:168-173, section 2.3.
    """
    p = standard_parameters()
    percentile = float(p["aqhi_scale_reference_percentile"]) if percentile is None else percentile
    top = float(p["aqhi_scale_top"]) if top is None else top
    units_attr = data.attrs.get("units", {})
    models = ([fit_response(data, outcome, exposures, lag, spec)] if multi_pollutant
              else [fit_response(data, outcome, [e], lag, spec) for e in exposures])
    fits = pd.concat([m.estimates for m in models], ignore_index=True)
    first = min(pd.Timestamp(m.dates.min()) for m in models)
    last = max(pd.Timestamp(m.dates.max()) for m in models)
    described = models[0].spec.describe(models[0].info.get("humidity"))
    betas: dict[str, float] = {}
    units: dict[str, str] = {}
    excluded = []
    for r in fits.itertuples(index=False):
        name = short_name(r.exposure)
        b = float(r.beta)
        if clip_negative and b < 0:
            excluded.append(name)
            b = 0.0
        betas[name] = b
        units[name] = unit_of(r.exposure, units_attr)
    conc = {short_name(e): data[e].to_numpy(float) for e in exposures}
    raw = raw_excess_risk(conc, betas)
    ok = raw[np.isfinite(raw)]
    if ok.size == 0:
        raise ValueError("no day has all pollutants")
    ref = float(np.percentile(ok, percentile))
    if not ref > 0:
        raise ValueError("the raw excess-risk sum is not positive at the reference percentile "
                         "(no positive pollutant association); cannot scale an AQHI")
    return DerivedAqhi(betas, units, top / ref, ref, percentile, top, outcome, lag.label,
                       fits, excluded, (str(first.date()), str(last.date())),
                       max(int(m.n_days) for m in models), described, multi_pollutant)


def coefficient_file(derived: DerivedAqhi, data_file: str, version: str,
                     name: str | None = None) -> dict:
    """The derived coefficients as the content of a coefficient-set file
    (:mod:`ehrisk.air.aqhi_set`), ready for ``ehrisk aqhi --coefficients``.

    Pollutants whose beta was clipped to zero are left out (listed under ``derivation``).
    The set is on daily means (``averaging_h`` 24; ``min_valid_h`` from GB 3095-2012
    Table 4 through table ``aqi_rules``) with the packaged Canadian bands and messages.

    Parameters
    ----------
    derived : DerivedAqhi
        Result of :func:`stieb_2008`.
    data_file : str
        Name of the daily series the model was fitted to (goes into ``source``).
    version : str
        ehrisk version (goes into ``source``).
    name : str, optional
        Label of the set; default ``"local AQHI (<data file name>)"``.

    References
    ----------
    Stieb DM et al. (2008) J Air Waste Manag Assoc 58(3):435-450; GB 3095-2012 Table 4.
    """
    from ehrisk.air import aqi

    model = "multi-pollutant model" if derived.multi_pollutant else "single-pollutant models"
    fname = Path(str(data_file)).name
    source = (f"derived locally by ehrisk {version} from {data_file}, {derived.outcome} ~ "
              f"{', '.join(derived.betas)} ({derived.lag}, {model}; {derived.spec}), "
              f"fit period {derived.period[0]} to {derived.period[1]} ({derived.n_days} days); "
              f"Stieb et al. 2008 method, P{derived.percentile:g} of the daily raw sum -> "
              f"{derived.top:g}")
    kept = {p: b for p, b in derived.betas.items() if b > 0}
    note = ("LIKELY: local estimates from one city's series; the scaling rule (percentile -> "
            "top) is an ehrisk choice (UNCONFIRMED against Stieb et al. 2008); min_valid_h "
            "from GB 3095-2012 Table 4")
    if derived.excluded:
        note += f"; left out (negative estimate): {', '.join(derived.excluded)}"
    fits = {}
    for r in derived.fits.itertuples(index=False):
        fits[short_name(r.exposure)] = {
            "beta": float(r.beta), "er_percent_per_10": float(r.er_percent),
            "ci_low": float(r.ci_low), "ci_high": float(r.ci_high)}
    return {
        "format": "ehrisk-aqhi-coefficients/1",
        "name": name or f"local AQHI ({fname})",
        "source": source,
        "note": note,
        "pollutants": {p: {"beta": b, "unit": derived.units[p]} for p, b in kept.items()},
        "averaging_h": 24,
        "min_valid_h": int(aqi.rules(aqi.VALIDITY)["min_hours_24h"]),
        "scale": float(derived.scale),
        "bands": "stieb-2008",
        "messages": "stieb-2008",
        "derivation": {"tool": f"ehrisk {version}", "data": str(data_file),
                       "outcome": derived.outcome, "lag": derived.lag, "model": model,
                       "spec": derived.spec, "period": list(derived.period),
                       "n_days": derived.n_days, "percentile": derived.percentile,
                       "top": derived.top, "reference_raw_percent": derived.reference_raw,
                       "excluded_negative": list(derived.excluded), "fits": fits},
    }


def aqhi_values(data: pd.DataFrame, derived: DerivedAqhi, columns: dict[str, str]) -> np.ndarray:
    """Daily AQHI from concentrations: ``scale * raw``.

    Parameters
    ----------
    columns : dict
        ``{pollutant short name: column of data}``.
    """
    conc = {p: data[columns[p]].to_numpy(float) for p in derived.betas}
    return derived.scale * raw_excess_risk(conc, derived.betas)


#: short pollutant name -> (HJ 633 pollutant, averaging) for the AQI comparison
AQI_INDICATORS = {"pm25": ("PM2.5", "24h"), "pm10": ("PM10", "24h"), "so2": ("SO2", "24h"),
                  "no2": ("NO2", "24h"), "co": ("CO", "24h"), "o3_8h": ("O3", "8h"),
                  "o3": ("O3", "8h")}


def aqi_for_comparison(data: pd.DataFrame, columns: list[str],
                       edition: str = "hj633-2026") -> tuple[np.ndarray, list[str]]:
    """Daily AQI (max of IAQIs) of the given pollutant columns, for the index comparison.

    Negative concentrations (NMMAPS de-trended reconstructions) are set to zero; ozone in ppb
    is converted to ug/m3 at 25 degC; where only a daily-mean ozone is available it stands in
    for the daily maximum 8-hour mean (a documented approximation). Returns the AQI and notes.

    References
    ----------
    HJ 633-2026, eq. (1)-(2) (through :func:`ehrisk.air.aqi.iaqi`).
    """
    from ehrisk.air.aqi import iaqi

    notes = []
    parts = []
    for col in columns:
        name = short_name(col)
        if name not in AQI_INDICATORS:
            raise KeyError(f"no AQI indicator for {col!r}; known: {', '.join(AQI_INDICATORS)}")
        pol, av = AQI_INDICATORS[name]
        x = data[col].to_numpy(float)
        if np.any(x[np.isfinite(x)] < 0):
            notes.append(f"{col}: {int(np.sum(x < 0))} negative values set to 0 for the AQI")
            x = np.where(x < 0, 0.0, x)
        unit = unit_of(col, data.attrs.get("units", {}))
        if unit == "ppb" and pol == "O3":
            x = ppb_to_ug_m3(x, float(standard_parameters()["o3_mw_g_mol"]))
            notes.append(f"{col}: ppb converted to ug/m3 at 25 degC, 1 atm")
        if name == "o3":
            notes.append(f"{col}: daily mean used in place of the daily max 8-h mean")
        parts.append(iaqi(x, pol, av, edition))
    return np.fmax.reduce(np.vstack(parts), axis=0), notes


def compare_indices(data: pd.DataFrame, outcome: str, indices: dict[str, np.ndarray],
                    lag: LagSpec, spec: ResponseSpec | None = None) -> pd.DataFrame:
    """Association of each index with the outcome: ER per IQR increase and model fit.

    All indices are fitted on the same days (those where every index is available), so
    their QAICs are comparable (smaller = better fit).

    Parameters
    ----------
    indices : dict
        ``{name: daily values}`` on the rows of ``data`` [-].

    Returns
    -------
    DataFrame
        ``index, iqr, er_percent, ci_low, ci_high, qaic, n_days`` (ER per IQR increase).

    References
    ----------
    Chen R et al. (2013) Environ Int 51:168-173, Table 3 (ER per IQR of AQHI and API);
    Du H et al. (2020) Environ Int 138:105594 (AQHI vs AQI, model fit statistics).
    """
    tmp = data.copy()
    common = np.ones(len(data), dtype=bool)
    for v in indices.values():
        common &= np.isfinite(np.asarray(v, dtype=float))
    rows = []
    for name, v in indices.items():
        col = f"index_{name}"
        vals = np.where(common, np.asarray(v, dtype=float), np.nan)
        tmp[col] = vals
    for name in indices:
        col = f"index_{name}"
        others = [f"index_{o}" for o in indices if o != name]
        # mask the lag-structure-induced missing days of the other indices too
        t2 = tmp.drop(columns=others)
        ok = np.isfinite(t2[col].to_numpy())
        q75, q25 = np.percentile(t2[col].to_numpy()[ok], [75, 25])
        iqr = float(q75 - q25)
        fit = fit_response(t2, outcome, [col], lag, spec, increment=iqr)
        e = fit.estimates.iloc[0]
        rows.append({"index": name, "iqr": iqr, "er_percent": float(e["er_percent"]),
                     "ci_low": float(e["ci_low"]), "ci_high": float(e["ci_high"]),
                     "qaic": fit.qaic, "n_days": fit.n_days})
    return pd.DataFrame(rows)
