"""Concentration-response functions from the packaged ``crf`` table (each with its source).

The table holds log-linear rows (an RR with its 95 % interval per increment, or beta and its SE)
and GEMM rows (theta, its SE, alpha, mu, nu; Burnett et al. 2018), each with pollutant, metric
(averaging period), lag in days (short-term rows), duration (short-/long-term), endpoint, age
group, the counterfactual level, its ``source`` and a ``note`` that starts with the confidence
(CONFIRMED / CONFIRMED-SECONDARY / LIKELY / UNCONFIRMED).

Age-specific GEMM rows are named ``gemm-2018-<cause>-age<lo>-<hi>`` (last band
``age80plus``) with ``age_group`` ``"<lo>-<hi>"`` or ``"<lo>+"`` [years];
:func:`gemm_crf_for_age` picks the band that holds an age.

Every :class:`~ehrisk.impact.hif.CRF` satisfies the shared
:class:`ehrisk.exposure.response_function.ResponseFunction` interface (name, reference, unit,
``rr(conc)``, ``rr_bounds(conc)``); :func:`response_function` gives a row as the plain
:class:`~ehrisk.exposure.response_function.LogLinear` or ``GEMM``.
"""

from __future__ import annotations

import difflib
import math
import re

import pandas as pd

from ehrisk.exposure.response_function import GEMM, LogLinear
from ehrisk.impact.hif import CRF, beta_from_rr, beta_se_from_ci
from ehrisk.refdata import RefdataError, load_table

NUMERIC = ["beta", "beta_se", "rr", "rr_lo", "rr_hi", "per_ug_m3", "theta", "theta_se",
           "alpha", "mu", "nu", "counterfactual_ug_m3"]
LIST_COLUMNS = ["crf_id", "pollutant", "metric", "lag_days", "duration", "endpoint",
                "age_group", "form", "confidence"]
_CONFIDENCE = re.compile(r"^(CONFIRMED-SECONDARY|CONFIRMED|LIKELY|UNCONFIRMED)\b")
_BAND = re.compile(r"^(\d+)-(\d+)$")
_OPEN_BAND = re.compile(r"^(\d+)\+$")
GEMM_AGE_PREFIX = "gemm-2018-{cause}-age"


def crf_table():
    """The ``crf`` reference table (DataFrame), with sources and notes."""
    return load_table("crf", numeric=NUMERIC)


def confidence(note: str) -> str:
    """The confidence word that opens a ``note`` (CONFIRMED, CONFIRMED-SECONDARY, LIKELY,
    UNCONFIRMED); ``"UNSTATED"`` when the note does not start with one."""
    m = _CONFIDENCE.match(str(note))
    return m.group(1) if m else "UNSTATED"


