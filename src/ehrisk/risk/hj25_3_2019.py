"""HJ 25.3-2019 soil and groundwater health-risk assessment (建设用地土壤污染风险评估技术导则).

Exposure (Annex A), risk characterisation (chapter 7: CR, HQ per pathway and total) and
back-calculated risk control values (chapter 8: RCVS, HCVS for soil; RCVG, HCVG for
groundwater) for the two land uses of GB 36600-2018:

- ``first-class`` (第一类用地, residential, schools, hospitals ...): carcinogenic effects over the
  child and adult periods together, non-carcinogenic effects for the child;
- ``second-class`` (第二类用地, industrial, commercial ...): adult worker, both effects.

Pathways (code: standard's symbol):

=========  =========  =====================================================================
code       symbol     pathway
=========  =========  =====================================================================
``ois``    OISER      oral ingestion of soil 经口摄入土壤
``dcs``    DCSER      dermal contact with soil 皮肤接触土壤
``pis``    PISER      inhalation of soil particulates 吸入土壤颗粒物
``iov1``   IOVER1     outdoor vapour from surface soil 吸入室外空气中来自表层土壤的气态污染物
``iov2``   IOVER2     outdoor vapour from subsurface soil 吸入室外空气中来自下层土壤的气态污染物
``iiv1``   IIVER1     indoor vapour from subsurface soil 吸入室内空气中来自下层土壤的气态污染物
``iov3``   IOVER3     outdoor vapour from groundwater 吸入室外空气中来自地下水的气态污染物
``iiv2``   IIVER2     indoor vapour from groundwater 吸入室内空气中来自地下水的气态污染物
``cgw``    CGWER      drinking groundwater 饮用地下水
=========  =========  =====================================================================

Exposure factors come from ``ehrisk.refdata.exposure`` set ``hj25.3-2019``, site parameters
from table ``site_params_hj25_3_2019``, toxicity and physical-chemical values from
``ehrisk.refdata.toxicity`` dataset ``hj25.3-2019``. All are overridable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.refdata import load_table
from ehrisk.refdata.exposure import exposure_factors
from ehrisk.refdata.toxicity import toxicity
from ehrisk.risk.hj25_3_2019_transport import (
    LAND_USES,
    site_parameters,
    soil_saturation,
    volatilisation_factors,
)
from ehrisk.risk.types import ScreeningLevel

PARAMS = "hj25.3-2019"
SOIL_PATHWAYS = ("ois", "dcs", "pis", "iov1", "iov2", "iiv1")
GROUNDWATER_PATHWAYS = ("iov3", "iiv2", "cgw")
PATHWAY_SYMBOLS = {"ois": "OISER", "dcs": "DCSER", "pis": "PISER", "iov1": "IOVER1",
                   "iov2": "IOVER2", "iiv1": "IIVER1", "iov3": "IOVER3", "iiv2": "IIVER2",
                   "cgw": "CGWER"}
ROUTE = {"ois": "oral", "dcs": "dermal", "pis": "inhalation", "iov1": "inhalation",
         "iov2": "inhalation", "iiv1": "inhalation", "iov3": "inhalation",
         "iiv2": "inhalation", "cgw": "oral"}
_VF = {"iov1": ("vf_suroa_kg_m3", "efo_day_yr"), "iov2": ("vf_suboa_kg_m3", "efo_day_yr"),
       "iiv1": ("vf_subia_kg_m3", "efi_day_yr"), "iov3": ("vf_gwoa_l_m3", "efo_day_yr"),
       "iiv2": ("vf_gwia_l_m3", "efi_day_yr")}


def receptors(land_use: str) -> dict[str, list[str] | str]:
    """Receptors of a land use: ``{"ca": [...], "nc": ...}``.

    References
    ----------
    HJ 25.3-2019, 5.2 (exposure scenarios): first-class land, carcinogenic effects over child +
    adult periods, non-carcinogenic effects for children; second-class land, adults.
    """
    if land_use == "first-class":
        return {"ca": ["child", "adult"], "nc": "child"}
    if land_use == "second-class":
        return {"ca": ["adult"], "nc": "adult"}
    raise ValueError(f"unknown land use {land_use!r}; expected one of {', '.join(LAND_USES)}")


def exposure_parameters(land_use: str = "first-class",
                        overrides: Mapping[str, Mapping[str, float]] | None = None,
                        ) -> dict[str, dict[str, float]]:
    """Exposure factors of each receptor of a land use, HJ 25.3-2019 Annex G Table G.1.

    Parameters
    ----------
    land_use : {"first-class", "second-class"}
    overrides : mapping, optional
        ``{receptor: {parameter: value}}``, e.g. ``{"child": {"bw_kg": 15.9}}``; a key
        ``"all"`` applies to every receptor. Units are in the parameter names.

    Returns
    -------
    dict
        ``{"child": {...}, "adult": {...}}`` (first-class) or ``{"adult": {...}}``.
    """
    recs = receptors(land_use)["ca"]
    out = {r: exposure_factors(PARAMS, r, land_use) for r in recs}
    for key, vals in (overrides or {}).items():
        targets = recs if key == "all" else [key]
        for r in targets:
            if r not in out:
                raise KeyError(f"land use {land_use!r} has no receptor {r!r}; known: {recs}")
            unknown = sorted(set(vals) - set(out[r]))
            if unknown:
                raise KeyError(f"unknown exposure factor(s) {unknown} for {r!r}; "
                               f"known: {', '.join(sorted(out[r]))}")
            out[r].update({k: float(v) for k, v in vals.items()})
    return out


def skin_area_cm2(height_cm, bw_kg, ser, site: Mapping[str, float] | None = None):
    """Exposed skin surface area SAE [cm2].

    Parameters
    ----------
    height_cm : float
        Average height H [cm].
    bw_kg : float
        Average body weight BW [kg].
    ser : float
        Exposed fraction of the body surface SER [-].
    site : dict, optional
        Supplies the coefficients ``sae_coef``, ``sae_height_exp``, ``sae_bw_exp``.

    References
    ----------
    HJ 25.3-2019, Annex A (dermal contact): SAE = 239 · H^0.417 · BW^0.517 · SER.
    """
    p = site_parameters("first-class") if site is None else site
    return p["sae_coef"] * height_cm ** p["sae_height_exp"] * bw_kg ** p["sae_bw_exp"] * ser


def _receptor_numerator(pathway: str, e: Mapping[str, float], site: Mapping[str, float]) -> float:
    """Intake numerator per receptor, without the substance-specific factor (ABSd or VF)."""
    ed_ef = e["ed_yr"]
    if pathway == "ois":
        return float(units.mg_day_to_kg_day(e["osir_mg_day"])) * ed_ef * e["ef_day_yr"] * e["abso"]
    if pathway == "dcs":
        sae = skin_area_cm2(e["height_cm"], e["bw_kg"], e["ser"], site)
        return (float(units.mg_day_to_kg_day(sae * e["ssar_mg_cm2"])) * e["ev_per_day"]
                * e["ef_day_yr"] * ed_ef)
    if pathway == "pis":
        pm = float(units.mg_day_to_kg_day(site["pm10_mg_m3"] * e["dair_m3_day"]))
        return pm * ed_ef * e["piaf"] * (e["fspo"] * e["efo_day_yr"] + e["fspi"] * e["efi_day_yr"])
    if pathway in _VF:
        return e["dair_m3_day"] * e[_VF[pathway][1]] * ed_ef
    if pathway == "cgw":
        return e["gwcr_l_day"] * e["ef_day_yr"] * ed_ef
    raise ValueError(f"unknown pathway {pathway!r}; known: {', '.join(PATHWAY_SYMBOLS)}")


def pathway_exposure(pathway: str, land_use: str, ex: Mapping[str, Mapping[str, float]],
                     site: Mapping[str, float]) -> tuple[float, float]:
    """Receptor part of the exposure of one pathway: ``(ca, nc)``.

    Multiply by ABSd [-] (``dcs``) or by the volatilisation factor [kg/m3 or L/m3]
    (vapour pathways) to get the exposure OISER, DCSER, ... in kg soil (or L water) per kg
    body weight per day.

    Parameters
    ----------
    pathway : str
        One of :data:`PATHWAY_SYMBOLS`.
    land_use : {"first-class", "second-class"}
    ex : dict
        From :func:`exposure_parameters`.
    site : dict
        From :func:`~ehrisk.risk.hj25_3_2019_transport.site_parameters`.

    References
    ----------
    HJ 25.3-2019, Annex A: OISERca/nc, DCSERca/nc, PISERca/nc, IOVERca1-3/nc1-3,
    IIVERca1-2/nc1-2, CGWERca/nc. Carcinogenic: Σ over receptors of term/(BW·ATca);
    non-carcinogenic: the nc receptor's term/(BW·ATnc).
    """
    rec = receptors(land_use)
    ca = sum(_receptor_numerator(pathway, ex[r], site) / (ex[r]["bw_kg"] * ex[r]["at_ca_day"])
             for r in rec["ca"])
    r = rec["nc"]
    nc = _receptor_numerator(pathway, ex[r], site) / (ex[r]["bw_kg"] * ex[r]["at_nc_day"])
    return ca, nc


def route_toxicity(tox: pd.DataFrame, ex: Mapping[str, Mapping[str, float]]) -> dict:
    """Slope factors and reference doses per route, arrays over the rows of ``tox``.

    Returns ``{"sf": {route: array}, "rfd": {route: array}}`` with SF [(mg/kg-day)^-1] and
    RfD [mg/kg-day].

    References
    ----------
    HJ 25.3-2019, 6.x (toxicity): SFd = SFo/ABSgi; RfDd = RfDo·ABSgi; SFi = IUR·BWa/DAIRa;
    RfDi = RfC·DAIRa/BWa (IUR in (mg/m3)^-1, adult BW and DAIR).
    """
    a = ex["adult"]
    sfo = tox["sfo_per_mg_kg_day"].to_numpy(float)
    rfd = tox["rfd_mg_kg_day"].to_numpy(float)
    gi = tox["giabs"].fillna(1.0).to_numpy(float)
    iur = units.per_ug_m3_to_per_mg_m3(tox["iur_per_ug_m3"].to_numpy(float))
    rfc = tox["rfc_mg_m3"].to_numpy(float)
    return {
        "sf": {"oral": sfo, "dermal": sfo / gi, "inhalation": iur * a["bw_kg"] / a["dair_m3_day"]},
        "rfd": {"oral": rfd, "dermal": rfd * gi, "inhalation": rfc * a["dair_m3_day"] / a["bw_kg"]},
    }


def _select_tox(cas: Sequence[str], dataset: str) -> pd.DataFrame:
    tox = toxicity(dataset)
    missing = [c for c in cas if c not in tox.index]
    if missing:
        raise KeyError(f"toxicity dataset {dataset!r} has no values for CAS {missing}")
    return tox.loc[list(cas)]


def _is_voc(tox: pd.DataFrame) -> np.ndarray:
    """True where a substance takes the allocation factors of volatile organic compounds.

    Column ``allocation_class`` of the toxicity dataset: ``voc`` for the substances GB
    36600-2018 Tables 1 and 2 list under 挥发性有机物 (volatile organic compounds), ``other``
    for the rest (inorganics, 半挥发性有机物, pesticides ...). A dataset without the column
    (e.g. a user's own table) is treated as ``other`` only if it has no volatile substance;
    otherwise the column is required, so that no VOC silently gets the larger factor.

    References
    ----------
    HJ 25.3-2019, Annex G Table G.1: SAF and WAF for volatile organic compounds and for other
    substances (values UNCONFIRMED, see ``exposure_factors_hj25_3_2019.csv``).
    """
    if "allocation_class" in tox.columns:
        cls = tox["allocation_class"].fillna("").astype(str).str.strip()
        bad = sorted(set(cls) - {"voc", "other"})
        if bad:
            raise ValueError(f"toxicity column allocation_class must be 'voc' or 'other'; "
                             f"found {bad}")
        return (cls == "voc").to_numpy()
    if tox.get("volatile", pd.Series(False, index=tox.index)).astype(bool).any():
        raise ValueError("toxicity dataset lacks column allocation_class ('voc'/'other'), "
                         "needed for the HJ 25.3-2019 allocation factors SAF and WAF")
    return np.zeros(len(tox), dtype=bool)


def _check_pathways(pathways, allowed) -> tuple[str, ...]:
    pw = tuple(allowed if pathways is None else pathways)
    bad = [p for p in pw if p not in allowed]
    if bad:
        raise ValueError(f"unknown pathway(s) {bad} here; allowed: {', '.join(allowed)}")
    return pw


def exposure_table(cas: Sequence[str], land_use: str = "first-class", pathways=None,
                   dataset: str = PARAMS, exposure_overrides=None,
                   **site_overrides: float) -> pd.DataFrame:
    """Exposure, toxicity and single-pathway control values for substances x pathways.

    Parameters
    ----------
    cas : sequence of str
        CAS numbers (or pseudo-ids) of the toxicity dataset.
    land_use : {"first-class", "second-class"}
    pathways : sequence of str, optional
        Pathway codes (default: all soil and groundwater pathways).
    dataset : str
        Toxicity dataset (``ehrisk.refdata.toxicity``).
    exposure_overrides : mapping, optional
        See :func:`exposure_parameters`.
    **site_overrides : float
        Site parameters (see :func:`site_parameters`).

    Returns
    -------
    DataFrame
        One row per substance and pathway: ``cas, pathway, symbol, medium, route,
        exposure_ca, exposure_nc`` [kg/(kg·d) for soil, L/(kg·d) for groundwater],
        ``sf`` [(mg/kg-day)^-1], ``rfd`` [mg/kg-day], ``allocation`` (SAF or WAF) [-]:
        ``saf_voc``/``waf_voc`` for volatile organic compounds, ``saf``/``waf`` for other
        substances (column ``allocation_class`` of the toxicity dataset).
    """
    all_pw = SOIL_PATHWAYS + GROUNDWATER_PATHWAYS
    pw = _check_pathways(pathways, all_pw)
    site = site_parameters(land_use, **site_overrides)
    ex = exposure_parameters(land_use, exposure_overrides)
    if "adult" not in ex:
        raise ValueError("exposure factors need an adult receptor (SFi/RfDi use BWa, DAIRa)")
    tox = _select_tox(list(cas), dataset)
    vf = volatilisation_factors(tox["henry_dimensionless"].to_numpy(float),
                                tox["dair_cm2_s"].to_numpy(float),
                                tox["dwater_cm2_s"].to_numpy(float),
                                tox["koc_l_kg"].to_numpy(float),
                                tox["kd_l_kg"].to_numpy(float), site)
    rt = route_toxicity(tox, ex)
    absd = tox["absd"].to_numpy(float)
    nc_rec = ex[receptors(land_use)["nc"]]
    voc = _is_voc(tox)
    saf = np.where(voc, nc_rec["saf_voc"], nc_rec["saf"])
    waf = np.where(voc, nc_rec["waf_voc"], nc_rec["waf"])
    frames = []
    for p in pw:
        ca, nc = pathway_exposure(p, land_use, ex, site)
        if p == "dcs":
            factor = absd  # NaN: no dermal absorption value, pathway not assessed
        elif p in _VF:
            factor = vf[_VF[p][0]]
        else:
            factor = np.ones(len(tox))
        route = ROUTE[p]
        medium = "soil" if p in SOIL_PATHWAYS else "groundwater"
        frames.append(pd.DataFrame({
            "cas": tox["cas"].to_numpy(), "pathway": p, "symbol": PATHWAY_SYMBOLS[p],
            "medium": medium, "route": route,
            "exposure_ca": ca * factor, "exposure_nc": nc * factor,
            "sf": rt["sf"][route], "rfd": rt["rfd"][route],
            "allocation": saf if medium == "soil" else waf,
        }))
    out = pd.concat(frames, ignore_index=True)
    for k in ("vf_suroa_kg_m3", "vf_suboa_kg_m3", "vf_subia_kg_m3", "vf_gwoa_l_m3",
              "vf_gwia_l_m3"):
        out[k] = np.tile(vf[k], len(pw))
    return out


def _risk_columns(t: pd.DataFrame, conc, target_risk: float, target_hq: float) -> pd.DataFrame:
    t = t.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ca_sf = t["exposure_ca"] * t["sf"]
        nc_rfd = t["exposure_nc"] / (t["rfd"] * t["allocation"])
        t["cr"] = ca_sf * conc
        t["hq"] = nc_rfd * conc
        t["rcv"] = np.where(ca_sf > 0, target_risk / ca_sf, np.nan)
        t["hcv"] = np.where(nc_rfd > 0, target_hq / nc_rfd, np.nan)
    t["_ca_sf"] = ca_sf
    t["_nc_rfd"] = nc_rfd
    return t


def _totals(t: pd.DataFrame, target_risk: float, target_hq: float) -> pd.DataFrame:
    """Per substance and medium: summed CR, HQ (= HI) and combined control values."""
    g = t.groupby(["cas", "medium"], sort=False)
    s = g.agg(cr=("cr", lambda x: x.sum(min_count=1)), hq=("hq", lambda x: x.sum(min_count=1)),
              ca_sf=("_ca_sf", lambda x: x.sum(min_count=1)),
              nc_rfd=("_nc_rfd", lambda x: x.sum(min_count=1))).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        s["rcv"] = np.where(s["ca_sf"] > 0, target_risk / s["ca_sf"], np.nan)
        s["hcv"] = np.where(s["nc_rfd"] > 0, target_hq / s["nc_rfd"], np.nan)
    s["pathway"] = "total"
    s["symbol"] = np.where(s["medium"] == "soil", "soil total", "groundwater total")
    return s.drop(columns=["ca_sf", "nc_rfd"])


def soil_risk(conc_mg_kg, land_use: str = "first-class", pathways=None,
              target_risk: float = 1e-6, target_hq: float = 1.0, dataset: str = PARAMS,
              exposure_overrides=None, **site_overrides: float) -> pd.DataFrame:
    """Carcinogenic risk and hazard quotient of soil concentrations, per pathway and total.

    Parameters
    ----------
    conc_mg_kg : dict or DataFrame
        ``{cas: concentration [mg/kg]}``, or a DataFrame with columns ``cas`` and
        ``conc_mg_kg`` (optionally ``conc_sub_mg_kg`` for the subsurface layer; default: the
        surface concentration is assumed for both layers).
    land_use : {"first-class", "second-class"}
    pathways : sequence of str, optional
        Soil pathway codes (default: all six, :data:`SOIL_PATHWAYS`).
    target_risk : float
        Acceptable carcinogenic risk ACR [-] for the control values (default 1e-6).
    target_hq : float
        Acceptable hazard quotient AHQ [-] (default 1).
    dataset, exposure_overrides, **site_overrides
        See :func:`exposure_table`.

    Returns
    -------
    DataFrame
        One row per substance and pathway plus a ``total`` row per substance: ``cas,
        pathway, symbol, conc_mg_kg, exposure_ca, exposure_nc`` [kg/(kg·d)], ``cr`` [-],
        ``hq`` [-], ``rcv`` and ``hcv`` [mg/kg] (risk control values at ``target_risk`` and
        ``target_hq``; for ``total`` the combined RCVS and HCVS), and the VFs.

    References
    ----------
    HJ 25.3-2019, 7.1-7.2 (CR and HQ per pathway, CRn and HIn summed over pathways),
    8.1 (RCVS, HCVS per pathway and combined), Annex A (exposure), Annex F (VFs).
    """
    if isinstance(conc_mg_kg, pd.DataFrame):
        missing = {"cas", "conc_mg_kg"} - set(conc_mg_kg.columns)
        if missing:
            raise ValueError(f"concentration table lacks column(s) {sorted(missing)}")
        cdf = conc_mg_kg.copy()
    else:
        cdf = pd.DataFrame({"cas": list(conc_mg_kg), "conc_mg_kg": list(conc_mg_kg.values())})
    if "conc_sub_mg_kg" not in cdf.columns:
        cdf["conc_sub_mg_kg"] = cdf["conc_mg_kg"]
    c_all = cdf[["conc_mg_kg", "conc_sub_mg_kg"]].to_numpy(float)
    if np.any(~np.isfinite(c_all)) or np.any(c_all < 0):
        raise ValueError("soil concentrations must be finite and >= 0 mg/kg")
    pw = _check_pathways(pathways, SOIL_PATHWAYS)
    t = exposure_table(cdf["cas"].tolist(), land_use, pw, dataset, exposure_overrides,
                       **site_overrides)
    sub = t["pathway"].isin(("iov2", "iiv1")).to_numpy()
    surf = dict(zip(cdf["cas"], cdf["conc_mg_kg"], strict=True))
    deep = dict(zip(cdf["cas"], cdf["conc_sub_mg_kg"], strict=True))
    conc = np.where(sub, t["cas"].map(deep), t["cas"].map(surf)).astype(float)
    t["conc_mg_kg"] = conc
    t = _risk_columns(t, conc, target_risk, target_hq)
    tot = _totals(t, target_risk, target_hq)
    tot["conc_mg_kg"] = tot["cas"].map(surf)
    out = pd.concat([t.drop(columns=["_ca_sf", "_nc_rfd"]), tot], ignore_index=True)
    order = {c: i for i, c in enumerate(cdf["cas"])}
    out["_o"] = out["cas"].map(order)
    out["_p"] = out["pathway"].map({p: i for i, p in enumerate(pw + ("total",))})
    return out.sort_values(["_o", "_p"]).drop(columns=["_o", "_p"]).reset_index(drop=True)


def groundwater_risk(conc_mg_l, land_use: str = "first-class", pathways=None,
                     target_risk: float = 1e-6, target_hq: float = 1.0,
                     dataset: str = PARAMS, exposure_overrides=None,
                     **site_overrides: float) -> pd.DataFrame:
    """CR and HQ of groundwater concentrations [mg/L], per pathway and total.

    Same output as :func:`soil_risk` with ``conc_mg_l`` and control values RCVG, HCVG in
    mg/L; pathways :data:`GROUNDWATER_PATHWAYS` (default all three).

    References
    ----------
    HJ 25.3-2019, 7.1-7.2 and 8.2 (groundwater), Annex A (IOVER3, IIVER2, CGWER).
    """
    cdf = pd.DataFrame({"cas": list(conc_mg_l), "conc_mg_l": list(conc_mg_l.values())})
    c = cdf["conc_mg_l"].to_numpy(float)
    if np.any(~np.isfinite(c)) or np.any(c < 0):
        raise ValueError("groundwater concentrations must be finite and >= 0 mg/L")
    pw = _check_pathways(pathways, GROUNDWATER_PATHWAYS)
    t = exposure_table(cdf["cas"].tolist(), land_use, pw, dataset, exposure_overrides,
                       **site_overrides)
    conc = t["cas"].map(dict(zip(cdf["cas"], c, strict=True))).to_numpy(float)
    t["conc_mg_l"] = conc
    t = _risk_columns(t, conc, target_risk, target_hq)
    tot = _totals(t, target_risk, target_hq)
    tot["conc_mg_l"] = tot["cas"].map(dict(zip(cdf["cas"], c, strict=True)))
    return pd.concat([t.drop(columns=["_ca_sf", "_nc_rfd"]), tot], ignore_index=True)


def soil_saturation_mg_kg(cas: str, land_use: str = "first-class",
                          site: Mapping[str, float] | None = None,
                          dataset: str = PARAMS) -> float:
    """Soil saturation concentration Csat [mg/kg] of one substance.

    Parameters
    ----------
    cas : str
        CAS number of the toxicity dataset (its ``solubility_mg_l``, ``henry_dimensionless``,
        ``koc_l_kg`` and ``kd_l_kg``).
    land_use : {"first-class", "second-class"}
        Selects the default site parameters when ``site`` is not given.
    site : dict, optional
        Full site parameters (from :func:`site_parameters`, possibly with overrides).
    dataset : str
        Toxicity dataset.

    Returns
    -------
    float
        Csat [mg/kg]; NaN where the dataset has no solubility (e.g. inorganics).

    References
    ----------
    Csat = S/ρb·(Kd·ρb + θws + H'·θas): US EPA (1996) Soil Screening Guidance, Technical
    Background Document, eq. 24; see
    :func:`~ehrisk.risk.hj25_3_2019_transport.soil_saturation`.
    """
    p = dict(site) if site is not None else site_parameters(land_use)
    row = _select_tox([cas], dataset).iloc[0]
    return float(soil_saturation(row["solubility_mg_l"], row["henry_dimensionless"],
                                 row["koc_l_kg"], row["kd_l_kg"], p))


def melting_point_c(cas: str) -> float:
    """Melting point [°C] from table ``melting_points`` (NaN when the table has no row).

    References
    ----------
    ``src/ehrisk/refdata/tables/melting_points.csv`` (physical constants; UNCONFIRMED there).
    """
    t = load_table("melting_points", numeric=["melting_point_c"]).set_index("cas")
    return float(t.loc[cas, "melting_point_c"]) if cas in t.index else float("nan")


def saturation_cap(risk_based_mg_kg: float, csat_mg_kg: float, melting_c: float,
                   soil_temp_c: float) -> tuple[float, bool | None, bool]:
    """Apply the soil saturation limit to a risk-based soil level.

    Following the US EPA RSL practice, the level is capped at Csat only for substances that
    are liquid at soil temperature (melting point below ``soil_temp_c``): above Csat a liquid
    forms a free phase and the partitioning models no longer apply. A solid above Csat is not
    capped (no free liquid phase; the risk-based value stands), and neither is a substance
    of unknown melting point, without Csat or without a risk-based value.

    Parameters
    ----------
    risk_based_mg_kg, csat_mg_kg : float
        Risk-based level and Csat [mg/kg] (NaN: none).
    melting_c, soil_temp_c : float
        Melting point and soil temperature [°C] (NaN melting point: unknown).

    Returns
    -------
    tuple
        ``(level [mg/kg], liquid (True/False/None if unknown), limited_by_saturation)``.

    References
    ----------
    US EPA Regional Screening Levels User's Guide, soil saturation limit (Csat applied to
    liquids only; UNCONFIRMED, the guide was not read here). GB 36600-2018 prints Csat for
    toluene, styrene, 1,2-dichlorobenzene, 1,1,1-trichloroethane and the xylenes (liquids) and
    risk-based values above Csat for PAHs, DDT and hexachlorobenzene (solids), the same rule.
    """
    liquid = None if not np.isfinite(melting_c) else bool(melting_c < soil_temp_c)
    limited = bool(liquid and np.isfinite(csat_mg_kg) and np.isfinite(risk_based_mg_kg)
                   and risk_based_mg_kg > csat_mg_kg)
    return (float(csat_mg_kg) if limited else float(risk_based_mg_kg)), liquid, limited


def screening_level(cas: str, medium: str = "soil", land_use: str = "first-class",
                    target_risk: float = 1e-6, target_hq: float = 1.0, pathways=None,
                    dataset: str = PARAMS, exposure_overrides=None,
                    **site_overrides: float) -> ScreeningLevel:
    """Back-calculated risk control value of one substance (the lower of RCV and HCV).

    Parameters
    ----------
    cas : str
        CAS number (or pseudo-id) of the toxicity dataset.
    medium : {"soil", "groundwater"}
        Soil [mg/kg] or groundwater [mg/L].
    land_use : {"first-class", "second-class"}
        Returned as the ``receptor`` of the result.
    target_risk : float
        Acceptable carcinogenic risk ACR [-] (default 1e-6).
    target_hq : float
        Acceptable hazard quotient AHQ [-] (default 1).
    pathways : sequence of str, optional
        Pathway codes; default all pathways of the medium.
    dataset, exposure_overrides, **site_overrides
        See :func:`exposure_table`.

    Returns
    -------
    ScreeningLevel
        ``cancer_sl`` = combined RCVS (RCVG), ``noncancer_sl`` = combined HCVS (HCVG),
        ``risk_based_sl`` their minimum, ``unit`` ``"mg/kg"`` or ``"mg/L"``, ``params``
        ``"hj25.3-2019"``; for soil also ``csat_mg_kg`` (soil saturation limit) and
        ``limited_by_saturation``; ``sl`` = min(risk-based, Csat) for substances liquid at
        soil temperature (:func:`saturation_cap`), else the risk-based value. ``details``
        holds per-pathway values, the volatilisation factors, the melting point and
        ``liquid_at_soil_temp``.

    References
    ----------
    HJ 25.3-2019, 8.1-8.2: RCVS = ACR / Σ(exposure_ca·SF), HCVS = RfD·SAF·AHQ summed in
    harmonic form over pathways; the risk control value is the lower of the two. Soil
    saturation limit: US EPA (1996) Soil Screening Guidance, TBD eq. 24 (see
    :func:`soil_saturation_mg_kg`).
    """
    if medium == "soil":
        allowed, unit = SOIL_PATHWAYS, "mg/kg"
    elif medium == "groundwater":
        allowed, unit = GROUNDWATER_PATHWAYS, "mg/L"
    else:
        raise ValueError(f"unknown medium {medium!r}; expected 'soil' or 'groundwater'")
    pw = _check_pathways(pathways, allowed)
    t = exposure_table([cas], land_use, pw, dataset, exposure_overrides, **site_overrides)
    t = _risk_columns(t, np.ones(len(t)), target_risk, target_hq)
    tot = _totals(t, target_risk, target_hq).iloc[0]
    rcv, hcv = float(tot["rcv"]), float(tot["hcv"])
    risk_sl = float(np.nanmin([rcv, hcv])) if np.isfinite([rcv, hcv]).any() else float("nan")
    sl, csat, limited, extra = risk_sl, None, None, {}
    if medium == "soil":
        site = site_parameters(land_use, **site_overrides)
        csat = soil_saturation_mg_kg(cas, land_use, site, dataset)
        mp = melting_point_c(cas)
        sl, liquid, limited = saturation_cap(risk_sl, csat, mp, site["soil_temp_c"])
        extra = {"melting_point_c": mp if np.isfinite(mp) else None,
                 "soil_temp_c": site["soil_temp_c"], "liquid_at_soil_temp": liquid}

    def _f(x):
        x = float(x)
        return x if np.isfinite(x) else None

    details = {
        "pathways": {r.pathway: {"symbol": r.symbol, "exposure_ca": _f(r.exposure_ca),
                                 "exposure_nc": _f(r.exposure_nc), "rcv": _f(r.rcv),
                                 "hcv": _f(r.hcv)} for r in t.itertuples()},
        "vf": {k: _f(t[k].iloc[0]) for k in ("vf_suroa_kg_m3", "vf_suboa_kg_m3",
                                             "vf_subia_kg_m3", "vf_gwoa_l_m3", "vf_gwia_l_m3")},
        "dataset": dataset,
        **extra,
    }
    return ScreeningLevel(cas=cas, medium=medium, receptor=land_use, cancer_sl=rcv,
                          noncancer_sl=hcv, sl=sl, unit=unit, params=PARAMS,
                          target_risk=target_risk, target_hq=target_hq, details=details,
                          risk_based_sl=risk_sl, csat_mg_kg=csat,
                          limited_by_saturation=limited)
