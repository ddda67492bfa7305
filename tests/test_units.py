import numpy as np
import pytest

from ehrisk import units


def test_molar_volume_at_25c_is_24_46_l():
    # Independent: R*T/P = 8.314462618*298.15/101325 m3/mol = 24.465 L/mol (ideal gas law).
    assert units.molar_volume_l() == pytest.approx(24.465, rel=1e-4)


def test_ppb_round_trip_and_no2_factor():
    # NO2, MW 46.0055 g/mol: 1 ppb = 46.0055/24.465 = 1.880 ug/m3 at 25 C, 1 atm.
    assert float(units.ppb_to_ug_m3(1.0, 46.0055)) == pytest.approx(1.8805, rel=1e-3)
    x = np.array([0.0, 3.5, 120.0])
    np.testing.assert_allclose(units.ug_m3_to_ppb(units.ppb_to_ug_m3(x, 48.0), 48.0), x)


def test_t_per_year_to_g_per_s():
    # 31.536 t/yr = 31.536e6 g / 31.536e6 s = 1 g/s
    assert float(units.t_yr_to_g_s(31.536)) == pytest.approx(1.0)
    assert float(units.g_s_to_t_yr(1.0)) == pytest.approx(31.536)


def test_to_t_yr_units_and_unknown_unit():
    assert float(units.to_t_yr(500, "kg/yr")) == pytest.approx(0.5)
    assert float(units.to_t_yr(2, "吨/年")) == pytest.approx(2)
    with pytest.raises(KeyError, match="unknown unit"):
        units.to_t_yr(1, "lb/yr")
