"""Gaussian plume properties, plume rise hand calculations, kernel vs numpy, CLI."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrisk.dispersion import gaussian, kernel, plume_rise, sigma

KERNEL_REL_TOL = 1e-9


@settings(max_examples=30, deadline=None)
@given(x=st.floats(200, 20_000), y=st.floats(0, 2000), h=st.floats(0, 200),
       cls=st.sampled_from(list("ABCDEF")))
def test_symmetric_in_y(x, y, h, cls):
    a = gaussian.point_conc_ug_m3(10.0, 4.0, x, y, 0.0, h, cls)
    b = gaussian.point_conc_ug_m3(10.0, 4.0, x, -y, 0.0, h, cls)
    assert float(a) == pytest.approx(float(b), rel=1e-14, abs=0.0)


@pytest.mark.parametrize("cls", list("ABCDEF"))
@pytest.mark.parametrize("terrain", ["briggs_rural", "briggs_urban"])
def test_centreline_decays_beyond_maximum(cls, terrain):
    x = np.linspace(100.0, 30_000.0, 3000)
    c = gaussian.point_conc_ug_m3(10.0, 4.0, x, 0.0, 0.0, 60.0, cls, terrain)
    i = int(np.argmax(c))
    assert np.all(np.diff(c[i:]) <= 0.0)


def test_infinite_lid_gives_ground_reflection_formula():
    sz = np.array([20.0, 80.0, 200.0])
    h, z = 50.0, 3.0
    single = np.exp(-(z - h) ** 2 / (2 * sz ** 2)) + np.exp(-(z + h) ** 2 / (2 * sz ** 2))
    np.testing.assert_allclose(gaussian.vertical_term(z, h, sz, np.inf), single, rtol=1e-15)
    # a very high lid converges to the same
    np.testing.assert_allclose(gaussian.vertical_term(z, h, sz, 1e6), single, rtol=1e-12)


def test_ground_receptor_doubles_free_plume():
    sz = np.array([10.0, 50.0, 300.0])
    free = np.exp(-(0.0 - 40.0) ** 2 / (2 * sz ** 2))
    np.testing.assert_allclose(gaussian.vertical_term(0.0, 40.0, sz), 2 * free, rtol=1e-15)


def test_uniform_mixing_and_plume_above_lid():
    # sigma_z > 1.6 L: V = sqrt(2 pi) sz / L (Turner 1994 eq. for uniform mixing)
    assert float(gaussian.vertical_term(0.0, 50.0, 500.0, 300.0)) == pytest.approx(
        np.sqrt(2 * np.pi) * 500.0 / 300.0)
    assert float(gaussian.vertical_term(0.0, 400.0, 100.0, 300.0)) == 0.0


def test_lid_images_conserve_mass_near_uniform_limit():
    # With many reflections, int_0^L V dz = sqrt(2 pi) sz (the mass in the column); check the
    # image sum just below the 1.6 L switch with 4 image pairs (independent quadrature).
    L, h, sz = 500.0, 100.0, 0.9 * 500.0
    z = np.linspace(0, L, 20001)
    v = gaussian.vertical_term(z, h, sz, L)
    integral = np.sum((v[1:] + v[:-1]) / 2 * np.diff(z))
    assert integral == pytest.approx(np.sqrt(2 * np.pi) * sz, rel=1e-3)


def test_briggs_rise_hand_calculation():
    # ISC3 vol. II eqs. 1-7, 1-10: Fb = 9.80616*15*2^2*(400-293)/(4*400) = 39.345 m4/s3 < 55;
    # dh = 21.425 * Fb^0.75 / 5 m/s; no downwash (vs = 15 > 1.5*5).
    fb = 9.80616 * 15 * 4 * 107 / 1600
    expected = 50 + 21.425 * fb ** 0.75 / 5.0
    h = plume_rise.briggs_final_rise(50, 2, 15, 400, 293, 5, "D")
    assert float(h) == pytest.approx(expected, rel=1e-12)
    # stable F buoyant: s = g*0.035/293; dh = 2.6 (Fb/(u s))^(1/3)
    s = 9.80616 * 0.035 / 293
    hf = plume_rise.briggs_final_rise(50, 2, 15, 400, 293, 5, "F")
    assert float(hf) == pytest.approx(50 + 2.6 * (fb / (5 * s)) ** (1 / 3), rel=1e-12)
    # downwash: vs = 3 < 1.5*5: hs' = 50 + 2*2*(3/5 - 1.5) = 46.4 m
    assert float(plume_rise.stack_tip_downwash(50, 2, 3, 5)) == pytest.approx(46.4)


def test_more_emission_never_less_concentration():
    c1 = gaussian.point_conc_ug_m3(1.0, 4.0, 2000.0, 100.0, 0.0, 30.0, "C")
    c2 = gaussian.point_conc_ug_m3(2.0, 4.0, 2000.0, 100.0, 0.0, 30.0, "C")
    assert float(c2) == pytest.approx(2 * float(c1))


@pytest.mark.parametrize("lid", [np.inf, 800.0, 150.0])
@pytest.mark.parametrize("cls,terrain", [("D", "rural"), ("A", "urban"), ("F", "rural")])
def test_kernel_equals_numpy(lid, cls, terrain):
    rng = np.random.default_rng(3)
    ns, nr = 7, 3000
    sx, sy = rng.uniform(-3000, 3000, ns), rng.uniform(-3000, 3000, ns)
    h, u, q = rng.uniform(0, 120, ns), rng.uniform(1, 8, ns), rng.uniform(0.1, 50, ns)
    sy0, sz0 = rng.uniform(0, 20, ns), rng.uniform(0, 5, ns)
    rx, ry = rng.uniform(-20000, 20000, nr), rng.uniform(-20000, 20000, nr)
    rz = rng.choice([0.0, 1.5, 30.0], nr)
    args = (sx, sy, h, u, q, sy0, sz0, rx, ry, rz, 200.0, cls, terrain, lid, 15_000.0)
    ref = gaussian.field_numpy(*args)
    got = kernel.field(*args)
    big = ref > 1e-200
    assert big.sum() > 100
    np.testing.assert_allclose(got[big], ref[big], rtol=KERNEL_REL_TOL)
    assert np.all(np.abs(got[~big]) < 1e-200)
    # beyond the cut-off nothing
    far = np.hypot(rx[:, None] - sx[None], ry[:, None] - sy[None]).min(axis=1) > 15_000
    assert np.all(got[far] == 0.0)


def test_unit_matrix_sums_to_field():
    rng = np.random.default_rng(5)
    ns, nr = 4, 500
    sx, sy = rng.uniform(-500, 500, ns), rng.uniform(-500, 500, ns)
    h, u, q = rng.uniform(10, 60, ns), rng.uniform(2, 6, ns), rng.uniform(1, 5, ns)
    z0 = np.zeros(ns)
    rx, ry = rng.uniform(-5000, 5000, nr), rng.uniform(-5000, 5000, nr)
    rz = np.zeros(nr)
    out = np.zeros((nr, ns))
    kernel.add_unit_matrix(out, sx, sy, h, u, z0, z0, rx, ry, rz, 90.0, "C", "rural", 1000.0, 5e4)
    np.testing.assert_allclose(out @ q, kernel.field(sx, sy, h, u, q, z0, z0, rx, ry, rz, 90.0,
                                                      "C", "rural", 1000.0, 5e4),
                               rtol=1e-12, atol=1e-250)  # below 1e-250: underflow region


def test_sigma_rejects_bad_class():
    with pytest.raises(ValueError, match="unknown stability class"):
        sigma.briggs_rural(100.0, "G")


def test_cli_plume_point(cli):
    code, out, err = cli("plume", "point", "--q-g-s", "100", "--wind-m-s", "5",
                         "--effective-height-m", "50", "--stability", "D", "--x-m", "1000",
                         "--y-m", "0", "--z-m", "0", "--terrain", "rural", "--json")
    assert code == 0, err
    res = json.loads(out)
    sy, sz = 80.0 / np.sqrt(1.1), 60.0 / np.sqrt(2.5)  # Briggs rural D at 1 km (hand)
    assert res["conc_ug_m3"] == pytest.approx(
        100 / (np.pi * 5 * sy * sz) * np.exp(-2500 / (2 * sz * sz)) * 1e6, rel=1e-12)


def test_cli_plume_point_bad_input(cli):
    code, out, err = cli("plume", "point", "--q-g-s", "100", "--wind-m-s", "0",
                         "--effective-height-m", "50", "--stability", "Z", "--x-m", "1000",
                         "--json")
    assert code == 2
    assert "--stability" in err and "--wind-m-s" in err
    assert "Traceback" not in err
