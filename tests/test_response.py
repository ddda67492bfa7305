"""Tests of the exposure-response model, its bases, the reader, AQHI derivation and CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from ehrisk.air import response_basis as rb
from ehrisk.air.derive_aqhi import aqhi_values, raw_excess_risk, stieb_2008
from ehrisk.air.response import (
    LagSpec,
    ResponseSpec,
    excess_risk,
    fit_response,
    parse_lag,
)
from ehrisk.errors import InputError
from ehrisk.io.nmmaps import read_daily_series

TRUE_BETA = 0.004        # log RR per ug/m3 used to simulate counts
SIM_DAYS = 3 * 365


def simulate(seed: int = 7, n: int = SIM_DAYS, beta: float = TRUE_BETA) -> pd.DataFrame:
    """Daily series with a known PM10 (lag 1) effect on Poisson deaths."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    temp = 12 + 12 * np.sin(2 * np.pi * (t - 100) / 365.25) + rng.normal(0, 3, n)
    pm = np.empty(n)
    pm[0] = 50.0
    for i in range(1, n):
        pm[i] = 0.6 * pm[i - 1] + 20 + rng.gamma(4, 5)
    pm_l1 = np.r_[np.nan, pm[:-1]]
    log_mu = 4.0 + 0.1 * np.cos(2 * np.pi * t / 365.25) + 0.002 * (temp - 12) ** 2 / 10
    mu = np.exp(log_mu + beta * np.nan_to_num(pm_l1, nan=50.0))
    return pd.DataFrame({"date": pd.date_range("2015-01-01", periods=n, freq="D"),
                         "death": rng.poisson(mu).astype(float), "temp_c": temp,
                         "rh_pct": np.clip(rng.normal(65, 10, n), 10, 100),
                         "pm10_ug_m3": pm})


# --- bases --------------------------------------------------------------------------------

def test_ns_contains_linear_functions_and_is_linear_outside_boundary():
    x = np.linspace(-5, 20, 200)
    b = rb.ns_basis(x, 4)
    X = np.column_stack([np.ones_like(x), b(x)])
    coef, *_ = np.linalg.lstsq(X, 3 - 2 * x, rcond=None)
    np.testing.assert_allclose(X @ coef, 3 - 2 * x, atol=1e-9)
    # beyond the boundary knots the basis is linear: second differences vanish
    out = b(np.array([25.0, 30.0, 35.0]))
    np.testing.assert_allclose(out[2] - 2 * out[1] + out[0], 0, atol=1e-9)
    # knots: quantiles at 1/4, 2/4, 3/4 of the data (R ns with df = 4)
    np.testing.assert_allclose(b.knots, [1.25, 7.5, 13.75])


def test_ns_df1_is_a_line():
    x = np.array([0.0, 1.0, 2.0, 4.0])
    col = rb.ns_basis(x, 1)(x)[:, 0]
    np.testing.assert_allclose(col / col[-1], x / 4.0, atol=1e-12)


def test_lag_matrix_and_moving_average_match_pandas():
    x = pd.Series([1.0, 2.0, np.nan, 4.0, 5.0, 6.0, 7.0])
    q = rb.lag_matrix(x, 1, 2)
    np.testing.assert_array_equal(q[:, 0], x.shift(1).to_numpy())
    np.testing.assert_array_equal(q[:, 1], x.shift(2).to_numpy())
    ma = rb.moving_average(x, 0, 2)
    expected = x.rolling(3, min_periods=3).mean().to_numpy()
    np.testing.assert_allclose(ma, expected, equal_nan=True)


def test_poly_crossbasis_is_weighted_sum_of_lags():
    rng = np.random.default_rng(1)
    x = rng.normal(size=40)
    c = rb.lag_basis(0, 5, "poly", 2)
    w = rb.crossbasis_linear(x, 0, 5, c)
    t = 20
    direct = [sum(x[t - lag] * (lag / 5) ** k for lag in range(6)) for k in range(3)]
    np.testing.assert_allclose(w[t], direct)
    assert np.isnan(w[4]).all() and np.isfinite(w[5]).all()


def test_strata_and_unknown_lag_basis():
    np.testing.assert_array_equal(rb.lag_basis(0, 3, "strata", breaks=(1,)),
                                  [[1, 0], [0, 1], [0, 1], [0, 1]])
    with pytest.raises(ValueError, match="unknown lag basis"):
        rb.lag_basis(0, 3, "wavelet")


# --- model ----------------------------------------------------------------------------------

def test_excess_risk_formula():
    er, lo, hi = excess_risk(0.001, 0.0005, 10)
    assert float(er) == pytest.approx(100 * (math.exp(0.01) - 1))
    assert float(lo) == pytest.approx(100 * (math.exp(10 * (0.001 - 1.959964 * 0.0005)) - 1),
                                      rel=1e-6)
    assert float(hi) == pytest.approx(100 * (math.exp(10 * (0.001 + 1.959964 * 0.0005)) - 1),
                                      rel=1e-6)


