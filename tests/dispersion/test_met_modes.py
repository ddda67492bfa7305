"""Meteorology (solar elevation, Turner, STAR), long-term vs hourly modes, SRM, sources."""

import numpy as np
import pandas as pd
import pytest

from ehrisk.dispersion import grid, hourly, longterm, met, sources, srm
from ehrisk.errors import InputError

SOLAR_TOL_DEG = 0.6  # Spencer (1971) declination error is ~0.1 deg; noon equation of time
MODES_REL_TOL = 0.015  # sector average vs 1440 hourly directions (x = R cos(angle) off-axis)


def test_solar_elevation_at_noon_equinox_and_solstice():
    # Independent: at local solar noon elevation = 90 - |lat - declination|; declination is
    # ~0 at the March equinox and +23.44 deg at the June solstice. Greenwich (lon 0) and
    # Equation of time at 21 June is ~ -1.6 min, at 20 March ~ -7.5 min.
    t = pd.to_datetime(["2023-03-20 12:07:30", "2023-06-21 12:01:36"])
    el = met.solar_elevation_deg(t, 30.0, 0.0)
    np.testing.assert_allclose(el, [60.0, 83.44], atol=SOLAR_TOL_DEG)
    night = met.solar_elevation_deg(pd.to_datetime(["2023-06-21 00:00"]), 30.0, 0.0)
    assert night[0] < -30


def test_turner_key_and_net_radiation_index():
    # EPA-454/R-99-005 Tables 6-4 to 6-6, checked by hand:
    # strong sun (elev 65), clear, 1 m/s (1.9 kt -> 2 kt): NRI 4 -> A
    # night, clear (2/10), 2 m/s (3.9 kt -> 4 kt): NRI -2 -> F
    # overcast 10/10, ceiling 1000 m (< 7000 ft = 2133.6 m): NRI 0 -> D
    # day elev 40 (class 3), cover 8/10, ceiling 3000 m (7000-16000 ft): 3-1 = 2; 3 m/s = 5.8 kt
    # -> 6 kt, NRI 2 -> C
    el = np.array([65.0, -20.0, 40.0, 40.0])
    nri = met.net_radiation_index(el, el, el, [0, 2, 10, 8], [np.nan, np.nan, 1000.0, 3000.0])
    assert nri.tolist() == [4, -2, 0, 2]
    cls = met.turner_class([1.0, 2.0, 3.0, 3.0], nri)
    assert cls.tolist() == ["A", "F", "D", "C"]
    # sunrise hour counts as night (one hour after sunrise): elevation next hour > 0 but
    # previous hour < 0
    assert met.net_radiation_index([5.0], [-5.0], [15.0], [0], [np.nan]).tolist() == [-2]


def _const_met(n, speed=4.0):
    wd = np.arange(n) * 360.0 / n
    return pd.DataFrame(dict(time=pd.date_range("2023-01-01", periods=n, freq="h"),
                             wind_dir_deg=wd, wind_speed_m_s=speed, temp_k=288.15,
                             cloud_cover_tenths=5.0, ceiling_height_m=np.nan))


def test_star_table_counts():
    md = _const_met(160)
    md.loc[:9, "wind_speed_m_s"] = 0.2  # 10 calm hours
    star = met.star_table(md, np.full(160, "D"))
    assert star["calm_fraction"] == pytest.approx(10 / 160)
    assert star["freq"].shape == (16, 6, 6)
    assert star["freq"].sum() == pytest.approx(1.0)
    # 4 m/s is class 3 (3.09-5.14 m/s); D is index 3
    assert star["freq"][:, 2, 3].sum() == pytest.approx(1.0)


def test_longterm_agrees_with_hourly_on_constant_met_year():
    src = sources.stacks(pd.DataFrame(dict(stack_id=["S1"], x_m=[0.0], y_m=[0.0], height_m=[60.0],
                                           diameter_m=[2.0], exit_velocity_m_s=[12.0],
                                           exit_temp_k=[400.0], emission_g_s=[10.0])))
    n = 1440
    md = _const_met(n)
    stab = np.full(n, "D")
    ang = np.deg2rad([10.0, 100.0, 200.0, 311.0])
    rec = pd.DataFrame(dict(x_m=np.r_[2000 * np.sin(ang), 5000 * np.sin(ang)],
                            y_m=np.r_[2000 * np.cos(ang), 5000 * np.cos(ang)], z_m=0.0))
    hr = hourly.run_hourly(src, rec, md, stab)
    lt = longterm.run_longterm(src, rec, met.star_table(md, stab), temp_k=288.15)
    np.testing.assert_allclose(lt, hr["mean_ug_m3"], rtol=MODES_REL_TOL)
    assert hr["calm_hours"] == 0


