"""Risk-map cells against the published US EPA RSL Summary Table (TR=1E-06, THQ=1, November
2024): a cell at the resident (industrial) air screening level has a resident (worker) cancer
risk of 1E-06 or a hazard index of 1.

Published levels used (RSL Summary Table, "Resident Air" / "Industrial Air" columns, ug/m3):
benzene carcinogenic 3.6E-01 / 1.6E+00; toluene non-cancer 5.2E+03 / 2.2E+04.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ehrisk.mapping.field import ConcentrationField
from ehrisk.mapping.risk_map import cell_risk

REL_TOL = 0.03  # the table prints two significant figures

BENZENE_RES_SL, BENZENE_IND_SL = 0.36, 1.6
TOLUENE_RES_SL, TOLUENE_IND_SL = 5.2e3, 2.2e4


def _field(conc):
    cells = pd.DataFrame({"cell_id": ["res", "park"], "x_m": [0.0, 100.0], "y_m": [0.0, 0.0]})
    return ConcentrationField(cells, ["71-43-2", "108-88-3"], np.asarray(conc, float), 100.0,
                              "EPSG:32651")


def test_benzene_cells_at_rsl_have_risk_1e6():
    fld = _field([[BENZENE_RES_SL, 0.0], [BENZENE_IND_SL, 0.0]])
    t = cell_risk(fld, [100, 0], [False, True]).table
    assert t["cancer_risk"][0] == pytest.approx(1e-6, rel=REL_TOL)
    assert t["cancer_risk"][1] == pytest.approx(1e-6, rel=REL_TOL)


def test_toluene_cells_at_rsl_have_hi_1():
    fld = _field([[0.0, TOLUENE_RES_SL], [0.0, TOLUENE_IND_SL]])
    t = cell_risk(fld, [100, 0], [False, True]).table
    assert t["hi"][0] == pytest.approx(1.0, rel=REL_TOL)
    assert t["hi"][1] == pytest.approx(1.0, rel=REL_TOL)
