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
