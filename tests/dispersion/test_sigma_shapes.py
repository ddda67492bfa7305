"""sigma functions: broadcasting of distance and class, and the Pasquill-Gifford cap applying to
A and B only. Values worked by hand from Boubel, Fox, Turner & Stern, *Fundamentals of Air
Pollution* 3rd ed. 1994, Table 19-7 (Briggs rural, Gifford 1976) and Table 19-5 (ISC3 P-G
sigma_z: "C, all x: a = 61.141, b = 0.91465", a 5000 m ceiling listed for A and B only).
Written to kill mutants left by ``tools/mutation.py dispersion/sigma.py`` (docs/mutation.md).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ehrisk.dispersion import sigma

HAND_TOL_M = 5e-3


def test_scalar_distance_with_array_of_classes():
    # x = 1000 m; A: sigma_y = 220/sqrt(1.1) = 209.762, sigma_z = 0.20*1000 = 200;
    # D: sigma_y = 80/sqrt(1.1) = 76.277, sigma_z = 60/sqrt(2.5) = 37.947.
    sy, sz = sigma.briggs_rural(1000.0, ["A", "D"])
    assert sy.shape == sz.shape == (2,)
    np.testing.assert_allclose(sy, [209.762, 76.277], atol=HAND_TOL_M)
    np.testing.assert_allclose(sz, [200.0, 37.947], atol=HAND_TOL_M)


def test_grid_of_distances_by_classes():
    # (2, 1) distances against (3,) classes -> (2, 3), each cell the scalar value.
    x = np.array([[500.0], [2000.0]])
    sy, sz = sigma.briggs_urban(x, ["A", "C", "F"])
    assert sy.shape == sz.shape == (2, 3)
    for i, xm in enumerate((500.0, 2000.0)):
        for j, cls in enumerate("ACF"):
            ey, ez = sigma.briggs_urban(xm, cls)
            assert sy[i, j] == float(ey) and sz[i, j] == float(ez)
    # one cell by hand (Table 19-6, C: sigma_z = 0.20 x): 0.20 * 2000 = 400 m
    assert sz[1, 1] == pytest.approx(400.0, abs=1e-9)


@pytest.mark.parametrize("x_km", [150.0, 200.0])
def test_pg_class_c_has_no_5000_m_ceiling(x_km):
    # 61.141 * x^0.91465 passes 5000 m near 123 km; Table 19-5 lists no ceiling for C.
    _, sz = sigma.pasquill_gifford(np.array([x_km * 1000.0]), "C")
    expected = 61.141 * math.exp(0.91465 * math.log(x_km))
    assert expected > 5000.0
    assert float(sz[0]) == pytest.approx(expected, rel=1e-9)


def test_unknown_terrain_and_class_refused():
    with pytest.raises(ValueError, match="terrain must be 'rural' or 'urban'"):
        sigma.briggs_coefficients("suburban")
    with pytest.raises(ValueError, match="unknown stability class G"):
        sigma.briggs_rural(1000.0, "G")


def test_briggs_coefficient_matrix_is_six_by_six_from_tables_19_6_19_7():
    # rows A..F; columns ay, by, cy, az, bz, cz (Table 19-7 rural D, Table 19-6 urban A-B)
    rural, urban = sigma.briggs_coefficients("rural"), sigma.briggs_coefficients("urban")
    assert rural.shape == urban.shape == (6, 6)
    np.testing.assert_array_equal(rural[3], [0.08, 0.0001, -0.5, 0.06, 0.0015, -0.5])
    np.testing.assert_array_equal(rural[4], [0.06, 0.0001, -0.5, 0.03, 0.0003, -1.0])
    np.testing.assert_array_equal(urban[0], [0.32, 0.0004, -0.5, 0.24, 0.001, 0.5])
    np.testing.assert_array_equal(urban[5], [0.11, 0.0004, -0.5, 0.08, 0.0015, -0.5])
