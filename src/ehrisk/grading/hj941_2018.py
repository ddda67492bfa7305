"""Enterprise environmental emergency risk level per HJ 941-2018 (企业突发环境事件风险分级方法).

Graded separately for air (突发大气环境事件风险) and water (突发水环境事件风险), each from

- Q: ratio of the maximum on-site quantity of each risk substance to its critical quantity,
  summed (附录A 突发环境事件风险物质及临界量);
- M: production-process score (capped) + risk-control measures + past events;
- E: sensitivity of receptors (population within 5 km / 500 m for air; downstream water
  sensitivity for water);

giving 一般 / 较大 / 重大 from the level matrix. The enterprise level is the higher of air and
water, raised one level by the upgrade rule. Every threshold, score and matrix cell is read
from the packaged tables ``hj941_2018_scores`` and ``hj941_2018_critical_quantities`` (each row
with its clause and source; values that could not be confirmed are marked UNCONFIRMED there).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ehrisk.refdata import load_table

SCORES_TABLE = "hj941_2018_scores"
CRITICAL_TABLE = "hj941_2018_critical_quantities"
MEDIA = ("air", "water")
MEDIUM_ZH = {"air": "大气", "water": "水"}
EVENT_WORDS = {"none": "none", "无": "none", "general": "general", "一般": "general",
               "larger": "larger", "较大": "larger", "major": "major", "重大": "major",
               "特别重大": "major", "extraordinary": "major"}

MANAGEMENT_DEFAULTS = {
    "n_hazardous_process_sets": 0.0, "n_other_process_sets": 0.0, "n_tank_farms": 0.0,
    "n_phase_out_sets": 0.0, "toxic_gas_leak_monitoring": True, "protection_distance_ok": True,
    "air_events_3yr": "none", "water_events_3yr": "none", "penalised_3yr": False,
}
"""Values used for optional management columns that are absent (documented in docs/grading.md)."""

WATER_E_FLAGS = ("drinking_water_10km_downstream", "crosses_national_border_24h",
                 "sensitive_area_10km_downstream", "karst_or_flood_terrain",
                 "crosses_provincial_border_24h")


def _flags(col: pd.Series) -> np.ndarray:
    """Yes/no flags as a bool array; a blank (None/NaN/NA) counts as no."""
    return np.array([False if x is None or x is pd.NA or (isinstance(x, float) and x != x)
                     else bool(x) for x in col.to_numpy(dtype=object)], dtype=bool)


@lru_cache(maxsize=1)
def _scores() -> pd.DataFrame:
    return load_table(SCORES_TABLE)


def scores_table() -> pd.DataFrame:
    """The HJ 941-2018 bands, scores, E rules, matrix and upgrade rule (a copy, with sources)."""
    return _scores().copy()


@lru_cache(maxsize=1)
def _critical() -> pd.DataFrame:
    df = load_table(CRITICAL_TABLE, numeric=["critical_quantity_t"])
    for c in ("counts_air", "counts_water"):
        df[c] = df[c].str.lower() == "true"
    return df


def critical_quantities() -> pd.DataFrame:
    """Critical quantities Q_i [t] with ``counts_air`` / ``counts_water`` flags and sources
    (a copy)."""
    return _critical().copy()


def _section(name: str, medium: str | None = None) -> pd.DataFrame:
    s = _scores()
    out = s[s["section"] == name]
    if medium is not None:
        out = out[out["medium"].isin([medium, "both"])]
    return out


def e_param(item: str) -> float:
    """A distance parameter of the E rules (``radius_5km_km``, ``radius_500m_km``,
    ``downstream_distance_km``) [km] from the table."""
    p = _section("e_param")
    sel = p[p["item"] == item]
    if sel.empty:
        raise KeyError(f"no E parameter {item!r}; known: {', '.join(p['item'])}")
    return float(sel["value"].iloc[0])


def level_ranks() -> dict[str, int]:
    """``{"一般": 1, "较大": 2, "重大": 3}`` from the table."""
    lv = _section("level")
    return {r.level: int(r.level_rank) for r in lv.itertuples()}


def level_names_en() -> dict[str, str]:
    """Chinese level name -> English (general / larger / major)."""
    return dict(zip(_section("level")["level"], _section("level")["name_en"], strict=True))


# ----------------------------------------------------------------------------------- Q

def q_ratio(storages: pd.DataFrame, medium: str) -> pd.DataFrame:
    """Q = sum_i q_i / Q_i over the substances that count for ``medium``.

    Parameters
    ----------
    storages : DataFrame
        ``credit_code``, ``cas`` (CAS number or a ``CAT-*`` key of the table),
        ``max_quantity_t`` [t] (maximum quantity present within the plant at any time).
    medium : {"air", "water"}

    Returns
    -------
    DataFrame
        One row per enterprise present in ``storages``: ``credit_code``, ``q`` [-],
        ``n_substances_counted``, ``top_substance`` (largest q_i/Q_i), ``unlisted_cas``
        (substances without a critical quantity, not counted; ";"-joined).

    References
    ----------
    HJ 941-2018, 6.1 / 7.1 and Appendix A (critical quantities; HJ 169-2018 Table B.1 used as
    proxy, see the table's notes).
    """
    if medium not in MEDIA:
        raise ValueError(f"medium must be one of {MEDIA}, got {medium!r}")
    for c in ("credit_code", "cas", "max_quantity_t"):
        if c not in storages.columns:
            raise KeyError(f"storages needs column {c!r}")
    q = np.asarray(storages["max_quantity_t"], dtype=float)
    if np.any(~np.isfinite(q)) or np.any(q < 0):
        raise ValueError("max_quantity_t must be finite and >= 0")
    cq = critical_quantities().set_index("cas")
    st = storages[["credit_code", "cas", "max_quantity_t"]].copy()
    st["cas"] = st["cas"].astype(str).str.strip()
    known = st["cas"].isin(cq.index)
    st["critical_quantity_t"] = st["cas"].map(cq["critical_quantity_t"])
    st["counts"] = st["cas"].map(cq[f"counts_{medium}"]).eq(True)
    st["ratio"] = np.where(st["counts"], st["max_quantity_t"] / st["critical_quantity_t"], 0.0)
    rows = []
    for cc, g in st.groupby("credit_code", sort=False):
        cnt = g[g["counts"]]
        top = cnt.loc[cnt["ratio"].idxmax(), "cas"] if len(cnt) else ""
        unl = sorted(set(g.loc[~known.loc[g.index], "cas"]))
        rows.append(dict(credit_code=cc, q=float(cnt["ratio"].sum()),
                         n_substances_counted=int(len(cnt)), top_substance=top,
                         unlisted_cas=";".join(unl)))
    return pd.DataFrame(rows, columns=["credit_code", "q", "n_substances_counted",
                                       "top_substance", "unlisted_cas"])


def _band(values, section: str) -> np.ndarray:
    """Code of the highest band whose lower bound (inclusive) is <= value."""
    b = _section(section).copy()
    b["lo"] = b["threshold"].astype(float)
    b = b.sort_values("lo")
    v = np.asarray(values, dtype=float)
    if np.any(~np.isfinite(v)) or np.any(v < 0):
        raise ValueError(f"{section}: values must be finite and >= 0")
    idx = np.searchsorted(b["lo"].to_numpy(), v, side="right") - 1
    codes = b["item"].to_numpy()
    return codes[np.clip(idx, 0, len(codes) - 1)]


def q_band(q) -> np.ndarray:
    """Q code (Q0 < 1 <= Q1 < 10 <= Q2 < 100 <= Q3) [HJ 941-2018 6.1.2 / 7.1.2].

    Parameters
    ----------
    q : array_like
        Q ratio [-].
    """
    return _band(q, "q_band")


def m_band(m) -> np.ndarray:
    """M code (M1 < 25 <= M2 < 45 <= M3 < 60 <= M4) [HJ 941-2018 表3 / 表7].

    Parameters
    ----------
    m : array_like
        M score [-] (0-100).
    """
    return _band(m, "m_band")


# ----------------------------------------------------------------------------------- M

def _norm_management(management: pd.DataFrame) -> pd.DataFrame:
    if "credit_code" not in management.columns:
        raise KeyError("management needs column 'credit_code'")
    mg = management.copy()
    for col, default in MANAGEMENT_DEFAULTS.items():
        if col not in mg.columns:
            mg[col] = default
    for col in ("air_events_3yr", "water_events_3yr"):
        words = mg[col].astype(str).str.strip().str.lower()
        bad = sorted(set(words[~words.isin(EVENT_WORDS)]))
        if bad:
            raise ValueError(f"{col}: unknown event level(s) {bad}; expected one of "
                             f"{sorted(EVENT_WORDS)}")
        mg[col] = words.map(EVENT_WORDS)
    return mg


def m_score(management: pd.DataFrame, medium: str) -> pd.DataFrame:
    """M = min(process score, cap) + risk-control score + past-event score.

    Parameters
    ----------
    management : DataFrame
        ``credit_code``; counts ``n_hazardous_process_sets``, ``n_other_process_sets``
        (other high-temperature/high-pressure processes), ``n_tank_farms``,
        ``n_phase_out_sets`` [sets]; air flags ``toxic_gas_leak_monitoring``,
        ``protection_distance_ok``; water flags ``water_<measure>`` (True = in place);
        ``air_events_3yr`` / ``water_events_3yr`` (none/general/larger/major).
        Missing optional columns take :data:`MANAGEMENT_DEFAULTS`; a missing water flag counts
        as not in place.
    medium : {"air", "water"}

    Returns
    -------
    DataFrame
        ``credit_code``, ``m_process``, ``m_control``, ``m_events``, ``m`` [-], ``m_missing``
        (";"-joined items of the risk-control table not in place).

    References
    ----------
    HJ 941-2018, 6.2 表1 (process scores, cap), 表2 (air measures and events), 7.2 表5
    (water measures and events); values from table ``hj941_2018_scores``.
    """
    if medium not in MEDIA:
        raise ValueError(f"medium must be one of {MEDIA}, got {medium!r}")
    mg = _norm_management(management)
    proc = _section("m_process").set_index("item")["value"].astype(float)
    n_haz = mg["n_hazardous_process_sets"].astype(float).to_numpy()
    n_oth = (mg["n_other_process_sets"].astype(float) + mg["n_tank_farms"].astype(float)).to_numpy()
    n_out = mg["n_phase_out_sets"].astype(float).to_numpy()
    for arr, name in ((n_haz, "n_hazardous_process_sets"), (n_oth, "n_other_process_sets"),
                      (n_out, "n_phase_out_sets")):
        if np.any(~np.isfinite(arr)) or np.any(arr < 0):
            raise ValueError(f"{name} must be finite and >= 0")
    p = (n_haz * proc["hazardous_process_per_set"] + n_oth * proc["other_high_tp_or_tank_farm_per_set"]
         + n_out * proc["phase_out_process_per_set"])
    p = np.minimum(p, proc["process_cap"])
    ctrl = _section("m_control", medium)
    control = np.zeros(len(mg))
    missing = [[] for _ in range(len(mg))]
    for r in ctrl.itertuples():
        col = mg[r.metric] if r.metric in mg.columns else pd.Series(False, index=mg.index)
        bad = ~_flags(col)
        control += np.where(bad, float(r.value), 0.0)
        for i in np.flatnonzero(bad):
            missing[i].append(r.metric)
    ev = _section("m_events", medium)
    evmap = dict(zip(ev["threshold"], ev["value"].astype(float), strict=True))
    events = mg[f"{medium}_events_3yr"].map(evmap).to_numpy(dtype=float)
    return pd.DataFrame({"credit_code": mg["credit_code"].to_numpy(), "m_process": p,
                         "m_control": control, "m_events": events,
                         "m": p + control + events,
                         "m_missing": [";".join(x) for x in missing]})


# ----------------------------------------------------------------------------------- E

def _compare(values: np.ndarray, comparison: str, threshold) -> np.ndarray:
    if comparison == "gt":
        return values > float(threshold)
    if comparison == "ge":
        return values >= float(threshold)
    if comparison == "true":
        return values.astype(bool)
    raise ValueError(f"unknown comparison {comparison!r}")


def e_code(sensitivity: pd.DataFrame, medium: str) -> np.ndarray:
    """Receptor sensitivity type E1 / E2 / E3.

    Air: E1 if population within 5 km > 50 000 or within 500 m > 1 000 (or a special area);
    E2 if >= 10 000 within 5 km or >= 500 within 500 m; else E3. Water: E1/E2 from the
    downstream flags (see :data:`WATER_E_FLAGS`); else E3. Thresholds from the table.

    Parameters
    ----------
    sensitivity : DataFrame
        Air: ``pop_5km``, ``pop_500m`` [persons], optional ``special_area_5km`` (bool).
        Water: boolean columns of :data:`WATER_E_FLAGS` (missing = False).
    medium : {"air", "water"}

    Returns
    -------
    ndarray of str

    References
    ----------
    HJ 941-2018, 6.3 表4 (air), 7.3 表8 (water); air thresholds as HJ 169-2018 表D.1.
    """
    rules = _section("e_rule", medium)
    n = len(sensitivity)
    out = np.full(n, "E3", dtype=object)
    decided = np.zeros(n, dtype=bool)
    for code in ("E1", "E2"):
        hit = np.zeros(n, dtype=bool)
        for r in rules[rules["e_code"] == code].itertuples():
            if r.metric in sensitivity.columns:
                v = sensitivity[r.metric]
                if r.comparison == "true":
                    v = _flags(v)
                else:
                    v = v.astype(float).to_numpy()
                    if np.any(~np.isfinite(v)) or np.any(v < 0):
                        raise ValueError(f"{r.metric} must be finite and >= 0")
                hit |= _compare(v, r.comparison, r.threshold)
            elif r.comparison != "true":
                raise KeyError(f"sensitivity needs column {r.metric!r} for {medium} E")
        new = hit & ~decided
        out[new] = code
        decided |= hit
    return out


# ----------------------------------------------------------------------------------- level

def matrix_level(q_codes, m_codes, e_codes) -> np.ndarray:
    """Level (一般/较大/重大) from the HJ 941-2018 matrix; Q0 is 一般 whatever M and E.

    Parameters
    ----------
    q_codes, m_codes, e_codes : array_like of str
        Q0-Q3, M1-M4, E1-E3.

    References
    ----------
    HJ 941-2018, 6.4 表5 (air) and 7.4 表9 (water); table ``hj941_2018_scores`` (matrix rows).
    """
    mx = _section("matrix")
    cell = {(r.q_code, r.m_code, r.e_code): r.level for r in mx.itertuples()}
    q0 = mx.loc[mx["q_code"] == "Q0", "level"].iloc[0]
    out = []
    for q, m, e in zip(q_codes, m_codes, e_codes, strict=True):
        if q == "Q0":
            out.append(q0)
            continue
        key = (q, m, e)
        if key not in cell:
            raise ValueError(f"no matrix cell for {q}-{m}-{e}")
        out.append(cell[key])
    return np.asarray(out, dtype=object)


def written_code(level: str, medium: str, q: str, m: str, e: str) -> str:
    """Written code per HJ 941-2018 §9: ``较大-大气（Q2-M2-E3）``; ``一般-水（Q0）`` when Q < 1."""
    inner = q if q == "Q0" else f"{q}-{m}-{e}"
    return f"{level}-{MEDIUM_ZH[medium]}（{inner}）"


def upgrade(level_rank, penalised) -> np.ndarray:
    """Raise the level by the table's step where ``penalised`` (ceiling 重大).

    References
    ----------
    HJ 941-2018, 8.2 (UNCONFIRMED in the table: penalised within 3 years -> one level up).
    """
    up = _section("upgrade")
    step = int(float(up["value"].iloc[0])) if len(up) else 0
    top = max(level_ranks().values())
    r = np.asarray(level_rank, dtype=int)
    return np.where(np.asarray(penalised, dtype=bool), np.minimum(r + step, top), r)


def grade_hj941_2018(storages: pd.DataFrame, management: pd.DataFrame,
                     sensitivity: pd.DataFrame) -> pd.DataFrame:
    """HJ 941-2018 air, water and enterprise levels with written codes.

    Parameters
    ----------
    storages : DataFrame
        ``credit_code``, ``cas``, ``max_quantity_t`` [t] (see :func:`q_ratio`).
    management : DataFrame
        One row per enterprise (see :func:`m_score`) and ``penalised_3yr`` (bool). Every
        enterprise graded must be here.
    sensitivity : DataFrame
        One row per enterprise: ``credit_code``, ``pop_5km``, ``pop_500m`` [persons], optional
        ``special_area_5km`` and the water flags (see :func:`e_code`).

    Returns
    -------
    DataFrame
        One row per enterprise of ``management``: for each medium ``q_<m>``, ``q_code_<m>``,
        ``m_<m>``, ``m_code_<m>``, ``e_code_<m>``, ``level_<m>``, ``code_<m>``,
        ``top_substance_<m>``, ``m_missing_<m>``; then ``level_before_upgrade``,
        ``penalised_3yr``, ``upgraded``, ``level``, ``level_rank``, ``level_en``, ``code``
        (``较大[一般-大气（Q0）+较大-水（Q2-M1-E2）]``), ``unlisted_cas``.

    References
    ----------
    HJ 941-2018 §6 (air), §7 (water), §8 (enterprise level and adjustment), §9 (written code).
    """
    mg = _norm_management(management)
    if mg["credit_code"].duplicated().any():
        dup = sorted(set(mg.loc[mg["credit_code"].duplicated(), "credit_code"]))
        raise ValueError(f"management has duplicate credit_code: {dup[:5]}")
    sens = sensitivity.drop_duplicates("credit_code").set_index("credit_code")
    missing = sorted(set(mg["credit_code"]) - set(sens.index))
    if missing:
        raise KeyError(f"sensitivity has no row for {len(missing)} enterprise(s), e.g. "
                       f"{missing[:3]}")
    sens = sens.loc[mg["credit_code"]].reset_index()
    out = pd.DataFrame({"credit_code": mg["credit_code"].to_numpy()})
    ranks = level_ranks()
    unlisted = pd.Series("", index=out.index)
    for med in MEDIA:
        q = q_ratio(storages, med).set_index("credit_code")
        qv = out["credit_code"].map(q["q"]).fillna(0.0).to_numpy()
        ms = m_score(mg, med)
        qc, mc, ec = q_band(qv), m_band(ms["m"].to_numpy()), e_code(sens, med)
        lv = matrix_level(qc, mc, ec)
        out[f"q_{med}"] = qv
        out[f"q_code_{med}"] = qc
        out[f"m_{med}"] = ms["m"].to_numpy()
        out[f"m_code_{med}"] = mc
        out[f"e_code_{med}"] = ec
        out[f"level_{med}"] = lv
        out[f"code_{med}"] = [written_code(*a) for a in zip(lv, [med] * len(lv), qc, mc, ec,
                                                             strict=True)]
        out[f"top_substance_{med}"] = out["credit_code"].map(q["top_substance"]).fillna("")
        out[f"m_missing_{med}"] = ms["m_missing"].to_numpy()
        unlisted = out["credit_code"].map(q["unlisted_cas"]).fillna("")
    r_air = out["level_air"].map(ranks).to_numpy()
    r_wat = out["level_water"].map(ranks).to_numpy()
    before = np.maximum(r_air, r_wat)
    pen = _flags(mg["penalised_3yr"])
    after = upgrade(before, pen)
    by_rank = {v: k for k, v in ranks.items()}
    en = level_names_en()
    out["level_before_upgrade"] = [by_rank[int(x)] for x in before]
    out["penalised_3yr"] = pen
    out["upgraded"] = after > before
    out["level"] = [by_rank[int(x)] for x in after]
    out["level_rank"] = after.astype(int)
    out["level_en"] = out["level"].map(en)
    out["code"] = [f"{lv}[{a}+{w}]" for lv, a, w in zip(out["level"], out["code_air"],
                                                         out["code_water"], strict=True)]
    out["unlisted_cas"] = unlisted.to_numpy()
    return out
