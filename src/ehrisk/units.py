"""Unit conversions, all in one module (DESIGN.md: convert once at the boundary).

Names carry units: ``conc_ug_m3``, ``emission_t_yr``, ``rate_g_s``. Gas conversions use the
ideal-gas molar volume at the stated reference state; Chinese ambient standards (GB 3095-2026
4.3, HJ 633-2026) state concentrations at 298.15 K and 1013.25 hPa, as does US EPA for ppb.
"""

from __future__ import annotations

import numpy as np

R_J_MOL_K = 8.314462618  # molar gas constant, CODATA 2018 (exact by SI definition)
T_REF_K = 298.15
P_REF_PA = 101325.0
SECONDS_PER_YEAR = 365.0 * 86400.0
G_PER_T = 1.0e6
G_PER_KG = 1.0e3
UG_PER_MG = 1.0e3


def molar_volume_l(t_k: float = T_REF_K, p_pa: float = P_REF_PA) -> float:
    """Molar volume of an ideal gas [L/mol] at temperature ``t_k`` [K] and pressure ``p_pa`` [Pa]."""
    return R_J_MOL_K * t_k / p_pa * 1000.0


def ppb_to_ug_m3(ppb, mw_g_mol, t_k: float = T_REF_K, p_pa: float = P_REF_PA):
    """Volume mixing ratio [ppb] -> mass concentration [ug/m3]: c = ppb * MW / Vm."""
    return np.asarray(ppb, dtype=float) * mw_g_mol / molar_volume_l(t_k, p_pa)


def ug_m3_to_ppb(ug_m3, mw_g_mol, t_k: float = T_REF_K, p_pa: float = P_REF_PA):
    """Mass concentration [ug/m3] -> volume mixing ratio [ppb]."""
    return np.asarray(ug_m3, dtype=float) * molar_volume_l(t_k, p_pa) / mw_g_mol


def mg_m3_to_ug_m3(x):
    return np.asarray(x, dtype=float) * UG_PER_MG


def ug_m3_to_mg_m3(x):
    return np.asarray(x, dtype=float) / UG_PER_MG


def t_yr_to_g_s(x):
    """Tonnes per year -> grams per second (365-day year)."""
    return np.asarray(x, dtype=float) * G_PER_T / SECONDS_PER_YEAR


def kg_yr_to_g_s(x):
    """Kilograms per year -> grams per second (365-day year)."""
    return np.asarray(x, dtype=float) * G_PER_KG / SECONDS_PER_YEAR


def g_s_to_t_yr(x):
    return np.asarray(x, dtype=float) * SECONDS_PER_YEAR / G_PER_T


def t_yr_to_kg_yr(x):
    """Tonnes per year -> kilograms per year."""
    return np.asarray(x, dtype=float) * G_PER_T / G_PER_KG


# Mass-per-year units accepted on input, as factors to tonnes per year.
MASS_PER_YEAR_TO_T = {
    "t/yr": 1.0, "t/a": 1.0, "t": 1.0, "吨/年": 1.0, "吨": 1.0,
    "kg/yr": 1e-3, "kg/a": 1e-3, "kg": 1e-3, "千克/年": 1e-3, "公斤/年": 1e-3,
    "g/yr": 1e-6, "g/a": 1e-6, "克/年": 1e-6,
    "mg/yr": 1e-9,
}


def to_t_yr(value, unit: str):
    """Convert an amount per year in ``unit`` (see MASS_PER_YEAR_TO_T) to tonnes per year.

    Raises KeyError naming the accepted units if ``unit`` is unknown.
    """
    key = unit.strip().lower().replace(" ", "")
    if key not in MASS_PER_YEAR_TO_T:
        raise KeyError(f"unknown unit {unit!r}; accepted: {', '.join(MASS_PER_YEAR_TO_T)}")
    return np.asarray(value, dtype=float) * MASS_PER_YEAR_TO_T[key]