def test_longterm_single_sector_hand_calculation():
    # All hours from the north (sector 0), D, 5 m/s at 10 m, ground release without rise.
    # Receptor due south at R = 1000 m: C = Q V / (sqrt(2 pi) R (2 pi/16) u sz), V = 2 for H = 0;
    # u = 5 * (10/10)^0.15 = 5; sz = 0.06*1000/sqrt(2.5) (Briggs rural D).
    src = sources.volume_source("V", 0.0, 0.0, 0.0, 0.0, 0.0, 2.0)
    freq = np.zeros((16, 6, 6))
    freq[0, 2, 3] = 1.0
    star = {"freq": freq, "mean_speed_m_s": np.full((6, 6), 5.0)}
    rec = pd.DataFrame(dict(x_m=[0.0], y_m=[-1000.0], z_m=[0.0]))
    sz = 60.0 / np.sqrt(2.5)
    expected = 2.0 * 2.0 / (np.sqrt(2 * np.pi) * 1000.0 * (2 * np.pi / 16) * 5.0 * sz) * 1e6
    assert longterm.run_longterm(src, rec, star)[0] == pytest.approx(expected, rel=1e-12)


def test_srm_scenario_equals_rerun(tmp_path):
    src = sources.stacks(pd.DataFrame(dict(
        stack_id=["A", "B", "C"], x_m=[0.0, 3000.0, -2000.0], y_m=[0.0, 1000.0, 2500.0],
        height_m=[40.0, 80.0, 25.0], diameter_m=[1.0, 3.0, 0.5], exit_velocity_m_s=[10, 15, 8.0],
        exit_temp_k=[350.0, 420.0, 300.0], emission_g_s=[5.0, 20.0, 1.0])))
    rec = grid.regular_grid(-5000, -5000, 5000, 5000, 1000.0)
    md = _const_met(96)
    stab = np.where(np.arange(96) % 2, "D", "B")
    star = met.star_table(md, stab)
    m = srm.build_longterm(src, rec, star, tile=37)
    srm.save(tmp_path / "m.npz", m, src["source_id"], rec["receptor_id"])
    m2, sid, rid = srm.load(tmp_path / "m.npz")
    q_new = np.array([5.0, 0.0, 3.0])  # close B, triple C
    src2 = src.assign(emission_g_s=q_new)
    np.testing.assert_allclose(srm.apply(m2, q_new), longterm.run_longterm(src2, rec, star),
                               rtol=1e-12)
    assert list(sid) == ["A", "B", "C"] and len(rid) == len(rec)


def test_area_source_converges_to_point_far_away():
    # far from a 100 m x 100 m area, 25 virtual points give about the point-source value
    area = sources.area_source("P", -50.0, -50.0, 100.0, 100.0, 2.0, 4.0, n_side=5)
    assert area["emission_g_s"].sum() == pytest.approx(4.0)
    assert area["sigma_y0_m"].iloc[0] == pytest.approx(20.0 / 4.3)
    point = sources.volume_source("Q", 0.0, 0.0, 2.0, 0.0, 0.0, 4.0)
    freq = np.zeros((16, 6, 6))
    freq[4, 3, 3] = 1.0  # from the east
    star = {"freq": freq, "mean_speed_m_s": np.full((6, 6), 6.0)}
    rec = pd.DataFrame(dict(x_m=[-8000.0], y_m=[0.0], z_m=[0.0]))
    a = longterm.run_longterm(area, rec, star)[0]
    p = longterm.run_longterm(point, rec, star)[0]
    assert a == pytest.approx(p, rel=0.02)


def test_met_csv_reports_all_problems(tmp_path):
    f = tmp_path / "met.csv"
    f.write_text("time,wind_dir_deg,wind_speed_m_s,temp_c,cloud_cover_tenths\n"
                 "2023-01-01 00:00,400,3,10,5\n"
                 "not a time,90,-1,10,12\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        met.read_met_csv(f)
    msg = str(ei.value)
    assert "row 2" in msg and "wind_dir_deg" in msg
    assert "row 3" in msg and "wind_speed_m_s" in msg and "cloud_cover_tenths" in msg


def test_met_csv_reads_and_converts(tmp_path):
    f = tmp_path / "met.csv"
    f.write_text("时间,风向,风速,气温,总云量,云底高\n2023-07-01 12:00,90,3.5,30,2,\n",
                 encoding="utf-8")
    df = met.read_met_csv(f)
    assert df["temp_k"].iloc[0] == pytest.approx(303.15)
    assert np.isnan(df["ceiling_height_m"].iloc[0])
