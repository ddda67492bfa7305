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


def test_t_yr_to_kg_yr():
    # 1 t = 1000 kg (SI): 450 000 t/yr is 4.5e8 kg/yr
    assert float(units.t_yr_to_kg_yr(450_000.0)) == 4.5e8
    assert float(units.t_yr_to_kg_yr(units.to_t_yr(150.0, "kg/a"))) == pytest.approx(150.0)


def test_to_t_yr_units_and_unknown_unit():
    assert float(units.to_t_yr(500, "kg/yr")) == pytest.approx(0.5)
    assert float(units.to_t_yr(2, "吨/年")) == pytest.approx(2)
    with pytest.raises(KeyError, match="unknown unit"):
        units.to_t_yr(1, "lb/yr")


def test_compass16_to_deg():
    # 16 points, 360/16 = 22.5 deg apart, clockwise from north.
    np.testing.assert_allclose(units.compass16_to_deg(["N", "E", "SSW", "nw"]),
                               [0.0, 90.0, 202.5, 315.0])
    with pytest.raises(KeyError, match="unknown compass point"):
        units.compass16_to_deg(["X"])


def test_iur_per_ug_to_per_mg_and_wan():
    # 1 (ug/m3)^-1 = 1000 (mg/m3)^-1 because 1 mg/m3 = 1000 ug/m3; benzene IUR 7.8e-6 -> 7.8e-3.
    assert float(units.per_ug_m3_to_per_mg_m3(7.8e-6)) == pytest.approx(7.8e-3)
    # 230 000 persons = 23 万人 (1 万 = 10 000).
    assert float(units.persons_to_wan(230_000)) == pytest.approx(23.0)


def test_soil_risk_conversions():
    # 200 mg/d = 2e-4 kg/d; 12 /d = 12/86400 /s; 30 a = 30 x 365 x 86400 s = 946 080 000 s.
    assert float(units.mg_day_to_kg_day(200)) == pytest.approx(2e-4)
    assert float(units.per_day_to_per_s(12)) == pytest.approx(12 / 86400)
    assert float(units.yr_to_s(30)) == pytest.approx(946_080_000)
    # 1.5 g/cm3 = 1500 kg/m3; H' = 0.227 L/L -> 227 L/m3.
    assert float(units.g_cm3_to_kg_m3(1.5)) == pytest.approx(1500)
    assert float(units.l_per_l_to_l_per_m3(0.227)) == pytest.approx(227)


def test_f_to_c():
    # Independent: water freezes at 32 F = 0 C and boils at 212 F = 100 C; -40 F = -40 C.
    np.testing.assert_allclose(units.f_to_c([32.0, 212.0, -40.0]), [0.0, 100.0, -40.0])


def test_rsl_time_and_volume_conversions():
    # Independent: 70 yr x 365 d/yr = 25 550 d (RSL ATc); 8 h = 1/3 d; 0.46 mg/L = 460 ug/L;
    # 2 per cm3 = 2000 per L (1 L = 1000 cm3); 6365 cm2 = 0.6365 m2.
    assert float(units.yr_to_day(70)) == pytest.approx(25_550)
    assert float(units.h_to_day(8)) == pytest.approx(1 / 3)
    assert float(units.mg_l_to_ug_l(0.46)) == pytest.approx(460)
    assert float(units.per_cm3_to_per_l(2)) == pytest.approx(2000)
    assert float(units.cm2_to_m2(6365)) == pytest.approx(0.6365)


def test_dispersion_conversions():
    # Independent: 1 kt = 1852/3600 m/s = 0.514444 m/s, so 10 kt = 5.14444 m/s (STAR class bound);
    # 7000 ft x 0.3048 = 2133.6 m (Turner ceiling); 1 g/m3 = 1e6 ug/m3; 2.5 km = 2500 m.
    assert float(units.m_s_to_knots(5.144444444)) == pytest.approx(10.0, rel=1e-9)
    assert float(units.ft_to_m(7000)) == pytest.approx(2133.6)
    assert float(units.g_m3_to_ug_m3(1.5e-5)) == pytest.approx(15.0)
    assert float(units.km_to_m(2.5)) == pytest.approx(2500.0)
    assert float(units.m_to_km(280.0)) == pytest.approx(0.28)


def test_c_to_k():
    # Independent: 0 degC = 273.15 K by definition of the Celsius scale; 25 degC = 298.15 K.
    np.testing.assert_allclose(units.c_to_k([0.0, 25.0]), [273.15, 298.15])


def test_dewpoint_from_rh():
    import math

    from ehrisk.units import dewpoint_c_from_rh

    # saturated air: the dew point is the temperature
    assert dewpoint_c_from_rh(25.0, 100.0) == pytest.approx(25.0, abs=1e-9)
    # hand calculation, Alduchov & Eskridge (1996) Magnus form at 20 degC, 50 %:
    g = math.log(0.5) + 17.625 * 20 / (243.04 + 20)
    assert dewpoint_c_from_rh(20.0, 50.0) == pytest.approx(243.04 * g / (17.625 - g), rel=1e-12)
    # drier air, lower dew point; RH 100 % at another temperature is that temperature
    assert dewpoint_c_from_rh(20.0, 30.0) < dewpoint_c_from_rh(20.0, 50.0) < 20.0
    assert dewpoint_c_from_rh(-10.0, 100.0) == pytest.approx(-10.0, abs=1e-9)
    assert math.isnan(float(dewpoint_c_from_rh(20.0, 0.0)))
