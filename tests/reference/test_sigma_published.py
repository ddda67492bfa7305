"""Dispersion coefficients sigma_y, sigma_z against the published tables, every class A-F.

Sources (read for this test; the coefficients below are typed from them, not from the
package's table ``dispersion_coefficients``):

- Briggs (1973) as tabulated by Gifford (1976, Nuclear Safety 17:68-86), reproduced in
  Boubel, Fox, Turner & Stern, *Fundamentals of Air Pollution*, 3rd ed. (Academic Press 1994),
  p. 305: **Table 19-6** "Urban Dispersion Parameters by Briggs" and **Table 19-7** "Rural
  Dispersion Parameters by Briggs" (both "for distances between 100 and 10000 m"; x in m).
- Pasquill-Gifford curves as fitted for ISC3 (ISC3 User's Guide Vol. II, EPA-454/B-95-003b,
  eqs. 1-33/1-34 and their coefficient tables), reproduced in Boubel et al. 1994, p. 303
  **Table 19-4** (sigma_y = 465.116 x tan T, T = c - d ln x, x in km) and p. 304 **Table 19-5**
  (sigma_z = a x^b by distance segment, x in km, with a last column giving sigma_z [m] at the
  far end of each segment, and sigma_z = 5000 m beyond 3.11 km for A and 35 km for B).
- Table 19-5's rows for class E below 10 km and for class F were not legible in the copy read;
  for those segments the coefficients are typed from an independent public transcription of
  the ISC3 table (a C++ Gaussian-plume code, ``calc_sigmas``). That transcription agrees with
  Table 19-5 on every row both show. It gives F below 0.2 km as b = 0.81158, where the package
  (and its stated source) has 0.81558; with no readable primary source for that one segment it
  is left untested here (UNCONFIRMED), and F is tested from 0.2 km on.

Expected values are computed in this file from the typed coefficients (an independent
calculation); Table 19-5's printed sigma_z column is compared directly (a published number).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ehrisk.dispersion import sigma

CLASSES = ("A", "B", "C", "D", "E", "F")
# Distances asked for by the review: 100 m, 500 m, 1 km, 5 km, 10 km (Briggs fits are stated
# for 100 m - 10 km).
X_M = np.array([100.0, 500.0, 1000.0, 5000.0, 10000.0])
# The formula is the same on both sides; only floating-point rounding separates them.
FORMULA_REL_TOL = 1e-9
# Table 19-5 prints sigma_z to 0.1 m.
PRINTED_ABS_TOL_M = 0.05 + 1e-9

# --- Boubel et al. 1994 Table 19-7 (rural): sigma = a x (1 + b x)^c, x [m] ----------------
BRIGGS_RURAL = {
    #      sigma_y (a, b, c)          sigma_z (a, b, c)
    "A": ((0.22, 0.0001, -0.5), (0.20, 0.0, 0.0)),       # sigma_z = 0.20 x
    "B": ((0.16, 0.0001, -0.5), (0.12, 0.0, 0.0)),       # sigma_z = 0.12 x
    "C": ((0.11, 0.0001, -0.5), (0.08, 0.0002, -0.5)),
    "D": ((0.08, 0.0001, -0.5), (0.06, 0.0015, -0.5)),
    "E": ((0.06, 0.0001, -0.5), (0.03, 0.0003, -1.0)),
    "F": ((0.04, 0.0001, -0.5), (0.016, 0.0003, -1.0)),
}
# --- Boubel et al. 1994 Table 19-6 (urban): rows A-B and E-F are shared -------------------
_URBAN_AB = ((0.32, 0.0004, -0.5), (0.24, 0.001, 0.5))
_URBAN_EF = ((0.11, 0.0004, -0.5), (0.08, 0.0015, -0.5))
BRIGGS_URBAN = {
    "A": _URBAN_AB,
    "B": _URBAN_AB,
    "C": ((0.22, 0.0004, -0.5), (0.20, 0.0, 0.0)),       # sigma_z = 0.20 x
    "D": ((0.16, 0.0004, -0.5), (0.14, 0.0003, -0.5)),
    "E": _URBAN_EF,
    "F": _URBAN_EF,
}

# --- Boubel et al. 1994 Table 19-4: T = c - d ln(x km) [deg]; sigma_y = 465.116 x tan T ----
PG_THETA = {"A": (24.167, 2.5334), "B": (18.333, 1.8096), "C": (12.5, 1.0857),
            "D": (8.3333, 0.72382), "E": (6.25, 0.54287), "F": (4.1667, 0.36191)}
# ISC3 eq. 1-33 writes the factor 465.11628 (= 1000/2.15); Table 19-4 prints 465.116.
PG_Y_FACTOR = 465.11628

# --- Table 19-5 (A-D, E >= 10 km) and the ISC3 transcription (E < 10 km, F >= 0.2 km) ------
# (x_min_km, x_max_km, a, b); None = open end.
PG_Z = {
    "A": [(0.0, 0.10, 122.8, 0.9447), (0.10, 0.15, 158.08, 1.0542),
          (0.15, 0.20, 170.22, 1.0932), (0.20, 0.25, 179.52, 1.1262),
          (0.25, 0.30, 217.41, 1.2644), (0.30, 0.40, 258.89, 1.4094),
          (0.40, 0.50, 346.75, 1.7283), (0.50, 3.11, 453.85, 2.1166)],
    "B": [(0.0, 0.20, 90.673, 0.93198), (0.20, 0.40, 98.483, 0.98332),
          (0.40, 35.0, 109.30, 1.0971)],
    "C": [(0.0, None, 61.141, 0.91465)],
    "D": [(0.0, 0.30, 34.459, 0.86974), (0.30, 1.0, 32.093, 0.81066),
          (1.0, 3.0, 32.093, 0.64403), (3.0, 10.0, 33.504, 0.60486),
          (10.0, 30.0, 36.650, 0.56589), (30.0, None, 44.053, 0.51179)],
    "E": [(0.0, 0.10, 24.26, 0.8366), (0.10, 0.30, 23.331, 0.81956),
          (0.30, 1.0, 21.628, 0.7566), (1.0, 2.0, 21.628, 0.63077),
          (2.0, 4.0, 22.534, 0.57154), (4.0, 10.0, 24.703, 0.50527),
          (10.0, 20.0, 26.970, 0.46713), (20.0, 40.0, 35.420, 0.37615),
          (40.0, None, 47.618, 0.29592)],
    "F": [(0.20, 0.70, 14.457, 0.78407), (0.70, 1.0, 13.953, 0.68465),
          (1.0, 2.0, 13.953, 0.63227), (2.0, 3.0, 14.823, 0.54503),
          (3.0, 7.0, 16.187, 0.46490), (7.0, 15.0, 17.836, 0.41507),
          (15.0, 30.0, 22.651, 0.32681), (30.0, 60.0, 27.074, 0.27436),
          (60.0, None, 34.219, 0.21716)],
}
PG_Z_CAP_M = {"A": (3.11, 5000.0), "B": (35.0, 5000.0)}   # Table 19-5: ">3.11 5000 m", ">35"

# Table 19-5, last column: sigma_z [m] printed at the far end of the segment (x_max_km).
TABLE_19_5_PRINTED = [
    ("A", 0.10, 14.0), ("A", 0.15, 21.4), ("A", 0.20, 29.3), ("A", 0.25, 37.7),
    ("A", 0.30, 47.4), ("A", 0.40, 71.2), ("A", 0.50, 104.7),
    ("B", 0.20, 20.2), ("B", 0.40, 40.0),
    ("D", 0.30, 12.1), ("D", 1.0, 32.1), ("D", 3.0, 65.1), ("D", 10.0, 134.9),
    ("D", 30.0, 251.2),
    ("E", 20.0, 109.3), ("E", 40.0, 141.9),
]


def _briggs(table, cls, x_m):
    (ay, by, cy), (az, bz, cz) = table[cls]
    return ay * x_m * (1.0 + by * x_m) ** cy, az * x_m * (1.0 + bz * x_m) ** cz


def _pg_y(cls, x_km):
    c, d = PG_THETA[cls]
    return PG_Y_FACTOR * x_km * math.tan(math.radians(c - d * math.log(x_km)))


def _pg_z_candidates(cls, x_km):
    """sigma_z from every typed segment whose closed range contains x (two at a boundary:
    the table does not say which side a boundary belongs to)."""
    out = []
    for lo, hi, a, b in PG_Z[cls]:
        if lo <= x_km and (hi is None or x_km <= hi):
            out.append(a * x_km ** b)
    cap = PG_Z_CAP_M.get(cls)
    if cap and x_km >= cap[0]:
        out.append(cap[1])
    return out


def _segment_points(cls):
    """Interior test points of every typed segment: its geometric middle (1.5 x the start for
    an open last one, 2 km for C's single row), away from the boundaries."""
    pts = []
    for lo, hi, _a, _b in PG_Z[cls]:
        if hi is None:
            pts.append(1.5 * lo if lo > 0 else 2.0)
        elif lo == 0.0:
            pts.append(0.6 * hi)
        else:
            pts.append(math.sqrt(lo * hi))
    return pts


# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("terrain, table, fn", [
    ("rural", BRIGGS_RURAL, sigma.briggs_rural),
    ("urban", BRIGGS_URBAN, sigma.briggs_urban),
])
def test_briggs_matches_boubel_tables_19_6_19_7(cls, terrain, table, fn):
    sy, sz = fn(X_M, cls)
    ey, ez = _briggs(table, cls, X_M)
    np.testing.assert_allclose(sy, ey, rtol=FORMULA_REL_TOL, err_msg=f"{terrain} {cls} sigma_y")
    np.testing.assert_allclose(sz, ez, rtol=FORMULA_REL_TOL, err_msg=f"{terrain} {cls} sigma_z")