# Concentration units in air accepted on input, as factors to ug/m3 (mass units only).
AIR_CONC_TO_UG_M3 = {"ug/m3": 1.0, "µg/m3": 1.0, "μg/m3": 1.0, "mg/m3": 1e3, "ng/m3": 1e-3}
# Concentration units in water, as factors to ug/L.
WATER_CONC_TO_UG_L = {"ug/l": 1.0, "µg/l": 1.0, "μg/l": 1.0, "mg/l": 1e3, "ng/l": 1e-3}
# Concentration units in soil, as factors to mg/kg.
SOIL_CONC_TO_MG_KG = {"mg/kg": 1.0, "ug/kg": 1e-3, "µg/kg": 1e-3, "μg/kg": 1e-3, "g/kg": 1e3}


# 16-point compass (N, NNE, ..., NNW) -> degrees clockwise from north, 22.5 deg apart
# (WMO No. 8, Guide to Instruments and Methods of Observation, wind direction in degrees).
COMPASS16 = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
             "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")


def compass16_to_deg(points):
    """16-point compass names (e.g. ``"NNE"``) -> direction [deg] clockwise from north.

    Raises KeyError naming the unknown point.
    """
    lookup = {p: 22.5 * i for i, p in enumerate(COMPASS16)}
    arr = np.asarray(points, dtype=object).ravel()
    out = np.empty(arr.shape, dtype=float)
    for i, p in enumerate(arr):
        key = str(p).strip().upper()
        if key not in lookup:
            raise KeyError(f"unknown compass point {p!r}; expected one of {', '.join(COMPASS16)}")
        out[i] = lookup[key]
    return out.reshape(np.shape(points))


def per_ug_m3_to_per_mg_m3(x):
    """Inhalation unit risk [(ug/m3)^-1] -> [(mg/m3)^-1] (1 mg = 1000 ug)."""
    return np.asarray(x, dtype=float) * UG_PER_MG


PERSONS_PER_WAN = 1.0e4  # 万 (wan), the Chinese counting unit of ten thousand


def persons_to_wan(x):
    """Population [persons] -> [万人] (ten thousands of persons), as Chinese reports state it."""
    return np.asarray(x, dtype=float) / PERSONS_PER_WAN


# Soil and groundwater risk (HJ 25.3-2019) conversions.
SECONDS_PER_DAY = 86400.0
KG_PER_MG = 1.0e-6
L_PER_M3 = 1.0e3
KG_M3_PER_G_CM3 = 1.0e3


def mg_day_to_kg_day(x):
    """Mass rate [mg/d] -> [kg/d] (soil ingestion OSIR, skin adherence SSAR x area)."""
    return np.asarray(x, dtype=float) * KG_PER_MG


def per_day_to_per_s(x):
    """Rate [1/d] -> [1/s] (indoor air exchange rate ER)."""
    return np.asarray(x, dtype=float) / SECONDS_PER_DAY


def yr_to_s(x):
    """Duration [a] (365-day year) -> [s] (HJ 25.3-2019 uses 31 536 000 s/a)."""
    return np.asarray(x, dtype=float) * SECONDS_PER_YEAR


def g_cm3_to_kg_m3(x):
    """Density or mass ratio [g/cm3] = [kg/dm3] -> [kg/m3]."""
    return np.asarray(x, dtype=float) * KG_M3_PER_G_CM3


def l_per_l_to_l_per_m3(x):
    """Volume ratio [L/L] (e.g. dimensionless Henry constant) -> [L/m3]: turns a water
    concentration [mg/L] into an air concentration [mg/m3]."""
    return np.asarray(x, dtype=float) * L_PER_M3


def f_to_c(x):
    """Temperature [degF] -> [degC]: (F - 32) * 5/9 (e.g. NMMAPS dew point ``dptp``)."""
    return (np.asarray(x, dtype=float) - 32.0) * 5.0 / 9.0


#: Mean calendar year (Julian year) [d], for rates from daily counts over several years.
DAYS_PER_MEAN_YEAR = 365.25


