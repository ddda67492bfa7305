"""Soil and groundwater vapour transport of HJ 25.3-2019 (建设用地土壤污染风险评估技术导则).

Volatilisation factors from surface soil, subsurface soil and groundwater to outdoor and
indoor air (Annex F): ``VFsuroa``, ``VFsuboa``, ``VFsubia``, ``VFgwoa``, ``VFgwia``, with the
soil, building and air parameters of Annex G (``site_params_hj25_3_2019`` table).

Pure and vectorised: arrays of substances in, arrays out. Symbols follow the standard; units
are in the names (``d_cm``, ``rho_b_kg_dm3`` ...). Soil factors are in kg soil per m3 air
(an air concentration [mg/m3] per soil concentration [mg/kg]); groundwater factors are in
L water per m3 air ([mg/m3] per [mg/L]).
"""

from __future__ import annotations

import numpy as np

from ehrisk import units
from ehrisk.refdata import load_table

SITE_TABLE = "site_params_hj25_3_2019"
LAND_USES = ("first-class", "second-class")


def site_parameters(land_use: str = "first-class", **overrides: float) -> dict[str, float]:
    """Default site parameters of HJ 25.3-2019 Annex G for a land use, with overrides.

    Parameters
    ----------
    land_use : {"first-class", "second-class"}
        第一类用地 (sensitive: residential, schools ...) or 第二类用地 (industrial, commercial).
    **overrides : float
        Any parameter of the table by its name (``fom_g_kg=10``, ``lgw_cm=150`` ...), in the
        table's unit (the unit is in the name).

    Returns
    -------
    dict
        ``{parameter: value}``.

    References
    ----------
    HJ 25.3-2019, Annex G, Table G.1 (site, soil, building and air parameters).
    """
    if land_use not in LAND_USES:
        raise ValueError(f"unknown land use {land_use!r}; expected one of {', '.join(LAND_USES)}")
    df = load_table(SITE_TABLE, numeric=["value"])
    generic = df[df["land_use"] == ""]
    own = df[df["land_use"] == land_use]
    out = dict(zip(generic["parameter"], generic["value"], strict=True))
    out.update(zip(own["parameter"], own["value"], strict=True))
    unknown = sorted(set(overrides) - set(out))
    if unknown:
        raise KeyError(f"unknown site parameter(s) {unknown}; known: {', '.join(sorted(out))}")
    for k, v in overrides.items():
        out[k] = float(v)
    _check_site(out)
    return out


def _check_site(p: dict[str, float]) -> None:
    positive = ("rho_b_kg_dm3", "rho_s_kg_dm3", "uair_cm_s", "w_cm", "delta_air_cm", "a_cm2",
                "lb_cm", "er_per_day", "ls_cm", "lgw_cm", "tau_yr", "eta", "lcrack_cm",
                "ab_cm2", "xcrack_cm", "zcrack_cm", "hcap_cm", "hv_cm")
    bad = [k for k in positive if not p[k] > 0]
    if bad:
        raise ValueError(f"site parameters must be > 0: {', '.join(f'{k}={p[k]}' for k in bad)}")
    theta = 1.0 - p["rho_b_kg_dm3"] / p["rho_s_kg_dm3"]
    theta_ws = p["rho_b_kg_dm3"] * p["pws_kg_kg"] / p["rho_w_kg_dm3"]
    if theta <= 0 or theta_ws >= theta:
        raise ValueError(
            f"soil parameters give no air-filled porosity: total porosity 1 - rho_b/rho_s = "
            f"{theta:.3f}, water-filled rho_b*Pws/rho_w = {theta_ws:.3f}")


def soil_phases(site: dict[str, float]) -> dict[str, float]:
    """Total, water-filled and air-filled porosity and organic-carbon fraction.

    Parameters
    ----------
    site : dict
        From :func:`site_parameters` (``rho_b_kg_dm3`` [kg/dm3], ``rho_s_kg_dm3`` [kg/dm3],
        ``pws_kg_kg`` [kg/kg], ``rho_w_kg_dm3`` [kg/dm3], ``fom_g_kg`` [g/kg]).

    Returns
    -------
    dict
        ``theta`` [-], ``theta_ws`` [-], ``theta_as`` [-], ``foc`` [kg/kg].

    References
    ----------
    HJ 25.3-2019, Annex F: θ = 1 − ρb/ρs; θws = ρb·Pws/ρw; θas = θ − θws; foc = fom/1.7/1000.
    """
    theta = 1.0 - site["rho_b_kg_dm3"] / site["rho_s_kg_dm3"]
    theta_ws = site["rho_b_kg_dm3"] * site["pws_kg_kg"] / site["rho_w_kg_dm3"]
    return {"theta": theta, "theta_ws": theta_ws, "theta_as": theta - theta_ws,
            "foc": site["fom_g_kg"] / site["om_to_oc"] / 1000.0}


