"""US EPA Regional Screening Levels (RSL): intakes, risk and back-calculated screening levels.

Implements the equations of the *RSL User's Guide* (US EPA, November 2024 edition), section 4:
resident and industrial (worker) air, resident tap water (ingestion, dermal contact with the
RAGS Part E DA_event equations, inhalation of volatiles with the Andelman K), resident and
composite-worker soil (ingestion, dermal, inhalation of volatiles with VF and of particulates
with PEF). Mutagens use the age-dependent adjustment factors (ADAF 10/3/3/1 over 0-2, 2-6,
6-16 and 16-26 years, US EPA 2005); trichloroethylene applies ADAFs to its kidney-cancer portion
only, and vinyl chloride adds the IRIS early-life (from birth) term, both as the RSL does.

Every pathway is computed as an *intake per unit concentration* (chronic daily intake
[mg/kg-day] for oral and dermal routes, exposure concentration [ug/m3] for inhalation per RAGS
Part F), times the toxicity value. Because the equations are linear in the concentration, the
same coefficients give forward risk (``risk = C x coefficient``) and screening levels
(``SL = target / sum of coefficients``), exactly as in the User's Guide.

Exposure factors may be scalars or numpy arrays (broadcast against the substance axis), which
is how :mod:`ehrisk.risk.montecarlo` runs the same equations on sampled factors.

References
----------
US EPA (2024). Regional Screening Levels (RSLs) - User's Guide, November 2024, section 4
(equations 4.1 resident tap water, 4.2 resident soil, 4.3 composite worker soil,
4.9 resident air, 4.10 industrial air; section numbers as on the RSL web page).
US EPA (2004). RAGS Volume I Part E (Dermal), EPA/540/R/99/005, eqs. 3.2-3.5.
US EPA (2009). RAGS Volume I Part F (Inhalation), EPA-540-R-070-002, eq. 6-8.
US EPA (2002). Supplemental Guidance for Developing Soil Screening Levels, OSWER 9355.4-24,
eqs. 4-5 (PEF), 4-8 (VF), D-1 (Q/C).
US EPA (2005). Supplemental Guidance for Assessing Susceptibility from Early-Life Exposure to
Carcinogens, EPA/630/R-03/003F.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.refdata import RefdataError
from ehrisk.refdata.exposure import exposure_factor_table
from ehrisk.refdata.toxicity import toxicity
from ehrisk.risk.types import ScreeningLevel

PARAMS = "epa-rsl"
MEDIA = ("air", "tapwater", "soil")
RECEPTORS = ("resident", "worker")
UNITS = {"air": "ug/m3", "tapwater": "ug/L", "soil": "mg/kg"}
MUTAGEN_SEGMENTS = ("resident_0_2", "resident_2_6", "resident_6_16", "resident_16_26")
#: Air receptors: the RSL resident (child + adult composite) and worker, plus the resident's
#: two periods, child (0-6 yr) and adult (6-26 yr), whose cancer risks add up to the
#: composite (mutagens: the ADAF age segments of each period).
AIR_RECEPTORS = (*RECEPTORS, "resident_child", "resident_adult")
PERIOD_SEGMENTS = {"resident_child": ("resident_0_2", "resident_2_6"),
                   "resident_adult": ("resident_6_16", "resident_16_26")}
PATHWAYS = {
    ("air", "resident"): ("inhalation",),
    ("air", "worker"): ("inhalation",),
    ("tapwater", "resident"): ("ingestion", "dermal", "inhalation"),
    ("soil", "resident"): ("ingestion", "dermal", "inhalation"),
    ("soil", "worker"): ("ingestion", "dermal", "inhalation"),
}
EXTRA_NUMERIC = ("sfo_mut_per_mg_kg_day", "iur_mut_per_ug_m3", "rba_soil")
EXTRA_BOOLEAN = ("in_epd", "lifetime_birth_adjust")


# ---------------------------------------------------------------------------------------------
# reference data
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _factor_cache(set_name: str) -> dict[str, dict[str, float]]:
    df = exposure_factor_table(set_name)
    out: dict[str, dict[str, float]] = {}
    for rec, grp in df.groupby("receptor"):
        out[str(rec)] = dict(zip(grp["parameter"], grp["value"].astype(float), strict=True))
    return out


def load_factors(set_name: str = PARAMS) -> dict[str, dict[str, float]]:
    """Exposure factors of a set as ``{receptor: {parameter: value}}`` (a fresh copy).

    Receptors of ``epa-rsl``: ``resident``, ``resident_child``, ``resident_adult``, the four
    mutagen age segments ``resident_0_2`` ... ``resident_16_26``, ``worker`` and ``site``
    (soil and dispersion defaults for VF/PEF). Values may be replaced by arrays.
    """
    return {k: dict(v) for k, v in _factor_cache(set_name).items()}


@lru_cache(maxsize=2)
def _tox(dataset: str) -> pd.DataFrame:
    df = toxicity(dataset).copy()
    for col in EXTRA_NUMERIC:
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="raise")
        else:
            df[col] = np.nan
    for col in EXTRA_BOOLEAN:
        if col in df.columns:
            df[col] = df[col].astype(str).str.strip().str.lower().isin(("true", "1", "yes"))
        else:
            df[col] = col == "in_epd"
    return df


def chemicals(cas: list[str] | tuple[str, ...], dataset: str = PARAMS) -> pd.DataFrame:
    """Toxicity and physical-chemical rows for ``cas`` (in order), from ``toxicity_<dataset>``.

    Raises KeyError naming the unknown CAS numbers.
    """
    df = _tox(dataset)
    missing = [c for c in cas if c not in df.index]
    if missing:
        raise KeyError(f"no {dataset} toxicity values for CAS {', '.join(missing)}")
    return df.loc[list(cas)]


def _col(chem: pd.DataFrame, name: str) -> np.ndarray:
    return chem[name].to_numpy(dtype=float)


def _nz(x: np.ndarray) -> np.ndarray:
    """NaN -> 0 (a missing toxicity value contributes no risk)."""
    return np.nan_to_num(x, nan=0.0)


def _split_slopes(chem: pd.DataFrame, total: str, mut: str) -> tuple[np.ndarray, np.ndarray]:
    """(non-mutagenic part, mutagenic part) of a slope factor or unit risk.

    Whole slope is mutagenic where ``mutagen`` is true; TCE-like rows give the mutagenic
    portion explicitly (RSL User's Guide, trichloroethylene equations)."""
    tot = _nz(_col(chem, total))
    part = _col(chem, mut)
    is_mut = chem["mutagen"].to_numpy(dtype=bool)
    mut_part = np.where(np.isfinite(part), part, np.where(is_mut, tot, 0.0))
    return tot - mut_part, mut_part


def _birth(chem: pd.DataFrame) -> np.ndarray:
    return chem["lifetime_birth_adjust"].to_numpy(dtype=float)


# ---------------------------------------------------------------------------------------------
# age-adjusted exposure factors (RSL User's Guide section 4, "age-adjusted" equations)
# ---------------------------------------------------------------------------------------------
def at_cancer_day(f: dict, receptor: str):
    """Cancer averaging time ATc = LT x 365 [d] (RSL User's Guide, all carcinogenic SLs)."""
    return units.yr_to_day(f[receptor]["lt_yr"] if receptor in f and "lt_yr" in f[receptor]
                           else f["resident"]["lt_yr"])


def _age_sum(f: dict, segments: tuple[str, ...], term, adaf: bool):
    total = 0.0
    for s in segments:
        p = f[s]
        total = total + p["ef_day_yr"] * p["ed_yr"] * term(p) * (p["adaf"] if adaf else 1.0)
    return total


def ifw_adj(f: dict, mutagen: bool = False):
    """Age-adjusted tap-water ingestion factor IFW_res-adj / IFWM_res-adj [L/kg].

    RSL User's Guide 4.1: IFW = EF_c ED_c IRW_c/BW_c + EF_a ED_a IRW_a/BW_a; IFWM sums the four
    age segments weighted by ADAF."""
    segs = MUTAGEN_SEGMENTS if mutagen else ("resident_child", "resident_adult")
    return _age_sum(f, segs, lambda p: p["irw_l_day"] / p["bw_kg"], mutagen)


def dfw_adj(f: dict, mutagen: bool = False):
    """Age-adjusted dermal water factor DFW_res-adj / DFWM_res-adj [cm2-event/kg] (RSL 4.1)."""
    segs = MUTAGEN_SEGMENTS if mutagen else ("resident_child", "resident_adult")
    return _age_sum(f, segs, lambda p: p["ev_event_day"] * p["sa_water_cm2"] / p["bw_kg"], mutagen)


def ifs_adj(f: dict, mutagen: bool = False):
    """Age-adjusted soil ingestion factor IFS_res-adj / IFSM_res-adj [mg/kg] (RSL 4.2)."""
    segs = MUTAGEN_SEGMENTS if mutagen else ("resident_child", "resident_adult")
    return _age_sum(f, segs, lambda p: p["irs_mg_day"] / p["bw_kg"], mutagen)


def dfs_adj(f: dict, mutagen: bool = False):
    """Age-adjusted soil dermal factor DFS_res-adj / DFSM_res-adj [mg/kg] (RSL 4.2)."""
    segs = MUTAGEN_SEGMENTS if mutagen else ("resident_child", "resident_adult")
    return _age_sum(f, segs, lambda p: p["sa_soil_cm2"] * p["af_mg_cm2"] / p["bw_kg"], mutagen)


def et_event_adj_h(f: dict):
    """Duration-weighted event time t_event,res-adj [h/event] = (ED_c t_c + ED_a t_a)/(ED_c + ED_a)
    (RSL User's Guide 4.1, dermal carcinogenic equations)."""
    c, a = f["resident_child"], f["resident_adult"]
    return (c["ed_yr"] * c["et_event_h"] + a["ed_yr"] * a["et_event_h"]) / (c["ed_yr"] + a["ed_yr"])


def inhalation_time_weight(f: dict, receptor: str, mutagen: bool = False):
    """EF x ED x ET x (1 d/24 h) [d]: days-equivalent of continuous exposure; with
    ``mutagen`` the ADAF-weighted sum over the resident age segments (RSL 4.9, mutagenic; for
    ``resident_child`` / ``resident_adult`` over that period's segments only)."""
    if mutagen:
        segs = PERIOD_SEGMENTS.get(receptor, MUTAGEN_SEGMENTS)
        return _age_sum(f, segs, lambda p: units.h_to_day(p["et_h_day"]), True)
    p = f[receptor]
    return p["ef_day_yr"] * p["ed_yr"] * units.h_to_day(p["et_h_day"])


# ---------------------------------------------------------------------------------------------
# dermal absorbed dose per event (RAGS Part E)
# ---------------------------------------------------------------------------------------------
def da_event_per_cw_cm(chem: pd.DataFrame, t_event_h) -> np.ndarray:
    """DA_event / C_w [cm] (= [mg/cm2-event] per [mg/cm3]) for one showering event.

    RAGS Part E (2004), eq. 3.2 (organics, t_event <= t*: 2 FA Kp sqrt(6 tau t / pi)),
    eq. 3.3 (t_event > t*: FA Kp [t/(1+B) + 2 tau (1+3B+3B^2)/(1+B)^2]) and eq. 3.4
    (inorganics: Kp t). Zero where Kp is missing or the chemical is outside the effective
    predictive domain (``in_epd`` false), as in the RSL tap-water tables.

    Parameters
    ----------
    chem : DataFrame
        Rows with ``kp_cm_h`` [cm/h], ``b`` [-], ``tau_event_h`` [h], ``t_star_h`` [h], ``fa`` [-],
        ``in_epd``.
    t_event_h : float or ndarray
        Event duration [h/event].
    """
    kp = _nz(_col(chem, "kp_cm_h"))
    b = _col(chem, "b")
    tau = _col(chem, "tau_event_h")
    tstar = _col(chem, "t_star_h")
    fa = np.where(np.isfinite(_col(chem, "fa")), _col(chem, "fa"), 1.0)
    ok = chem["in_epd"].to_numpy(dtype=bool)
    t = np.asarray(t_event_h, dtype=float)
    organic = np.isfinite(tau)
    tau0 = np.where(organic, tau, 0.0)
    b0 = np.where(organic, b, 0.0)
    short = 2.0 * fa * kp * np.sqrt(6.0 * tau0 * t / math.pi)
    long_ = fa * kp * (t / (1.0 + b0) + 2.0 * tau0 * (1.0 + 3.0 * b0 + 3.0 * b0 ** 2)
                       / (1.0 + b0) ** 2)
    org = np.where(t <= np.where(organic, tstar, np.inf), short, long_)
    return np.where(ok, np.where(organic, org, kp * t), 0.0)


# ---------------------------------------------------------------------------------------------
# soil-to-air factors (SSG 2002)
# ---------------------------------------------------------------------------------------------
def q_over_c(a, b, c, area_acre):
    """Dispersion factor Q/C [g/m2-s per kg/m3] = A exp((ln As - B)^2 / C) (SSG 2002 eq. D-1)."""
    return a * np.exp((np.log(area_acre) - b) ** 2 / c)


def particulate_emission_factor(site: dict):
    """PEF [m3/kg] = Q/C_wp x 3600 s/h / (0.036 (1-V) (Um/Ut)^3 F(x)) (SSG 2002 eq. 4-5;
    RSL User's Guide 4.2). ``site``: ``a_qc_wp``, ``b_qc_wp``, ``c_qc_wp``, ``as_acre`` [acre],
    ``v_fraction`` [-], ``um_m_s`` [m/s], ``ut_m_s`` [m/s], ``fx`` [-]."""
    qc = q_over_c(site["a_qc_wp"], site["b_qc_wp"], site["c_qc_wp"], site["as_acre"])
    s_per_h = units.SECONDS_PER_DAY / units.HOURS_PER_DAY
    return qc * s_per_h / (0.036 * (1.0 - site["v_fraction"]) * (site["um_m_s"] / site["ut_m_s"]) ** 3
                           * site["fx"])


def volatilization_factor(chem: pd.DataFrame, site: dict, ed_yr) -> np.ndarray:
    """Soil-to-air volatilization factor VF [m3/kg] (SSG 2002 eq. 4-8; RSL User's Guide 4.2).

    VF = Q/C_vol (pi D_A T)^0.5 / (2 rho_b D_A) x 1E-4 m2/cm2, with the apparent diffusivity
    D_A = [(theta_a^(10/3) D_ia H' + theta_w^(10/3) D_iw) / n^2] / (rho_b K_d + theta_w + theta_a H').
    K_d = K_oc f_oc for organics, the tabulated K_d for inorganics. NaN where not volatile.

    Parameters
    ----------
    chem : DataFrame
        ``henry_dimensionless`` [-], ``dair_cm2_s`` [cm2/s], ``dwater_cm2_s`` [cm2/s],
        ``koc_l_kg`` [L/kg], ``kd_l_kg`` [L/kg], ``volatile``.
    site : dict
        ``rho_b_kg_l`` [kg/L], ``rho_s_kg_l`` [kg/L], ``theta_w`` [-], ``foc`` [-], Q/C constants.
    ed_yr : float
        Exposure duration defining the exposure interval T = ED x 365 x 86400 [s].
    """
    rho_b, theta_w = site["rho_b_kg_l"], site["theta_w"]
    n = 1.0 - rho_b / site["rho_s_kg_l"]
    theta_a = n - theta_w
    h = _col(chem, "henry_dimensionless")
    kd = np.where(np.isfinite(_col(chem, "kd_l_kg")), _col(chem, "kd_l_kg"),
                  _col(chem, "koc_l_kg") * site["foc"])
    da = ((theta_a ** (10 / 3) * _col(chem, "dair_cm2_s") * h
           + theta_w ** (10 / 3) * _col(chem, "dwater_cm2_s")) / n ** 2
          / (rho_b * kd + theta_w + theta_a * h))
    t_s = units.yr_to_s(ed_yr)
    qc = q_over_c(site["a_qc_vol"], site["b_qc_vol"], site["c_qc_vol"], site["as_acre"])
    vf = qc * np.sqrt(math.pi * da * t_s) / (2.0 * rho_b * da) * units.cm2_to_m2(1.0)
    return np.where(chem["volatile"].to_numpy(dtype=bool), vf, np.nan)


# ---------------------------------------------------------------------------------------------
# pathway coefficients (per unit concentration)
# ---------------------------------------------------------------------------------------------
def _pathway(intake_ca, intake_ca_mut, intake_nc, slope_nm, slope_mut, ref, unit):
    """Assemble one pathway: risk = slope x intake (+ mutagenic part), HQ = intake / ref."""
    with np.errstate(divide="ignore", invalid="ignore"):
        hq = np.where(np.isfinite(ref) & (ref > 0), intake_nc / np.where(ref > 0, ref, 1.0), 0.0)
    return {"intake_ca": intake_ca, "intake_ca_mut": intake_ca_mut, "intake_nc": intake_nc,
            "intake_unit": unit, "risk": slope_nm * intake_ca + slope_mut * intake_ca_mut,
            "hq": hq}


def air_coefficients(chem: pd.DataFrame, receptor: str, f: dict | None = None) -> dict:
    """Inhalation per 1 ug/m3 in air: exposure concentrations EC [ug/m3], risk and HQ.

    RAGS Part F eq. 6-8 / RSL User's Guide 4.9 (resident air) and 4.10 (industrial air):
    EC = C_a x EF x ED x ET x (1 d/24 h) / AT, ATc = LT x 365, ATnc = ED x 365;
    risk = IUR x EC (mutagens: ADAF-weighted EC over the resident age segments; vinyl chloride
    resident: + IUR x C_a, the IRIS birth-to-lifetime term); HQ = EC_nc / (RfC x 1000 ug/mg).

    Parameters
    ----------
    chem : DataFrame
        Rows from :func:`chemicals`.
    receptor : {"resident", "worker", "resident_child", "resident_adult"}
        ``resident_child`` (0-6 yr) and ``resident_adult`` (6-26 yr) are the two periods of
        the RSL resident: their cancer risks sum to the resident's (the vinyl chloride
        birth term belongs to the child period); their HQs equal the resident's, since the
        exposure concentration does not depend on body weight (RAGS Part F).
    f : dict, optional
        Exposure factors (:func:`load_factors`), possibly with array values.

    Returns
    -------
    dict
        ``intake_ca`` / ``intake_ca_mut`` / ``intake_nc`` [ug/m3 per ug/m3], ``risk`` [-],
        ``hq`` [-] per 1 ug/m3, arrays over substances (broadcast with array factors).
    """
    f = f if f is not None else load_factors()
    atc = at_cancer_day(f, receptor)
    p = f[receptor]
    w = inhalation_time_weight(f, receptor)
    ec_ca = w / atc
    ec_nc = w / units.yr_to_day(p["ed_yr"])
    iur_nm, iur_mut = _split_slopes(chem, "iur_per_ug_m3", "iur_mut_per_ug_m3")
    if receptor in ("resident", "resident_child", "resident_adult"):
        ec_mut = inhalation_time_weight(f, receptor, mutagen=True) / atc
        birth = _birth(chem) if receptor != "resident_adult" else np.zeros(len(chem))
    else:  # industrial air: ADAFs and the early-life term do not apply to adult workers
        ec_mut = ec_ca
        birth = np.zeros(len(chem))
    ones = np.ones(len(chem))
    out = _pathway(ec_ca * ones + birth, ec_mut * ones, ec_nc * ones, iur_nm, iur_mut,
                   units.mg_m3_to_ug_m3(_col(chem, "rfc_mg_m3")), "ug/m3")
    return out


def tapwater_coefficients(chem: pd.DataFrame, receptor: str = "resident",
                          f: dict | None = None) -> dict[str, dict]:
    """Resident tap water per 1 ug/L: ingestion, dermal and inhalation pathways.

    RSL User's Guide 4.1 (resident tap water). Ingestion CDI = C_w IFW/ATc (carcinogens,
    age-adjusted; mutagens IFWM with ADAFs; vinyl chloride + IRW_c/BW_c C_w) and
    EF IRW_c/(BW_c x 365) C_w (non-cancer, child). Dermal DAD uses DA_event from RAGS Part E
    (:func:`da_event_per_cw_cm`) with DFW (toxicity values divided by GIABS). Inhalation of
    volatiles: C_a = K x C_w (Andelman K = 0.5 L/m3), then the resident air equations.

    Parameters
    ----------
    chem : DataFrame
        Rows from :func:`chemicals`.
    receptor : {"resident"}
        The RSL generic tables give tap-water levels for residents only.
    f : dict, optional
        Exposure factors.

    Returns
    -------
    dict
        ``{pathway: {intake_ca, intake_ca_mut, intake_nc, intake_unit, risk, hq}}`` per 1 ug/L.
    """
    if receptor != "resident":
        raise ValueError(f"tap-water screening levels exist for the resident only, not {receptor!r}")
    f = f if f is not None else load_factors()
    atc = at_cancer_day(f, "resident")
    c = f["resident_child"]
    per_ug = 1.0 / units.mg_l_to_ug_l(1.0)  # mg/L per ug/L
    sfo_nm, sfo_mut = _split_slopes(chem, "sfo_per_mg_kg_day", "sfo_mut_per_mg_kg_day")
    rfd = _col(chem, "rfd_mg_kg_day")
    giabs = _col(chem, "giabs")
    birth = _birth(chem)
    ones = np.ones(len(chem))
    nc_time = c["ef_day_yr"] / units.yr_to_day(1.0)  # EF x ED / (ED x 365)
    # ingestion
    ing_ca = (ifw_adj(f) / atc + birth * c["irw_l_day"] / c["bw_kg"]) * per_ug * ones
    ing_mut = ifw_adj(f, mutagen=True) / atc * per_ug * ones
    ing_nc = nc_time * c["irw_l_day"] / c["bw_kg"] * per_ug * ones
    out = {"ingestion": _pathway(ing_ca, ing_mut, ing_nc, sfo_nm, sfo_mut, rfd, "mg/kg-day")}
    # dermal: DA_event [mg/cm2] = (DA/Cw)[cm] x Cw[mg/L] / 1000 cm3/L
    l_per_cm3 = 1.0 / units.per_cm3_to_per_l(1.0)
    da_adj = da_event_per_cw_cm(chem, et_event_adj_h(f)) * l_per_cm3 * per_ug
    da_child = da_event_per_cw_cm(chem, c["et_event_h"]) * l_per_cm3 * per_ug
    derm_ca = dfw_adj(f) * da_adj / atc + birth * c["ev_event_day"] * c["sa_water_cm2"] / c["bw_kg"] * da_child
    derm_mut = dfw_adj(f, mutagen=True) * da_adj / atc
    derm_nc = nc_time * c["ev_event_day"] * c["sa_water_cm2"] / c["bw_kg"] * da_child
    with np.errstate(divide="ignore", invalid="ignore"):
        out["dermal"] = _pathway(derm_ca, derm_mut, derm_nc, sfo_nm / giabs, sfo_mut / giabs,
                                 rfd * giabs, "mg/kg-day")
    # inhalation of volatiles while showering / household use
    air = air_coefficients(chem, "resident", f)
    k = f["resident"]["k_andelman_l_m3"]  # [L/m3]: C_a [ug/m3] = K x C_w [ug/L]
    vol = chem["volatile"].to_numpy(dtype=float)
    out["inhalation"] = {key: (val * k * vol if key != "intake_unit" else val)
                         for key, val in air.items()}
    return out


def soil_coefficients(chem: pd.DataFrame, receptor: str, f: dict | None = None) -> dict[str, dict]:
    """Soil per 1 mg/kg: ingestion, dermal, inhalation (volatiles via VF, particulates via PEF).

    RSL User's Guide 4.2 (resident soil: age-adjusted IFS/DFS, child for non-cancer; mutagens
    IFSM/DFSM with ADAFs) and 4.3 (composite worker soil: EF 250, ED 25, IRS 100, ET 8).
    Arsenic ingestion uses the relative bioavailability ``rba_soil``; dermal only where ABSd is
    tabulated; inhalation: C_a [ug/m3] = C_s x 1000 x (1/VF + 1/PEF), then the air equations.

    Parameters
    ----------
    chem : DataFrame
        Rows from :func:`chemicals`.
    receptor : {"resident", "worker"}
    f : dict, optional
        Exposure factors (``site`` for VF/PEF).

    Returns
    -------
    dict
        ``{pathway: {...}}`` per 1 mg/kg, plus ``"_factors"`` with ``vf_m3_kg`` and
        ``pef_m3_kg``.
    """
    f = f if f is not None else load_factors()
    atc = at_cancer_day(f, receptor)
    kg_per_mg = units.KG_PER_MG
    sfo_nm, sfo_mut = _split_slopes(chem, "sfo_per_mg_kg_day", "sfo_mut_per_mg_kg_day")
    rfd = _col(chem, "rfd_mg_kg_day")
    giabs = _col(chem, "giabs")
    absd = _nz(_col(chem, "absd"))
    rba = np.where(np.isfinite(_col(chem, "rba_soil")), _col(chem, "rba_soil"), 1.0)
    birth = _birth(chem)
    ones = np.ones(len(chem))
    nc_time = lambda p: p["ef_day_yr"] / units.yr_to_day(1.0)  # noqa: E731
    if receptor == "resident":
        c = f["resident_child"]
        ing_ca = (ifs_adj(f) / atc + birth * c["irs_mg_day"] / c["bw_kg"]) * kg_per_mg * ones
        ing_mut = ifs_adj(f, mutagen=True) / atc * kg_per_mg * ones
        ing_nc = nc_time(c) * c["irs_mg_day"] / c["bw_kg"] * kg_per_mg * ones
        derm_ca = (dfs_adj(f) / atc + birth * c["sa_soil_cm2"] * c["af_mg_cm2"] / c["bw_kg"]) \
            * kg_per_mg * absd
        derm_mut = dfs_adj(f, mutagen=True) / atc * kg_per_mg * absd
        derm_nc = nc_time(c) * c["sa_soil_cm2"] * c["af_mg_cm2"] / c["bw_kg"] * kg_per_mg * absd
        ed = f["resident"]["ed_yr"]
    elif receptor == "worker":
        w = f["worker"]
        ing_ca = w["ef_day_yr"] * w["ed_yr"] * w["irs_mg_day"] / w["bw_kg"] / atc * kg_per_mg * ones
        ing_mut = ing_ca
        ing_nc = nc_time(w) * w["irs_mg_day"] / w["bw_kg"] * kg_per_mg * ones
        derm_ca = (w["ef_day_yr"] * w["ed_yr"] * w["sa_soil_cm2"] * w["af_mg_cm2"] / w["bw_kg"]
                   / atc * kg_per_mg * absd)
        derm_mut = derm_ca
        derm_nc = nc_time(w) * w["sa_soil_cm2"] * w["af_mg_cm2"] / w["bw_kg"] * kg_per_mg * absd
        ed = w["ed_yr"]
    else:
        raise ValueError(f"unknown receptor {receptor!r}; expected one of {RECEPTORS}")
    out = {"ingestion": _pathway(ing_ca, ing_mut, ing_nc, sfo_nm * rba, sfo_mut * rba, rfd,
                                 "mg/kg-day")}
    with np.errstate(divide="ignore", invalid="ignore"):
        out["dermal"] = _pathway(derm_ca, derm_mut, derm_nc, sfo_nm / giabs, sfo_mut / giabs,
                                 rfd * giabs, "mg/kg-day")
    site = f["site"]
    vf = volatilization_factor(chem, site, ed)
    pef = particulate_emission_factor(site)
    air_per_soil = units.mg_m3_to_ug_m3(np.where(np.isfinite(vf), 1.0 / vf, 0.0) + 1.0 / pef)
    air = air_coefficients(chem, receptor, f)
    out["inhalation"] = {key: (val * air_per_soil if key != "intake_unit" else val)
                         for key, val in air.items()}
    out["_factors"] = {"vf_m3_kg": vf, "pef_m3_kg": pef}
    return out


def coefficients(chem: pd.DataFrame, medium: str, receptor: str,
                 f: dict | None = None) -> dict[str, dict]:
    """Per-unit-concentration pathway coefficients for ``medium`` (air, tapwater, soil)."""
    if medium == "air":
        if receptor not in AIR_RECEPTORS:
            raise ValueError(f"unknown receptor {receptor!r}; expected one of {AIR_RECEPTORS}")
        return {"inhalation": air_coefficients(chem, receptor, f)}
    if medium == "tapwater":
        return tapwater_coefficients(chem, receptor, f)
    if medium == "soil":
        return soil_coefficients(chem, receptor, f)
    raise ValueError(f"unknown medium {medium!r}; expected one of {MEDIA}")


# ---------------------------------------------------------------------------------------------
# screening levels
# ---------------------------------------------------------------------------------------------
def _sl(target, coef):
    coef = np.asarray(coef, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(coef > 0, target / np.where(coef > 0, coef, 1.0), np.nan)


def has_values(chem: pd.DataFrame, medium: str) -> np.ndarray:
    """True where the substance has any toxicity value usable in ``medium``."""
    inh = np.isfinite(_col(chem, "iur_per_ug_m3")) | np.isfinite(_col(chem, "rfc_mg_m3"))
    oral = np.isfinite(_col(chem, "sfo_per_mg_kg_day")) | np.isfinite(_col(chem, "rfd_mg_kg_day"))
    return inh if medium == "air" else (inh | oral)


def screening_level(cas: str, medium: str, receptor: str = "resident", land_use: str | None = None,
                    target_risk: float = 1e-6, target_hq: float = 1.0,
                    factors: dict | None = None) -> ScreeningLevel:
    """Back-calculated RSL screening level for one chemical, medium and receptor.

    Carcinogenic SL = TR / sum over pathways of risk per unit concentration; non-cancer SL =
    THQ / sum of HQ per unit concentration (RSL User's Guide section 4, the "total" equations
    1/(1/SL_ing + 1/SL_derm + 1/SL_inh)); SL = the lower of the two.

    Parameters
    ----------
    cas : str
        CAS number in ``toxicity_epa_rsl.csv``.
    medium : {"air", "tapwater", "soil"}
    receptor : {"resident", "worker"}
    land_use : None
        Not used by the RSL (accepted for a common dispatcher signature).
    target_risk : float
        Target cancer risk TR [-] (default 1E-06).
    target_hq : float
        Target hazard quotient THQ [-] (default 1).
    factors : dict, optional
        Exposure factors replacing the RSL defaults.

    Returns
    -------
    ScreeningLevel
        In ug/m3 (air), ug/L (tap water) or mg/kg (soil); ``details`` holds per-pathway levels.
    """
    if target_risk <= 0 or target_hq <= 0:
        raise ValueError("target risk and target HQ must be positive")
    chem = chemicals([cas])
    if not has_values(chem, medium)[0]:
        raise RefdataError(f"CAS {cas} has no RSL toxicity value usable for {medium}")
    co = coefficients(chem, medium, receptor, factors)
    details: dict = {}
    risk_total = 0.0
    hq_total = 0.0
    for pw, d in co.items():
        if pw.startswith("_"):
            details.update({k: float(np.asarray(v).ravel()[0]) for k, v in d.items()})
            continue
        r = float(np.asarray(d["risk"]).ravel()[0])
        h = float(np.asarray(d["hq"]).ravel()[0])
        risk_total += r
        hq_total += h
        details[f"{pw}_cancer_sl"] = float(_sl(target_risk, r))
        details[f"{pw}_noncancer_sl"] = float(_sl(target_hq, h))
    ca = float(_sl(target_risk, risk_total))
    nc = float(_sl(target_hq, hq_total))
    sl = float(np.nanmin([ca, nc])) if np.isfinite([ca, nc]).any() else math.nan
    return ScreeningLevel(cas=cas, medium=medium, receptor=receptor, cancer_sl=ca,
                          noncancer_sl=nc, sl=sl, unit=UNITS[medium], params=PARAMS,
                          target_risk=target_risk, target_hq=target_hq, details=details)