def test_fit_recovers_simulated_effect():
    d = simulate()
    fit = fit_response(d, "death", "pm10_ug_m3", parse_lag("1"), ResponseSpec.standard())
    e = fit.estimates.iloc[0]
    assert abs(e["beta"] - TRUE_BETA) < 4 * e["se"]
    assert e["ci_low"] < 100 * math.expm1(10 * TRUE_BETA) < e["ci_high"]
    assert fit.n_days == SIM_DAYS - 1
    assert fit.info["humidity"] == "rh_pct"


def test_unconstrained_dlm_overall_equals_sum_of_lag_terms():
    d = simulate(seed=3)
    spec = ResponseSpec.standard()
    dlm = fit_response(d, "death", "pm10_ug_m3", LagSpec("dlm", 0, 3, "integer"), spec)
    # same model written out by hand as four lag columns
    for k in range(4):
        d[f"pm_l{k}"] = d["pm10_ug_m3"].shift(k)
    extra = d[[f"pm_l{k}" for k in range(1, 4)]]
    single = fit_response(d, "death", "pm_l0", parse_lag("0"), spec, extra=extra)
    total = single.params[["pm_l0", "pm_l1", "pm_l2", "pm_l3"]].sum()
    assert dlm.estimates["beta"].iloc[0] == pytest.approx(total, rel=1e-6)
    np.testing.assert_allclose(dlm.lag_curves["pm10_ug_m3"]["beta"],
                               single.params[["pm_l0", "pm_l1", "pm_l2", "pm_l3"]], rtol=1e-6)


def test_moving_average_lag_and_bad_lag_text():
    assert parse_lag("0-2") == LagSpec("ma", 0, 2)
    with pytest.raises(ValueError, match="not 'N' or 'A-B'"):
        parse_lag("one")


# --- AQHI -----------------------------------------------------------------------------------

def test_raw_excess_risk_sum_by_hand():
    raw = raw_excess_risk({"a": np.array([10.0]), "b": np.array([5.0])},
                          {"a": 0.001, "b": 0.002})
    assert float(raw[0]) == pytest.approx(100 * (math.exp(0.01) - 1) + 100 * (math.exp(0.01) - 1))


def test_stieb_scaling_maps_reference_percentile_to_top():
    d = simulate()
    der = stieb_2008(d, "death", ["pm10_ug_m3"], parse_lag("1"))
    idx = aqhi_values(d, der, {"pm10": "pm10_ug_m3"})
    assert np.percentile(idx[np.isfinite(idx)], 99) == pytest.approx(10.0)
    coef = der.coefficients()
    assert set(coef) == {"pm10", "unit", "scale"} and coef["unit"]["pm10"] == "ug/m3"


# --- reader ---------------------------------------------------------------------------------

def test_csv_reader_chinese_headers_gbk_and_gap(tmp_path):
    p = tmp_path / "daily.csv"
    text = "日期,死亡,气温,相对湿度,PM2.5\n2020-01-01,10,1.5,60,80\n2020-01-03,12,2.0,55,90\n"
    p.write_bytes(text.encode("gbk"))
    d = read_daily_series(p)
    assert list(d["date"].dt.day) == [1, 2, 3]           # the missing day is inserted
    assert np.isnan(d["death"].iloc[1])
    assert list(d.columns) == ["date", "death", "temp_c", "rh_pct", "pm25_ug_m3"]


