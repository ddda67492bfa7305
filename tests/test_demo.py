"""Tests of the deterministic demo region generator (ehrisk.demo).

Expected numbers come from the sources named next to them (climate normals, air-quality
bulletins, HJ 169-2018 Table B.1 as a proxy for HJ 941-2018 Appendix A, GB 32100-2015) or from
independent calculations written out here, never from the generator itself.
"""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np
import pandas as pd
import pytest

from ehrisk import SYNTHETIC_LABEL, demo
from ehrisk.demo import codes
from ehrisk.demo.monitoring import o3_mda8
from ehrisk.io.tables import cas_check_digit_ok

CORE_CAS = set("""
71-43-2 108-88-3 1330-20-7 95-47-6 108-38-3 106-42-3 100-41-4 100-42-5 106-99-0 107-13-1 75-01-4
75-21-8 75-56-9 50-00-0 75-07-0 107-02-8 67-66-3 56-23-5 75-09-2 127-18-4 79-01-6 107-06-2
75-34-3 75-35-4 156-59-2 156-60-5 71-55-6 79-00-5 630-20-6 79-34-5 78-87-5 96-18-4 108-90-7
95-50-1 106-46-7 91-20-3 74-87-3 106-93-4 87-68-3 67-56-1 108-95-2 62-53-3 98-95-3 1634-04-4
110-54-3 75-15-0 74-90-8 7783-06-4 7664-41-7 7782-50-5 7647-01-0 75-44-5 50-32-8 56-55-3
205-99-2 207-08-9 218-01-9 53-70-3 193-39-5 7440-38-2 7440-43-9 18540-29-9 7439-92-1 7439-97-6
7440-02-0 7439-96-5 7440-28-0 7440-36-0 7440-41-7 7440-48-4 7440-50-8 7440-66-6 7440-62-2
57-12-5 16984-48-8 1746-01-6 1336-36-3 1763-23-1 335-67-1 117-81-7 84-74-2 80-05-7 85535-84-8
1163-19-5 58-89-9 50-29-3 87-86-5 118-74-1 84852-15-3 7446-09-5 10102-44-0 630-08-0
10028-15-6 X-PM2.5 X-PM10 X-VOCs X-PCDDF-TEQ X-PCB
""".split())

# HJ 169-2018 Table B.1 critical quantities [t], used as the proxy for HJ 941-2018 Appendix A
# (../shared/refdata/standards-facts.md section 1.1, CONFIRMED for HJ 169). Crude oil counts as
# "oils" (油类物质, 2500 t).
CRITICAL_T = {
    "71-43-2": 10, "7782-50-5": 1, "7664-41-7": 5, "7783-06-4": 2.5, "50-00-0": 0.5,
    "67-56-1": 10, "68476-85-7": 10, "7664-93-9": 10, "7647-01-0": 2.5, "7446-09-5": 2.5,
    "108-88-3": 10, "1330-20-7": 10, "10102-44-0": 1, "107-13-1": 10, "75-01-4": 5,
    "106-99-0": 10, "74-90-8": 1, "630-08-0": 7.5, "75-44-5": 0.25, "75-21-8": 7.5,
    "8002-05-9": 2500,
}

# Ningbo 2023 annual PM2.5 22 ug/m3 (宁波市2023年环境空气质量报告, 中国宁波网 2024-01-31);
# GB 3095-2012 grade-2 annual limit 35 ug/m3. The district (industrial) may sit a little above
# the city mean: accepted range 20-35.
PM25_ANNUAL_RANGE = (20.0, 35.0)
# O3 daily max 8-h mean, 90th percentile: East-China coastal cities 2023 ~140-170 ug/m3.
O3_P90_RANGE = (140.0, 170.0)
# Ningbo climate (municipal overview): annual 16.4 C, July 28.0 C, January 4.7 C, 1480 mm.
T_TOL_K = 1.5
PRECIP_TOL = 0.15
# Zhejiang 2023 population bulletin: Ningbo crude death rate 6.7 per 1000.
DEATH_RATE_TOL = 0.06


@pytest.fixture(scope="module")
def region():
    return demo.generate()


