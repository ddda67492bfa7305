"""Gaussian plume against a textbook worked example.

Boubel, Fox, Turner & Stern, *Fundamentals of Air Pollution*, 3rd ed. (Academic Press 1994),
chapter 19, section III.D "Example of a Dispersion Calculation": Q = 0.37 g/s, effective height
H = 40 m, wind 2 m/s, Pasquill class B, Pasquill-Gifford sigmas (the book's Tables 19-4/19-5,
the ISC3 fits). The book tabulates, at x = 0.26, 0.28, 0.30 km: sigma_z = 26.2, 28.2, 30.1 m;
sigma_y = 45.9, 49.0, 52.2 m; ground-level centre-line concentration 1.53e-5, 1.56e-5,
1.55e-5 g/m3.
"""

import numpy as np
import pytest

from ehrisk.dispersion import sigma
from ehrisk.dispersion.gaussian import point_conc_ug_m3

# The book rounds sigmas to 0.1 m and concentrations to 3 significant figures.
SIGMA_TOL_M = 0.06
CONC_REL_TOL = 0.005

X_M = np.array([260.0, 280.0, 300.0])
BOOK_SIGMA_Z_M = np.array([26.2, 28.2, 30.1])
BOOK_SIGMA_Y_M = np.array([45.9, 49.0, 52.2])
BOOK_CONC_G_M3 = np.array([1.53e-5, 1.56e-5, 1.55e-5])


def test_pasquill_gifford_sigmas_match_boubel_1994_example():
    sy, sz = sigma.pasquill_gifford(X_M, "B")
    np.testing.assert_allclose(sy, BOOK_SIGMA_Y_M, atol=SIGMA_TOL_M)
    np.testing.assert_allclose(sz, BOOK_SIGMA_Z_M, atol=SIGMA_TOL_M)


def test_centreline_concentration_matches_boubel_1994_example():
    c = point_conc_ug_m3(0.37, 2.0, X_M, 0.0, 0.0, 40.0, "B", "pasquill_gifford")
    np.testing.assert_allclose(c / 1e6, BOOK_CONC_G_M3, rtol=CONC_REL_TOL)
    # the book's conclusion: the maximum of the three is at 0.28 km
    assert int(np.argmax(c)) == 1


def test_hand_calculation_briggs_rural_d():
    # Independent hand calculation (Briggs rural D, Gifford 1976 table): x = 1000 m,
    # sigma_y = 0.08*1000/sqrt(1.1) = 76.277 m, sigma_z = 0.06*1000/sqrt(2.5) = 37.947 m;
    # C = 100/(pi*5*76.277*37.947) * exp(-50^2/(2*37.947^2)) g/m3 = 923.2 ug/m3.
    sy = 80.0 / np.sqrt(1.1)
    sz = 60.0 / np.sqrt(2.5)
    expected = 100.0 / (np.pi * 5.0 * sy * sz) * np.exp(-2500.0 / (2 * sz * sz)) * 1e6
    c = point_conc_ug_m3(100.0, 5.0, 1000.0, 0.0, 0.0, 50.0, "D", "briggs_rural")
    assert float(c) == pytest.approx(expected, rel=1e-12)
    assert float(c) == pytest.approx(923.2, abs=0.1)


def test_briggs_urban_hand_values():
    # Gifford 1976 urban table: A-B sigma_z = 0.24 x (1+0.001x)^0.5; E-F sigma_y = 0.11 x
    # (1+0.0004x)^-0.5. At x = 1000 m: 0.24*1000*sqrt(2) = 339.41 m; 110/sqrt(1.4) = 92.97 m.
    sy, sz = sigma.briggs_urban(np.array([1000.0, 1000.0]), ["A", "F"])
    assert sz[0] == pytest.approx(240.0 * np.sqrt(2.0), rel=1e-12)
    assert sy[1] == pytest.approx(110.0 / np.sqrt(1.4), rel=1e-12)