def _unknown(kind: str, value: str, known) -> RefdataError:
    known = sorted(set(known))
    close = difflib.get_close_matches(value, known, n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    if len(known) <= 12:
        return RefdataError(f"no CRF {kind} {value!r}; known: {', '.join(known)}")
    return RefdataError(f"no CRF {kind} {value!r} ({len(known)} known; `ehrisk impact crfs` "
                        f"or ehrisk.impact.crf.list_crfs() lists them){hint}")


def list_crfs(pollutant: str | None = None, duration: str | None = None) -> pd.DataFrame:
    """The CRFs of the table, optionally of one pollutant and/or duration.

    Parameters
    ----------
    pollutant : str, optional
        E.g. ``"PM2.5"``, ``"PM10"``, ``"PM2.5-10"``, ``"O3"``, ``"NO2"`` (case-insensitive).
    duration : str, optional
        ``"short-term"`` (daily time series) or ``"long-term"`` (annual mean, cohorts).

    Returns
    -------
    DataFrame
        Columns ``LIST_COLUMNS``: crf_id, pollutant, metric, lag_days, duration, endpoint,
        age_group, form, confidence (the word that opens the row's note), in table order.

    Raises
    ------
    RefdataError
        A pollutant or duration that no row has (the message names the known ones).

    References
    ----------
    The rows' own sources (``source`` column of the ``crf`` table).
    """
    t = crf_table()
    for col, value in (("pollutant", pollutant), ("duration", duration)):
        if value is None:
            continue
        hit = t[col].str.lower() == str(value).strip().lower()
        if not hit.any():
            raise _unknown(col, str(value), t[col])
        t = t[hit]
    out = t.assign(confidence=t["note"].map(confidence))[LIST_COLUMNS]
    return out.reset_index(drop=True)


def load_crf(crf_id: str) -> CRF:
    """Build a :class:`CRF` from a row of the ``crf`` table.

    Log-linear rows give ``beta``/``beta_se`` or an RR with its 95 % CI per increment
    (beta = ln RR / increment, SE = (ln RR_hi - ln RR_lo) / (2 x 1.96 x increment);
    BenMAP-CE User Manual, Appendix C); GEMM rows give theta, its SE and alpha, mu, nu
    (Burnett et al. 2018, PNAS 115(38):9592-9597, eq. (1)).

    Raises
    ------
    RefdataError
        An id the table does not have (the message suggests close ids).
    """
    t = crf_table()
    row = t[t["crf_id"] == crf_id]
    if row.empty:
        raise _unknown("id", str(crf_id), t["crf_id"])
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


def response_function(crf_id: str) -> LogLinear | GEMM:
    """A row of the ``crf`` table as a response function (:meth:`CRF.response_function` of
    :func:`load_crf`): RR versus the row's counterfactual [ug/m3], interval coef -/+ 1.96 SE.

    Raises
    ------
    RefdataError
        An id the table does not have.
    """
    return load_crf(crf_id).response_function()


def _band(age_group: str, crf_id: str) -> tuple[float, float]:
    m = _BAND.match(age_group)
    if m:
        return float(m.group(1)), float(m.group(2)) + 1.0
    m = _OPEN_BAND.match(age_group)
    if m:
        return float(m.group(1)), math.inf
    raise RefdataError(f"crf table: age_group {age_group!r} of {crf_id} is not 'lo-hi' or 'lo+'")


def gemm_age_bands(cause: str = "ncdlri") -> pd.DataFrame:
    """The age-specific GEMM rows of one cause, sorted by age.

    Parameters
    ----------
    cause : str
        ``"ncdlri"`` (non-communicable diseases + lower respiratory infections), ``"ihd"`` or
        ``"stroke"``: the causes with age-specific fits in Burnett et al. 2018, SI Appendix.

    Returns
    -------
    DataFrame
        crf_id, age_group, age_min_yr (inclusive), age_end_yr (exclusive; inf for the open
        last band) [years].

    References
    ----------
    Burnett R. et al. 2018, PNAS 115(38):9592-9597, SI Appendix (age-specific GEMM fits,
    5-year bands 25-29 ... 75-79 and 80+).
    """
    t = crf_table()
    prefix = GEMM_AGE_PREFIX.format(cause=cause)
    rows = t[t["crf_id"].str.startswith(prefix)]
    if rows.empty:
        causes = sorted({i.split("-")[2] for i in t["crf_id"]
                         if re.match(r"^gemm-2018-[a-z]+-age", i)})
        raise RefdataError(f"no age-specific GEMM CRFs for cause {cause!r}; known causes: "
                           f"{', '.join(causes)}")
    bands = [(i, g, *_band(g, i)) for i, g in
             zip(rows["crf_id"], rows["age_group"], strict=True)]
    out = pd.DataFrame(bands, columns=["crf_id", "age_group", "age_min_yr", "age_end_yr"])
    return out.sort_values("age_min_yr").reset_index(drop=True)


def gemm_crf_for_age(age_yr: float, cause: str = "ncdlri") -> CRF:
    """The age-specific GEMM CRF whose band holds ``age_yr``.

    Parameters
    ----------
    age_yr : float
        Age [years]; 25 or more (the GEMM covers adults 25+). Band edges are whole years:
        29.9 falls in 25-29, 30 in 30-34; 80 and over in 80+.
    cause : str
        ``"ncdlri"``, ``"ihd"`` or ``"stroke"`` (see :func:`gemm_age_bands`).

    Returns
    -------
    CRF
        :func:`load_crf` of the band's row (e.g. ``gemm-2018-ncdlri-age25-29``).

    Raises
    ------
    ValueError
        Age not a finite number >= the first band's lower edge.
    RefdataError
        A cause without age-specific rows.

    References
    ----------
    Burnett R. et al. 2018, PNAS 115(38):9592-9597, SI Appendix (age-specific GEMM fits
    including the Chinese male cohort).
    """
    bands = gemm_age_bands(cause)
    age = float(age_yr)
    lo = float(bands["age_min_yr"].iloc[0])
    if not math.isfinite(age) or age < lo:
        raise ValueError(f"age {age_yr!r} years is outside the GEMM age bands "
                         f"({lo:g} years and over)")
    hit = bands[(bands["age_min_yr"] <= age) & (age < bands["age_end_yr"])]
    if hit.empty:
        raise RefdataError(f"crf table: no {cause} GEMM band holds age {age:g} (gap in bands)")
    return load_crf(hit["crf_id"].iloc[0])