def effective_diffusivity(dair_cm2_s, dwater_cm2_s, henry, theta_a, theta_w, mq_exp,
                          theta_total=None):
    """Effective diffusion coefficient in a porous layer [cm2/s].

    Parameters
    ----------
    dair_cm2_s, dwater_cm2_s : array_like
        Diffusion coefficients in air and water [cm2/s].
    henry : array_like
        Dimensionless Henry constant H' [-].
    theta_a, theta_w : float
        Air- and water-filled porosity of the layer [-].
    mq_exp : float
        Millington-Quirk exponent [-] (3.33, table ``site_params_hj25_3_2019``).
    theta_total : float, optional
        Total porosity θ in the denominator [-]; default θa + θw of the layer. The
        vadose-zone soil passes its θ = 1 − ρb/ρs (equal to θas + θws); the capillary zone
        and the foundation cracks use their own θacap + θwcap and θacrack + θwcrack
        (default), as the public calculator that cites HJ 25.3-2019 Annex G does
        (docs/hj25_3.md, "Verification"). The standard's own equation was not read.

    References
    ----------
    HJ 25.3-2019, Annex F: Deff = Da·θa^3.33/θ² + (Dw/H')·θw^3.33/θ² (soil, capillary zone
    and foundation cracks alike); Millington & Quirk (1961); ASTM E2081-00 (RBCA).
    """
    theta = theta_a + theta_w if theta_total is None else theta_total
    h = np.asarray(henry, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        water = np.asarray(dwater_cm2_s, dtype=float) * theta_w**mq_exp / (h * theta**2)
    return np.asarray(dair_cm2_s, dtype=float) * theta_a**mq_exp / theta**2 + water


def partition_ksw(henry, koc_l_kg, kd_l_kg, site: dict[str, float]):
    """Soil-water partition factor Ksw [L/kg] = [cm3/g].

    ``Kd`` is taken from ``kd_l_kg`` where given (inorganics), else ``Koc·foc``.

    References
    ----------
    HJ 25.3-2019, Annex F: Kd = Koc·foc; Ksw = (θws + Kd·ρb + H'·θas)/ρb.
    """
    ph = soil_phases(site)
    kd = np.where(np.isfinite(kd_l_kg), kd_l_kg, np.asarray(koc_l_kg, dtype=float) * ph["foc"])
    rho_b = site["rho_b_kg_dm3"]
    return (ph["theta_ws"] + kd * rho_b + np.asarray(henry, dtype=float) * ph["theta_as"]) / rho_b


def volatilisation_factors(henry, dair_cm2_s, dwater_cm2_s, koc_l_kg, kd_l_kg=None,
                           site: dict[str, float] | None = None) -> dict[str, np.ndarray]:
    """The five volatilisation factors of HJ 25.3-2019 for arrays of substances.

    Parameters
    ----------
    henry : array_like
        Dimensionless Henry constant H' [-]; NaN or 0 means not volatile (all VFs 0).
    dair_cm2_s, dwater_cm2_s : array_like
        Diffusion coefficients in air and water [cm2/s].
    koc_l_kg : array_like
        Organic-carbon partition coefficient [L/kg].
    kd_l_kg : array_like, optional
        Soil-water distribution coefficient [L/kg] (inorganics; NaN = use Koc·foc).
    site : dict, optional
        From :func:`site_parameters` (first-class defaults if omitted).

    Returns
    -------
    dict of arrays
        ``vf_suroa_kg_m3`` (surface soil → outdoor air), ``vf_suboa_kg_m3`` (subsurface soil →
        outdoor air), ``vf_subia_kg_m3`` (subsurface soil → indoor air) [kg/m3];
        ``vf_gwoa_l_m3`` (groundwater → outdoor air), ``vf_gwia_l_m3`` (groundwater → indoor
        air) [L/m3]; and the intermediates ``deff_s_cm2_s``, ``deff_gws_cm2_s``,
        ``deff_crack_cm2_s``, ``ksw_l_kg``, ``df_oa_cm_s``, ``df_ia_cm_s``, ``qs_cm3_s``.

    Notes
    -----
    Surface and subsurface soil factors are the lower of the infinite-source value and the
    mass-balance limit (source depleted over τ). Indoor factors follow the Johnson-Ettinger
    form with advective soil-gas flow Qs; with the default ΔP = 0, Qs = 0 and they reduce to
    the diffusion-only expressions of HJ 25.3-2014.

    References
    ----------
    HJ 25.3-2019, Annex F: VFsuroa, VFsuboa, VFsubia, VFgwoa, VFgwia and their sub-models
    (Deff, Deff_cap, Deff_gws, Deff_crack, Ksw, DFoa, DFia, Qs); Johnson & Ettinger (1991).
    """
    p = site_parameters("first-class") if site is None else site
    h = np.asarray(henry, dtype=float)
    da = np.asarray(dair_cm2_s, dtype=float)
    dw = np.asarray(dwater_cm2_s, dtype=float)
    koc = np.asarray(koc_l_kg, dtype=float)
    kd = np.full(h.shape, np.nan) if kd_l_kg is None else np.asarray(kd_l_kg, dtype=float)
    vol = np.isfinite(h) & (h > 0) & np.isfinite(da) & (da > 0)
    h_ = np.where(vol, h, 1.0)
    da_ = np.where(vol, da, 1.0)
    dw_ = np.where(np.isfinite(dw), dw, 0.0)
    koc_ = np.where(np.isfinite(koc), koc, 0.0)
    mq = p["mq_exp"]

    ph = soil_phases(p)
    deff_s = effective_diffusivity(da_, dw_, h_, ph["theta_as"], ph["theta_ws"], mq)
    # capillary zone and foundation cracks: the layer's own porosity θa + θw in the denominator
    deff_cap = effective_diffusivity(da_, dw_, h_, p["theta_acap"], p["theta_wcap"], mq)
    deff_crack = effective_diffusivity(da_, dw_, h_, p["theta_acrack"], p["theta_wcrack"], mq)
    deff_gws = p["lgw_cm"] / (p["hcap_cm"] / deff_cap + p["hv_cm"] / deff_s)
    ksw = partition_ksw(h_, koc_, kd, p)
    rho_b = p["rho_b_kg_dm3"]
    tau_s = float(units.yr_to_s(p["tau_yr"]))

    df_oa = p["uair_cm_s"] * p["w_cm"] * p["delta_air_cm"] / p["a_cm2"]
    df_ia = p["lb_cm"] * float(units.per_day_to_per_s(p["er_per_day"]))
    log_arg = 2.0 * p["zcrack_cm"] * p["xcrack_cm"] / (p["ab_cm2"] * p["eta"])
    if log_arg <= 0 or log_arg == 1.0:
        raise ValueError("building parameters give ln(2·Zcrack·Xcrack/(Ab·η)) <= 0 or = 0")
    qs = 2.0 * np.pi * p["dp_g_cm_s2"] * p["kv_cm2"] * p["xcrack_cm"] / (
        p["mu_air_g_cm_s"] * np.log(log_arg))

    def _indoor(deff, depth_cm):
        a = deff / (df_ia * depth_cm)
        if qs > 0:
            xi = qs * p["lcrack_cm"] / (p["ab_cm2"] * deff_crack * p["eta"])
            e = np.exp(xi)
            return a * e / (e + a + deff * p["ab_cm2"] * np.expm1(xi) / (qs * depth_cm))
        return a / (1.0 + a + deff * p["lcrack_cm"] / (deff_crack * depth_cm * p["eta"]))

    # surface soil -> outdoor air
    vf_suroa_inf = units.g_cm3_to_kg_m3(rho_b / df_oa * np.sqrt(
        4.0 * deff_s * h_ / (np.pi * tau_s * ksw * rho_b)))
    vf_suroa_mass = units.g_cm3_to_kg_m3(p["d_cm"] * rho_b / (df_oa * tau_s))
    # subsurface soil -> outdoor / indoor air
    vf_suboa_inf = units.g_cm3_to_kg_m3(h_ / ksw / (1.0 + df_oa * p["ls_cm"] / deff_s))
    vf_suboa_mass = units.g_cm3_to_kg_m3(p["dsub_cm"] * rho_b / (df_oa * tau_s))
    vf_subia_inf = units.g_cm3_to_kg_m3(h_ / ksw * _indoor(deff_s, p["ls_cm"]))
    vf_subia_mass = units.g_cm3_to_kg_m3(p["dsub_cm"] * rho_b / (df_ia * tau_s))
    # groundwater -> outdoor / indoor air
    vf_gwoa = units.l_per_l_to_l_per_m3(h_ / (1.0 + df_oa * p["lgw_cm"] / deff_gws))
    vf_gwia = units.l_per_l_to_l_per_m3(h_ * _indoor(deff_gws, p["lgw_cm"]))

    zero = np.zeros(h.shape)
    return {
        "vf_suroa_kg_m3": np.where(vol, np.minimum(vf_suroa_inf, vf_suroa_mass), zero),
        "vf_suboa_kg_m3": np.where(vol, np.minimum(vf_suboa_inf, vf_suboa_mass), zero),
        "vf_subia_kg_m3": np.where(vol, np.minimum(vf_subia_inf, vf_subia_mass), zero),
        "vf_gwoa_l_m3": np.where(vol, vf_gwoa, zero),
        "vf_gwia_l_m3": np.where(vol, vf_gwia, zero),
        "deff_s_cm2_s": np.where(vol, deff_s, np.nan),
        "deff_gws_cm2_s": np.where(vol, deff_gws, np.nan),
        "deff_crack_cm2_s": np.where(vol, deff_crack, np.nan),
        "ksw_l_kg": ksw,
        "df_oa_cm_s": np.full(h.shape, df_oa),
        "df_ia_cm_s": np.full(h.shape, df_ia),
        "qs_cm3_s": np.full(h.shape, qs),
    }


def soil_saturation(solubility_mg_l, henry, koc_l_kg, kd_l_kg=None,
                    site: dict[str, float] | None = None) -> np.ndarray:
    """Soil saturation concentration Csat [mg/kg] for arrays of substances.

    The soil concentration at which the pore water reaches the aqueous solubility S, with the
    sorbed and soil-gas phases in equilibrium; above it a free (non-aqueous) phase forms and
    the linear partitioning of the vapour and leaching models no longer holds.

    Parameters
    ----------
    solubility_mg_l : array_like
        Aqueous solubility S [mg/L]; NaN gives NaN (no saturation limit computed).
    henry : array_like
        Dimensionless Henry constant H' [-]; NaN is taken as 0 (no gas phase).
    koc_l_kg : array_like
        Organic-carbon partition coefficient [L/kg].
    kd_l_kg : array_like, optional
        Soil-water distribution coefficient [L/kg] (NaN = use Koc·foc).
    site : dict, optional
        From :func:`site_parameters` (first-class defaults if omitted).

    Returns
    -------
    ndarray
        Csat [mg/kg] = S·Ksw = S/ρb·(Kd·ρb + θws + H'·θas), with Ksw of :func:`partition_ksw`
        (S in mg/L, ρb in kg/L, Kd in L/kg).

    References
    ----------
    US EPA (1996) Soil Screening Guidance: Technical Background Document, EPA/540/R-95/128,
    equation 24 (Csat); US EPA Regional Screening Levels User's Guide, soil saturation limit
    (same form). Not read in HJ 25.3-2019 (UNCONFIRMED whether the standard prints it); GB
    36600-2018's screening values for toluene, styrene, 1,2-dichlorobenzene and others equal
    this value with the HJ 25.3-2019 Annex G soil defaults (docs/hj25_3.md).
    """
    p = site_parameters("first-class") if site is None else site
    s = np.asarray(solubility_mg_l, dtype=float)
    h = np.asarray(henry, dtype=float)
    h = np.where(np.isfinite(h), h, 0.0)
    kd = np.full(s.shape, np.nan) if kd_l_kg is None else np.asarray(kd_l_kg, dtype=float)
    return s * partition_ksw(h, koc_l_kg, kd, p)