def test_briggs_rural_hand_values():
    # Worked by hand from Table 19-7 at x = 1000 m (no code involved):
    # B: sigma_z = 0.12 * 1000 = 120 m;  E: sigma_z = 30 / 1.3 = 23.0769 m;
    # F: sigma_z = 16 / 1.3 = 12.3077 m; D: sigma_z = 60 / sqrt(2.5) = 37.9473 m.
    _, sz = sigma.briggs_rural(np.full(4, 1000.0), ["B", "E", "F", "D"])
    np.testing.assert_allclose(sz, [120.0, 23.0769, 12.3077, 37.9473], atol=5e-4)


def test_briggs_urban_hand_values():
    # Table 19-6 at x = 5000 m: C sigma_z = 0.20 * 5000 = 1000 m; D sigma_y = 800/sqrt(3)
    # = 461.880 m; E-F sigma_z = 400/sqrt(8.5) = 137.199 m.
    sy, sz = sigma.briggs_urban(np.full(3, 5000.0), ["C", "D", "E"])
    assert sz[0] == pytest.approx(1000.0, abs=1e-9)
    assert sy[1] == pytest.approx(461.880, abs=5e-4)
    assert sz[2] == pytest.approx(137.199, abs=5e-4)


# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", CLASSES)
def test_pasquill_gifford_sigma_y_matches_table_19_4(cls):
    x_km = np.array([0.1, 0.5, 1.0, 5.0, 10.0, 0.3, 2.0, 30.0])
    sy, _ = sigma.pasquill_gifford(x_km * 1000.0, cls)
    expected = [_pg_y(cls, x) for x in x_km]
    np.testing.assert_allclose(sy, expected, rtol=FORMULA_REL_TOL)