def test_csv_reader_reports_all_problems(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("date,death,temp,pm10\n2020-01-01,-3,1,20\nnot-a-day,5,x,20\n"
                 "2020-01-01,4,2,20\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_daily_series(p)
    msgs = [str(pr) for pr in ei.value.problems]
    assert any("row 2" in m and "'death'" in m and "negative" in m for m in msgs)
    assert any("row 3" in m and "'temp_c'" in m for m in msgs)


def test_csv_reader_bad_dates_and_duplicates(tmp_path):
    p = tmp_path / "bad2.csv"
    p.write_text("date,death,temp,pm10\n2020-01-01,3,1,20\nnot-a-day,5,1,20\n"
                 "2020-01-01,4,2,20\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_daily_series(p)
    msgs = [str(pr) for pr in ei.value.problems]
    assert any("row 3" in m and "not a date" in m for m in msgs)
    assert any("row 4" in m and "more than once" in m for m in msgs)


# --- CLI ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sim_csv(tmp_path_factory):
    p = tmp_path_factory.mktemp("resp") / "sim.csv"
    simulate().to_csv(p, index=False)
    return p


def test_cli_fit_json(cli, sim_csv):
    code, out, err = cli("response", "fit", "--data", sim_csv, "--outcome", "death",
                         "--exposure", "pm10", "--lag", "1", "--json")
    assert code == 0, err
    res = json.loads(out)
    assert set(["er_percent_per_10", "ci_low", "ci_high", "n_days"]) <= set(res)
    assert res["ci_low"] < res["er_percent_per_10"] < res["ci_high"]
    assert res["n_days"] == SIM_DAYS - 1


def test_cli_fit_dlnm_with_card(cli, sim_csv, tmp_path):
    code, out, err = cli("response", "fit", "--data", sim_csv, "--exposure", "pm10",
                         "--dlnm", "5", "--lag-df", "2", "--card", tmp_path / "card", "--json")
    assert code == 0, err
    res = json.loads(out)
    html = (tmp_path / "card" / "model_card.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "Sensitivity" in html
    assert (tmp_path / "card" / "model_card.md").exists()
    assert res["lag"].startswith("lag 0-5")


def test_cli_errors_exit_2(cli, sim_csv):
    code, _, err = cli("response", "fit", "--data", sim_csv, "--exposure", "no2", "--lag", "1")
    assert code == 2 and "no pollutant 'no2'" in err
    code, _, err = cli("response", "fit", "--data", sim_csv, "--exposure", "pm10",
                       "--lag", "1", "--dlnm", "3")
    assert code == 2 and "either --lag or --dlnm" in err
    code, _, err = cli("response", "fit", "--data", sim_csv, "--exposure", "pm10",
                       "--outcome", "cvd")
    assert code == 2 and "no outcome 'cvd'" in err
    assert "Traceback" not in err


def test_cli_derive_aqhi_and_sensitivity_json(cli, sim_csv):
    code, out, err = cli("response", "derive-aqhi", "--data", sim_csv, "--exposures", "pm10",
                         "--lag", "1", "--json")
    assert code == 0, err
    res = json.loads(out)
    assert res["coefficients"]["pm10"] > 0 and res["method"] == "stieb_2008"
    assert {r["index"] for r in res["comparison"]} == {"aqhi", "aqi"}
    code, out, err = cli("response", "sensitivity", "--data", sim_csv, "--exposure", "pm10",
                         "--lag", "1", "--json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert sorted({r["value"] for r in rows if r["parameter"] == "df_time_per_year"}) == \
        list(range(4, 11))


def test_cli_derive_aqhi_out_round_trip(cli, sim_csv, tmp_path):
    """derive-aqhi --out writes a coefficient set that ehrisk aqhi --coefficients applies."""
    f = tmp_path / "local_aqhi.json"
    code, out, err = cli("response", "derive-aqhi", "--data", sim_csv, "--exposures", "pm10",
                         "--lag", "1", "--no-compare-aqi", "--out", f, "--json")
    assert code == 0, err
    res = json.loads(out)
    assert res["coefficients_file"] == str(f)
    written = json.loads(f.read_text(encoding="utf-8"))
    beta, scale = res["coefficients"]["pm10"], res["coefficients"]["scale"]
    assert written["pollutants"] == {"pm10": {"beta": beta, "unit": "ug/m3"}}
    assert written["scale"] == scale and written["averaging_h"] == 24
    # fit period: the simulated days (from 2015-01-01) minus the first (lag 1)
    days = pd.date_range("2015-01-01", periods=SIM_DAYS, freq="D")
    period = f"{days[1].date()} to {days[-1].date()}"
    src = written["source"]
    assert src.startswith("derived locally by ehrisk ") and str(sim_csv) in src
    assert period in src and "lag 1" in src
    # apply: AQHI = scale x 100 (exp(beta C) - 1)
    c = 80.0
    code, out, err = cli("aqhi", "--coefficients", f, "--pm10-ug-m3", c, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["value"] == pytest.approx(scale * 100 * math.expm1(beta * c), rel=1e-12)
    # Stieb scaling rule of derive-aqhi (docs/response.md): the 99th percentile of the daily
    # raw sum maps to 10; with one pollutant that is (nearly) the AQHI at its 99th percentile
    p99 = float(np.nanpercentile(simulate()["pm10_ug_m3"].to_numpy(), 99))
    code, out, err = cli("aqhi", "-c", f, "--pm10-ug-m3", p99, "--json")
    d = json.loads(out)
    assert d["value"] == pytest.approx(10.0, rel=1e-3) and d["aqhi"] == 10


def test_cli_derive_aqhi_out_bad_suffix(cli, sim_csv, tmp_path):
    code, out, err = cli("response", "derive-aqhi", "--data", sim_csv, "--exposures", "pm10",
                         "--out", tmp_path / "x.yaml", "--json")
    assert code == 2 and out == "" and ".json or .toml" in " ".join(err.split())
