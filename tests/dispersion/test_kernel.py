"""The fast plume kernel: exact rewrites checked against the plain-numpy reference
(``gaussian.field_numpy``, same formula written directly), the receptor layout, the
exponential, the rational sigmas, the hourly driver and the benchmark command."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrisk.dispersion import gaussian, hourly, kernel, sigma, sources

KERNEL_REL_TOL = 1e-9  # float64 kernel vs numpy reference, relative (issue target)
NEGLIGIBLE_UG_M3 = 1e-200  # reference values below this are checked in absolute terms
EXP_REL_TOL = 1e-14  # _exp_neg vs numpy.exp (degree-12 polynomial, truncation < 2e-16)


def _case(seed, ns, nr, half_src=3000.0, half_rec=20000.0, z=None):
    rng = np.random.default_rng(seed)
    sx, sy = rng.uniform(-half_src, half_src, ns), rng.uniform(-half_src, half_src, ns)
    h, u, q = rng.uniform(0, 120, ns), rng.uniform(1, 8, ns), rng.uniform(0.1, 50, ns)
    sy0, sz0 = rng.uniform(0, 20, ns), rng.uniform(0, 5, ns)
    rx, ry = rng.uniform(-half_rec, half_rec, nr), rng.uniform(-half_rec, half_rec, nr)
    rz = np.zeros(nr) if z is None else z(rng, nr)
    return sx, sy, h, u, q, sy0, sz0, rx, ry, rz


def _check(got, ref):
    big = ref > NEGLIGIBLE_UG_M3
    np.testing.assert_allclose(got[big], ref[big], rtol=KERNEL_REL_TOL)
    assert np.all(np.abs(got[~big]) < NEGLIGIBLE_UG_M3)
    return int(big.sum())


@pytest.mark.parametrize("lid", [np.inf, 1000.0, 150.0])
@pytest.mark.parametrize("cls,terrain", [("A", "rural"), ("B", "urban"), ("C", "urban"),
                                         ("D", "rural"), ("E", "rural"), ("F", "urban")])
def test_ground_level_grid_equals_numpy(lid, cls, terrain):
    # all receptors at z = 0: the kernel's ground path (reflected pairs merged)
    args = _case(11, 6, 4000)
    common = (37.0, cls, terrain, lid, 15_000.0)
    ref = gaussian.field_numpy(*args, *common)
    assert _check(kernel.field(*args, *common), ref) > 200


def test_uniform_mixing_and_receptors_above_lid():
    # low lid, unstable class, long range: sigma_z > 1.6 L (uniform mixing) for far receptors;
    # some receptors above the lid (must be exactly 0)
    args = _case(12, 5, 5000, half_rec=30_000.0,
                 z=lambda rng, n: rng.choice([0.0, 2.0, 90.0, 150.0], n))
    common = (300.0, "A", "rural", 120.0, 40_000.0)
    ref = gaussian.field_numpy(*args, *common)
    got = kernel.field(*args, *common)
    _check(got, ref)
    rz = args[-1]
    assert np.all(got[rz > 120.0] == 0.0)
    # independent check that the uniform branch was exercised: Briggs rural A sigma_z = 0.2 x
    # exceeds 1.6 x 120 m beyond x = 960 m, and such receptors are non-zero
    assert np.count_nonzero(got[rz <= 120.0]) > 100


def test_culling_changes_nothing():
    args = _case(13, 30, 6000, half_rec=40_000.0)
    common = (123.0, "F", "rural", 600.0, 25_000.0)
    lay = kernel.prepare_receptors(*args[7:])
    on = kernel.field_prepared(lay, *args[:7], *common, cull=True)
    off = kernel.field_prepared(lay, *args[:7], *common, cull=False)
    big = off > NEGLIGIBLE_UG_M3
    assert big.sum() > 100
    np.testing.assert_allclose(on[big], off[big], rtol=1e-13)
    assert np.all(np.abs(on[~big]) < NEGLIGIBLE_UG_M3)
    # another block size (last block shorter) gives the same field
    odd = kernel.field_prepared(kernel.prepare_receptors(*args[7:], block=37), *args[:7], *common)
    np.testing.assert_allclose(odd[big], off[big], rtol=1e-13)
    with pytest.raises(ValueError, match="block"):
        kernel.prepare_receptors(*args[7:], block=0)


@settings(max_examples=25, deadline=None)
@given(wd=st.floats(0, 360), cls=st.sampled_from(list("ABCDEF")),
       lid=st.sampled_from([np.inf, 400.0, 2000.0]), seed=st.integers(0, 1000))
def test_any_wind_direction_equals_numpy(wd, cls, lid, seed):
    args = _case(seed, 3, 700, half_rec=10_000.0,
                 z=lambda rng, n: np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0, 40, n)))
    common = (wd, cls, "rural", lid, 12_000.0)
    _check(kernel.field(*args, *common), gaussian.field_numpy(*args, *common))


def test_layout_is_a_permutation_with_enclosing_blocks():
    rng = np.random.default_rng(4)
    x, y = rng.uniform(0, 5e4, 3000), rng.uniform(-1e4, 1e4, 3000)
    z = np.where(np.arange(3000) < 1500, 0.0, 1.5)
    lay = kernel.prepare_receptors(x, y, z)
    assert np.array_equal(np.sort(lay.perm), np.arange(3000))
    np.testing.assert_array_equal(lay.x_m, x[lay.perm])
    nb = -(-3000 // kernel.BLOCK)
    assert lay.bounds.shape == (nb, 5) and lay.ground.shape == (nb,)
    for b in range(nb):
        sl = slice(b * kernel.BLOCK, (b + 1) * kernel.BLOCK)
        assert lay.bounds[b, 0] <= lay.x_m[sl].min() and lay.x_m[sl].max() <= lay.bounds[b, 1]
        assert lay.bounds[b, 2] <= lay.y_m[sl].min() and lay.y_m[sl].max() <= lay.bounds[b, 3]
        assert lay.ground[b] == bool(np.all(lay.z_m[sl] == 0.0))
    # blocks are compact (Z-order locality): the mean block box covers a few times the area
    # per block (domain / blocks), not the whole domain
    area = (lay.bounds[:, 1] - lay.bounds[:, 0]) * (lay.bounds[:, 3] - lay.bounds[:, 2])
    assert area.mean() < 4.0 * 5e4 * 2e4 / nb


def test_result_follows_receptor_order():
    args = _case(15, 4, 1500)
    common = (200.0, "C", "rural", 800.0, 15_000.0)
    base = kernel.field(*args, *common)
    p = np.random.default_rng(1).permutation(1500)
    rx, ry, rz = (a[p] for a in args[7:])
    np.testing.assert_array_equal(kernel.field(*args[:7], rx, ry, rz, *common), base[p])


def test_exp_neg_against_numpy():
    from numba import njit

    f = njit(lambda a: np.array([kernel._exp_neg(v) for v in a]))
    a = np.r_[0.0, np.linspace(1e-9, 700.0, 20001), np.log(2.0) * np.arange(0, 1000, 7)]
    np.testing.assert_allclose(f(a), np.exp(-a), rtol=EXP_REL_TOL)
    assert f(np.array([0.0]))[0] == 1.0


@pytest.mark.parametrize("terrain,fn", [("rural", sigma.briggs_rural),
                                        ("urban", sigma.briggs_urban)])
def test_rational_sigmas_equal_briggs(terrain, fn):
    x = np.geomspace(1.0, 60_000.0, 400)
    for k, cls in enumerate("ABCDEF"):
        rat = kernel._rational(sigma.briggs_coefficients(terrain)[k])
        assert rat is not None
        ny, dy = rat[0] ** 2 * x ** 2 * (1 + rat[1] * x), (1 + rat[2] * x) * (1 + rat[3] * x)
        nz, dz = rat[4] ** 2 * x ** 2 * (1 + rat[5] * x), (1 + rat[6] * x) * (1 + rat[7] * x)
        sy, sz = fn(x, cls)
        np.testing.assert_allclose(np.sqrt(ny / dy), sy, rtol=1e-14)
        np.testing.assert_allclose(np.sqrt(nz / dz), sz, rtol=1e-14)
    assert kernel._rational(np.array([0.1, 1e-4, 0.3, 0.1, 1e-4, -0.5])) is None
    assert kernel._rational(np.array([0.1, -1e-4, -0.5, 0.1, 1e-4, -0.5])) is None


def test_hourly_equals_numpy_hour_by_hour():
    # independent driver: plume rise from hourly.effective_heights, then the plain numpy field
    # for every non-calm hour, averaged; compared with run_hourly (prepared layout, kernel)
    src = sources.stacks(pd.DataFrame(dict(
        stack_id=["A", "B", "C"], x_m=[0.0, 2500.0, -1500.0], y_m=[0.0, 800.0, 2000.0],
        height_m=[40.0, 90.0, 20.0], diameter_m=[1.0, 3.0, 0.5], exit_velocity_m_s=[10, 15, 8.0],
        exit_temp_k=[350.0, 420.0, 300.0], emission_g_s=[5.0, 20.0, 1.0])))
    rng = np.random.default_rng(8)
    n = 12
    md = pd.DataFrame(dict(time=pd.date_range("2023-06-01", periods=n, freq="h"),
                           wind_dir_deg=rng.uniform(0, 360, n),
                           wind_speed_m_s=np.r_[0.2, rng.uniform(0.8, 8, n - 1)], temp_k=295.0,
                           cloud_cover_tenths=5.0, ceiling_height_m=np.nan,
                           mixing_height_m=np.r_[rng.uniform(200, 1500, n - 2), np.nan, 300.0]))
    stab = np.array(list("ABCDEFDCBAFE"))
    rec = pd.DataFrame(dict(x_m=rng.uniform(-8000, 8000, 900), y_m=rng.uniform(-8000, 8000, 900),
                            z_m=rng.choice([0.0, 1.5], 900)))
    got = hourly.run_hourly(src, rec, md, stab, cutoff_m=20_000.0, threshold_ug_m3=1.0)
    from ehrisk.dispersion import met

    u = met.model_wind_speed(md["wind_speed_m_s"].to_numpy())
    h, us = hourly.effective_heights(src, u, stab, md["temp_k"].to_numpy(), "rural")
    calm = met.calm_flags(md["wind_speed_m_s"].to_numpy())
    fields = [gaussian.field_numpy(
        src["x_m"].to_numpy(), src["y_m"].to_numpy(), h[t], us[t], src["emission_g_s"].to_numpy(),
        src["sigma_y0_m"].to_numpy(), src["sigma_z0_m"].to_numpy(), rec["x_m"].to_numpy(),
        rec["y_m"].to_numpy(), rec["z_m"].to_numpy(), md["wind_dir_deg"].iloc[t], stab[t],
        "rural", md["mixing_height_m"].fillna(np.inf).iloc[t], 20_000.0)
        for t in range(n) if not calm[t]]
    assert got["calm_hours"] == int(calm.sum()) == 1
    ref_mean = np.mean(fields, axis=0)
    _check(got["mean_ug_m3"], ref_mean)
    _check(got["max_ug_m3"], np.max(fields, axis=0))
    assert np.array_equal(got["exceed_hours"], (np.array(fields) > 1.0).sum(axis=0))


def test_cli_bench_dispersion_json(cli):
    code, out, err = cli("bench", "dispersion", "--sources", "3", "--receptors", "2500",
                         "--json")
    assert code == 0, err
    res = json.loads(out)
    assert res["pairs"] == 3 * 50 * 50
    assert res["pairs_per_s"] > 0 and res["numpy_pairs_per_s"] > 0
    assert res["max_rel_diff"] <= KERNEL_REL_TOL
    assert res["compared_receptors"] > 100
    assert res["max_rel_diff_cull_vs_no_cull"] <= 1e-13


def test_fallback_for_other_exponents_keeps_receptor_order(monkeypatch):
    # a sigma table with exponents outside {-1, -1/2, 0, 1/2} makes _rational return None;
    # the kernel then returns the numpy reference, in the caller's receptor order
    args = _case(16, 3, 900, z=lambda rng, n: rng.uniform(0, 20, n))
    common = (75.0, "B", "rural", 900.0, 15_000.0)
    ref = gaussian.field_numpy(*args, *common)
    monkeypatch.setattr(kernel, "_rational", lambda coef: None)
    np.testing.assert_array_equal(kernel.field(*args, *common), ref)