@pytest.fixture(scope="module")
def written(region, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_a")
    return out, demo.write(region, out)


# --- identifiers ------------------------------------------------------------------------------

def _uscc_check_independent(code17: str) -> str:
    # GB 32100-2015: charset without I, O, S, V, Z; weights 3^(i-1) mod 31 written out.
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(chars.index(c) * w for c, w in zip(code17, weights, strict=True))
    return chars[(31 - s % 31) % 31]


def test_uscc_check_char_matches_published_example():
    # 91350100M000100Y43: the example code printed in public explanations of GB 32100-2015.
    assert codes.uscc_check_char("91350100M000100Y4") == "3"
    assert _uscc_check_independent("91350100M000100Y4") == "3"


def test_org_code_check_independent_calculation():
    # GB 11714-1997: 1..8 weighted by 3,7,9,10,5,8,4,2 -> 3+14+27+40+25+48+28+16 = 201;
    # 201 mod 11 = 3; 11 - 3 = 8.
    assert codes.org_check_char("12345678") == "8"


def test_uscc_rejects_bad_codes():
    assert not codes.uscc_valid("91350100M000100Y44")  # wrong check character
    assert not codes.uscc_valid("91350100M000100Y4")  # too short
    with pytest.raises(ValueError, match="not allowed"):
        codes.uscc_check_char("9135010OM000100Y4")  # letter O is not in the charset


def test_every_credit_code_valid_unique_and_fictional(region):
    ent = region.enterprises
    cc = ent["credit_code"]
    assert cc.is_unique
    assert all(len(c) == 18 for c in cc)
    assert all(c[17] == _uscc_check_independent(c[:17]) for c in cc)
    assert all(codes.uscc_valid(c) for c in cc)
    assert set(c[2:8] for c in cc) == {"990100"}  # division prefix 99 used by no province
    assert set(ent["admin_code"].str[:2]) == {"99"}


# --- counts and content ----------------------------------------------------------------------

def test_counts_parks_receptors_substances(region):
    ent = region.enterprises
    assert 140 <= len(ent) <= 160
    assert set(ent["park_id"]) == {"P1", "P2", "P3", ""}
    assert (ent["park_id"] == "").sum() >= 20
    assert len(region.parks) == 3
    assert 4 <= len(region.admin_units) <= 6
    types = set(region.receptors["type"])
    assert {"school", "kindergarten", "hospital", "care_home", "residential_area",
            "drinking_water_source"} <= types
    zones = set(region.receptor_areas["zone"])
    assert {"residential", "protection_zone_1", "protection_zone_2"} <= zones
    real = {c for c in region.emissions["cas"] if not c.startswith("X-")}
    assert len(real) >= 30
    assert set(region.emissions["year"]) == {2023, 2024, 2025}
    assert set(region.emissions["medium"]) == {"air", "water"}
    assert set(region.emissions["basis"]) <= {"permit", "census", "monitoring", "estimate"}
    assert set(ent["permit_class"]) == {"重点管理", "简化管理", "登记管理"}
    assert set(ent["status"]) <= {"operating", "suspended", "closed"}


def test_every_cas_valid_and_emissions_use_core_list(region):
    for cas in set(region.emissions["cas"]) | set(region.storages["cas"]):
        assert cas.startswith("X-") or cas_check_digit_ok(cas), cas
    assert set(region.emissions["cas"]) <= CORE_CAS


def test_stacks_reference_enterprises_and_respect_15m_minimum(region):
    st = region.stacks
    assert set(st["credit_code"]) <= set(region.enterprises["credit_code"])
    assert st["stack_id"].is_unique
    assert (st["height_m"] >= 15.0).all()  # GB 16297-1996 clause 7.1
    assert (st["exit_temp_k"] > 273.15).all() and (st["diameter_m"] > 0).all()
    sid = set(region.emissions["stack_id"]) - {""}
    assert sid <= set(st["stack_id"])


def test_emission_magnitudes_plausible(region):
    em = region.emissions
    ent = region.enterprises.set_index("credit_code")
    y = em[em["year"] == 2023].copy()
    y["ind"] = y["credit_code"].map(ent["industry_code"])
    ref = y[y["ind"] == "2511"]
    voc = ref.loc[ref["cas"] == "X-VOCs", "amount_t_yr"].sum()
    benz = ref.loc[(ref["cas"] == "71-43-2") & (ref["medium"] == "air"), "amount_t_yr"].sum()
    assert 1e3 <= voc <= 1e4  # large refinery: of order 1e3 t/yr
    assert 0.01 <= benz / voc <= 0.05  # benzene a few % of VOCs
    plating = y[(y["ind"] == "3360") & (y["cas"] == "18540-29-9")]
    per_firm_kg = plating.groupby("credit_code")["amount_t_yr"].sum() * 1000.0
    assert per_firm_kg.between(0.1, 100.0).all()  # kg/yr scale
    g = em[em["medium"] == "air"]
    np.testing.assert_allclose(g["emission_g_s"], g["amount_t_yr"] * 1e6 / (365 * 86400),
                               rtol=1e-3)


def test_hj941_q_ratios_span_q0_to_q3(region):
    st = region.storages[region.storages["cas"].isin(CRITICAL_T)]
    q = (st["max_quantity_t"] / st["cas"].map(CRITICAL_T)).groupby(st["credit_code"]).sum()
    q = q.reindex(region.enterprises["credit_code"], fill_value=0.0)
    assert (q < 1).any()
    assert ((q >= 1) & (q < 10)).any()
    assert ((q >= 10) & (q < 100)).any()
    assert (q >= 100).any()
    assert {"process_units", "toxic_gas_leak_monitoring", "air_events_3yr"} <= set(st.columns)


# --- population and geography ---------------------------------------------------------------

def test_population_total_density_and_no_one_at_sea(region):
    g = region.population_grid
    assert 400_000 <= g["pop_persons"].sum() <= 700_000
    assert (g.loc[~g["land"], "pop_persons"] == 0).all()
    assert (~g["land"]).sum() > 0.1 * len(g)  # there is sea on the east side
    sea = g[~g["land"]]
    assert sea["lon"].mean() > g.loc[g["land"], "lon"].mean()
    assert 5_000 <= g["density_per_km2"].max() <= 15_000  # town cores
    rural = g.loc[g["land"] & (g["pop_persons"] > 0), "density_per_km2"].median()
    assert 150 <= rural <= 600
    # within ~40 km x 40 km around 121.7E 29.9N
    assert abs(g["lon"].mean() - 121.7) < 0.05 and abs(g["lat"].mean() - 29.9) < 0.05
    assert (g["lon"].max() - g["lon"].min()) * 96.5 == pytest.approx(39.5, abs=1.0)


def test_enterprises_and_receptors_on_land(region):
    import shapely

    land = region.study_area.loc[region.study_area["part"] == "land", "geometry"].iloc[0]
    for df in (region.enterprises, region.receptors):
        pts = shapely.points(df["lon"].to_numpy(), df["lat"].to_numpy())
        assert shapely.contains(land, pts).all()


def test_population_polygons(region):
    gp = region.population_polygons()
    assert len(gp) == len(region.population_grid)
    assert gp.crs.to_epsg() == 4326
    # 500 m cell: area in UTM ~ 0.25 km2
    assert gp.to_crs(32651).area.median() == pytest.approx(250_000, rel=0.01)


# --- meteorology ---------------------------------------------------------------------------

def test_meteorology_climatology(region):
    m = region.meteorology
    assert len(m) == 1096 * 24  # 2023-01-01 .. 2025-12-31, hourly
    assert m["time"].iloc[0].isoformat() == "2023-01-01T00:00:00+08:00"
    mon = m.groupby(m["time"].dt.month)["temp_c"].mean()
    assert m["temp_c"].mean() == pytest.approx(16.4, abs=T_TOL_K)
    assert mon[1] == pytest.approx(4.7, abs=T_TOL_K)
    assert mon[7] == pytest.approx(28.0, abs=T_TOL_K)
    yearly = m.groupby(m["time"].dt.year)["precip_mm"].sum()
    assert yearly.mean() == pytest.approx(1480.0, rel=PRECIP_TOL)
    np.testing.assert_allclose(m["temp_k"] - m["temp_c"], 273.15, atol=0.051)
    assert m["cloud_cover_tenths"].between(0, 10).all()
    assert m["rh_pct"].between(0, 100).all()
    assert m["wind_dir_deg"].between(0, 359).all()
    assert m["wind_speed_m_s"].mean() == pytest.approx(3.0, abs=0.6)


def _dominant_sector(dirs):
    names = np.array(["N", "NE", "E", "SE", "S", "SW", "W", "NW"])
    idx = ((np.asarray(dirs) + 22.5) // 45 % 8).astype(int)
    return names[np.bincount(idx, minlength=8).argmax()]


def test_monsoon_wind_rose(region):
    # Hangzhou-Bay New Area overview: winter NW to N, summer E to SE.
    m = region.meteorology
    month = m["time"].dt.month
    assert _dominant_sector(m.loc[month.isin([12, 1, 2]), "wind_dir_deg"]) in {"NW", "N"}
    assert _dominant_sector(m.loc[month.isin([6, 7, 8]), "wind_dir_deg"]) in {"E", "SE"}


# --- monitoring ----------------------------------------------------------------------------

def test_air_quality_magnitudes(region):
    aq = region.air_quality
    assert 4 <= aq["station_id"].nunique() <= 6
    yearly = aq.groupby(aq["time"].dt.year)["pm25_ug_m3"].mean()
    assert yearly.between(*PM25_ANNUAL_RANGE).all()
    month = aq["time"].dt.month
    winter = aq.loc[month.isin([12, 1]), "pm25_ug_m3"].mean()
    summer = aq.loc[month.isin([7, 8]), "pm25_ug_m3"].mean()
    assert winter > 1.4 * summer
    assert (aq["pm10_ug_m3"].dropna() >= aq.loc[aq["pm10_ug_m3"].notna(), "pm25_ug_m3"]
            .fillna(0)).mean() > 0.95
    for _sid, g in aq.groupby("station_id"):
        p90 = np.nanpercentile(o3_mda8(g["o3_ug_m3"].to_numpy()), 90)
        assert O3_P90_RANGE[0] <= p90 <= O3_P90_RANGE[1]
        mon = g.groupby(g["time"].dt.month)["o3_ug_m3"].mean()
        assert mon[[4, 5, 6, 9]].mean() > mon[[12, 1]].mean()
    miss = aq["pm25_ug_m3"].isna().mean()
    assert 0.01 <= miss <= 0.06
    assert aq["co_mg_m3"].mean() == pytest.approx(0.6, abs=0.2)


def test_o3_mda8_independent_example():
    # One day of hourly O3 = hour index (0..23): the highest 8-h window starting by 16 h is
    # 16..23 with mean (16+...+23)/8 = 19.5.
    x = np.concatenate([np.arange(24.0), np.zeros(24)])
    assert o3_mda8(x)[0] == pytest.approx(19.5)


def test_voc_stations_respond_to_emissions(region):
    v = region.voc
    assert set(v.columns) >= {"benzene_ug_m3", "toluene_ug_m3", "xylenes_ug_m3"}
    assert v["station_id"].nunique() == 3
    assert (v[["benzene_ug_m3", "toluene_ug_m3", "xylenes_ug_m3"]].dropna() > 0).all().all()


# --- health ---------------------------------------------------------------------------------

def test_health_counts_match_baseline_rate(region):
    h = region.health
    assert len(h) == 1096
    pop = region.population_grid["pop_persons"].sum()
    # independent: Ningbo 6.7 deaths per 1000 per year, non-accidental share 0.93
    expected = pop * 6.7 / 1000.0 / 365.25 * 0.93
    assert h["deaths_nonaccidental"].mean() == pytest.approx(expected, rel=DEATH_RATE_TOL)
    assert (h["deaths_cardiovascular"] + h["deaths_respiratory"]
            <= h["deaths_nonaccidental"]).all()
    month = pd.to_datetime(h["date"]).dt.month
    assert h.loc[month.isin([12, 1, 2]), "deaths_nonaccidental"].mean() > \
        h.loc[month.isin([4, 5, 10]), "deaths_nonaccidental"].mean()


def test_true_pm25_coefficient_recorded(region):
    truth = region.meta["health_truth"]
    # Chen et al. 2017 AJRCCM: 0.22 % per 10 ug/m3 (non-accidental), beta = ln(1.0022)/10
    assert truth["nonaccidental"]["beta_per_ug_m3"] == pytest.approx(math.log(1.0022) / 10)
    assert truth["cardiovascular"]["er_pct_per_10ug"] == pytest.approx(0.27)
    assert truth["respiratory"]["er_pct_per_10ug"] == pytest.approx(0.29)


# --- output, label, determinism --------------------------------------------------------------

def test_written_files_labelled_and_readable(written):
    import geopandas as gpd
    import pyogrio

    out, paths = written
    for name, p in paths.items():
        assert p.exists(), name
        if p.suffix == ".csv":
            df = pd.read_csv(p, nrows=5, dtype=str, keep_default_na=False)
            assert df.columns[0] == "dataset"
            assert (df["dataset"] == demo.DATASET_TAG).all()
    meta = json.loads(paths["metadata"].read_text(encoding="utf-8"))
    assert meta["label"] == SYNTHETIC_LABEL
    assert meta["sources"] and meta["health_truth"]
    assert SYNTHETIC_LABEL in paths["readme"].read_text(encoding="utf-8")
    layers = {r[0] for r in pyogrio.list_layers(paths["gpkg"])}
    assert {"enterprises", "stacks", "receptors", "parks", "admin_units",
            "population_grid"} <= layers
    for lname in ("enterprises", "population_grid", "parks", "receptor_areas"):
        g = gpd.read_file(paths["gpkg"], layer=lname)
        assert g.crs.to_epsg() == 4326
        assert (g["dataset"] == SYNTHETIC_LABEL).all()
        assert len(g) > 0
    ent = pd.read_csv(paths["enterprises"], dtype={"credit_code": str, "industry_code": str,
                                                   "admin_code": str})
    assert ent["credit_code"].map(lambda c: codes.uscc_valid(c)).all()


def _digests(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.values()}


def test_same_seed_gives_byte_identical_files(written, tmp_path):
    _out, paths_a = written
    paths_b = demo.write(demo.generate(), tmp_path)
    assert _digests(paths_a) == _digests(paths_b)


def test_other_seed_gives_other_region():
    a = demo.generate(1)
    b = demo.generate(2)
    assert not a.enterprises["credit_code"].equals(b.enterprises["credit_code"])
    assert not np.allclose(a.meteorology["temp_c"], b.meteorology["temp_c"])