@pytest.mark.parametrize("cls", CLASSES)
def test_pasquill_gifford_sigma_z_inside_every_segment(cls):
    # One point inside every segment of Table 19-5, so each (a, b) pair is exercised.
    x_km = np.array(_segment_points(cls))
    _, sz = sigma.pasquill_gifford(x_km * 1000.0, cls)
    for x, got in zip(x_km, sz, strict=True):
        (want,) = _pg_z_candidates(cls, x)
        rel = FORMULA_REL_TOL
        assert got == pytest.approx(want, rel=rel), f"{cls} at {x:.4g} km"


@pytest.mark.parametrize("cls", CLASSES)
def test_pasquill_gifford_sigma_z_at_review_distances(cls):
    # 100 m, 500 m, 1 km, 5 km, 10 km; F below 0.2 km is untested (see module docstring).
    x_km = X_M / 1000.0
    if cls == "F":
        x_km = x_km[x_km >= 0.2]
    _, sz = sigma.pasquill_gifford(x_km * 1000.0, cls)
    for x, got in zip(x_km, sz, strict=True):
        cands = _pg_z_candidates(cls, x)
        assert cands, f"no typed segment for {cls} at {x} km"
        rel = FORMULA_REL_TOL
        assert any(got == pytest.approx(c, rel=rel) for c in cands), (
            f"{cls} at {x} km: {got} not in {cands}")


@pytest.mark.parametrize("cls, x_km, printed_m", TABLE_19_5_PRINTED)
def test_pasquill_gifford_sigma_z_printed_in_table_19_5(cls, x_km, printed_m):
    # The printed value is sigma_z at the boundary x_km, where two fits meet; the book does
    # not say which fit it used (A at 0.1 km: 13.948 m by the "<0.1" row, 13.954 m by the
    # next, printed 14.0), so the value just inside either side must round to the print.
    x_m = x_km * 1000.0
    _, sz = sigma.pasquill_gifford(np.array([x_m * (1 - 1e-9), x_m * (1 + 1e-9)]), cls)
    assert min(abs(sz - printed_m)) <= PRINTED_ABS_TOL_M, f"{cls} {x_km} km: {sz}"


@pytest.mark.parametrize("cls, x_km", [("A", 3.5), ("A", 10.0), ("B", 40.0), ("B", 100.0)])
def test_pasquill_gifford_sigma_z_cap_5000_m(cls, x_km):
    # Table 19-5: "A >3.11 km: 5000 m", "B >35 km: 5000 m".
    _, sz = sigma.pasquill_gifford(np.array([x_km * 1000.0]), cls)
    assert float(sz[0]) == 5000.0


def test_pasquill_gifford_sigma_z_d_one_to_three_km_by_hand():
    # Table 19-5, D, 1-3 km: a = 32.093, b = 0.64403. At 2 km: 32.093 * 2**0.64403 = 50.1 m
    # (2**0.64403 = 1.56269 by hand via exp(0.64403 * 0.693147)).
    _, sz = sigma.pasquill_gifford(np.array([2000.0]), "D")
    assert float(sz[0]) == pytest.approx(32.093 * 1.56269, rel=2e-5)


def test_pasquill_gifford_sigma_z_f_7_to_15_km_exact():
    x_km = np.array([8.0, 10.0, 12.0])
    _, sz = sigma.pasquill_gifford(x_km * 1000.0, "F")
    np.testing.assert_allclose(sz, 17.836 * x_km ** 0.41507, rtol=FORMULA_REL_TOL)