def per_day_to_per_year(x):
    """Rate [1/d] -> [1/yr] with the mean calendar year of 365.25 d (leap years included;
    the RSL equations keep their 365-day convention, ``DAYS_PER_YEAR``)."""
    return np.asarray(x, dtype=float) * DAYS_PER_MEAN_YEAR


#: Magnus coefficients over water (Alduchov & Eskridge 1996, J Appl Meteorol 35:601-609,
#: eq. 21: a = 17.625, b = 243.04 degC; valid -40 to 50 degC).
MAGNUS_A = 17.625
MAGNUS_B_C = 243.04


def dewpoint_c_from_rh(temp_c, rh_pct):
    """Dew point [degC] from air temperature [degC] and relative humidity [%].

    Magnus form: gamma = ln(RH/100) + a T / (b + T); Td = b gamma / (a - gamma), with the
    Alduchov & Eskridge (1996) coefficients (``MAGNUS_A``, ``MAGNUS_B_C``). RH outside
    (0, 100] gives NaN.
    """
    t = np.asarray(temp_c, dtype=float)
    rh = np.asarray(rh_pct, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rh = np.where((rh > 0) & (rh <= 100), rh, np.nan)
        g = np.log(rh / 100.0) + MAGNUS_A * t / (MAGNUS_B_C + t)
        return MAGNUS_B_C * g / (MAGNUS_A - g)


# --- risk engine (US EPA RSL equations) -------------------------------------------------------
DAYS_PER_YEAR = 365.0
HOURS_PER_DAY = 24.0
CM3_PER_L = 1.0e3
CM2_PER_M2 = 1.0e4


def yr_to_day(x):
    """Duration [yr] -> [d] (365 d/yr, as in the RSL averaging times ATc = LT x 365)."""
    return np.asarray(x, dtype=float) * DAYS_PER_YEAR


def h_to_day(x):
    """Duration [h] -> [d] (the RSL factor 1 day / 24 hours applied to ET)."""
    return np.asarray(x, dtype=float) / HOURS_PER_DAY


def mg_l_to_ug_l(x):
    """Water concentration [mg/L] -> [ug/L]."""
    return np.asarray(x, dtype=float) * UG_PER_MG


def per_cm3_to_per_l(x):
    """Quantity per [cm3] -> per [L] (RSL dermal factor 1 L / 1000 cm3 inverted)."""
    return np.asarray(x, dtype=float) * CM3_PER_L


def cm2_to_m2(x):
    """Area [cm2] -> [m2] (RSL VF factor 1E-04 m2/cm2)."""
    return np.asarray(x, dtype=float) / CM2_PER_M2


# --- dispersion (Gaussian plume, Turner stability) ------------------------------------------
M_PER_NAUTICAL_MILE = 1852.0  # international nautical mile (exact, by definition)
M_PER_FT = 0.3048  # international foot (exact, 1959 agreement)
UG_PER_G = 1.0e6
M_PER_KM = 1.0e3


def m_s_to_knots(x):
    """Speed [m/s] -> [kt] (1 kt = 1852 m / 3600 s)."""
    return np.asarray(x, dtype=float) * 3600.0 / M_PER_NAUTICAL_MILE


def ft_to_m(x):
    """Length [ft] -> [m] (1 ft = 0.3048 m), e.g. cloud ceilings in the Turner method."""
    return np.asarray(x, dtype=float) * M_PER_FT


def g_m3_to_ug_m3(x):
    """Mass concentration [g/m3] -> [ug/m3] (Gaussian plume with Q in g/s)."""
    return np.asarray(x, dtype=float) * UG_PER_G


def km_to_m(x):
    """Distance [km] -> [m]."""
    return np.asarray(x, dtype=float) * M_PER_KM


def m_to_km(x):
    """Distance [m] -> [km] (Pasquill-Gifford fits take x in km)."""
    return np.asarray(x, dtype=float) / M_PER_KM


ZERO_C_IN_K = 273.15


def c_to_k(x):
    """Temperature [degC] -> [K] (T = t + 273.15)."""
    return np.asarray(x, dtype=float) + ZERO_C_IN_K
