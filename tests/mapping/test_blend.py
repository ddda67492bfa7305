"""Monitoring blend: exact at station cells, unchanged far away."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ehrisk.mapping.blend import blend, idw_weights, legend_text
from ehrisk.mapping.field import ConcentrationField

FAR_TOL = 1e-12  # cells beyond the influence radius are bit-for-bit the model (taper = 0)


def _field(n=40, res=250.0):
    xs, ys = np.meshgrid(np.arange(n) * res + res / 2, np.arange(n) * res + res / 2)
    cells = pd.DataFrame({"cell_id": [f"C{i}" for i in range(n * n)], "x_m": xs.ravel(),
                          "y_m": ys.ravel()})
    conc = np.column_stack([1.0 + 0.001 * xs.ravel(), 2.0 + 0.0005 * ys.ravel()])
    return ConcentrationField(cells, ["71-43-2", "108-88-3"], conc, res, "EPSG:32651")


STATIONS = pd.DataFrame({"station_id": ["A", "B", "A"], "x_m": [1000.0, 2200.0, 1000.0],
                         "y_m": [1000.0, 1400.0, 1000.0], "cas": ["71-43-2", "71-43-2",
                                                                  "108-88-3"],
                         "conc_ug_m3": [5.0, 0.5, 1.0]})


@pytest.mark.parametrize("method", ["ratio", "residual_idw", "replace_idw"])
def test_reproduces_stations(method):
    fld = _field()
    out = blend(fld, STATIONS, method, radius_m=2000.0)
    for s in out.meta["blend"]["stations"]:
        i = int(np.flatnonzero(fld.cells["cell_id"] == s["cell_id"])[0])
        k = fld.cas.index(s["cas"])
        assert out.conc_ug_m3[i, k] == pytest.approx(s["observed_ug_m3"], rel=1e-12)
    assert out.basis != "modelled"
    assert "监测" in legend_text(out)


@pytest.mark.parametrize("method", ["ratio", "residual_idw"])
def test_far_cells_unchanged(method):
    fld = _field()
    out = blend(fld, STATIONS, method, radius_m=2000.0)
    d = np.min(np.hypot(fld.cells["x_m"].to_numpy()[:, None] - np.array([1125.0, 2125.0]),
                        fld.cells["y_m"].to_numpy()[:, None] - np.array([1125.0, 1375.0])),
               axis=1)
    far = d > 2000.0 + 250
    assert far.sum() > 100
    np.testing.assert_allclose(out.conc_ug_m3[far], fld.conc_ug_m3[far], rtol=FAR_TOL)
    assert out.has_sources == fld.has_sources


def test_idw_weights_sum_to_one_and_exact():
    w = idw_weights([0, 5, 10], [0, 0, 0], [0, 10], [0, 0])
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert list(w[0]) == [1.0, 0.0] and w[1, 0] == pytest.approx(0.5)


def test_bad_inputs():
    fld = _field(5)
    with pytest.raises(ValueError, match="unknown blend"):
        blend(fld, STATIONS, "kriging")
    with pytest.raises(ValueError, match="no station substance"):
        blend(fld, STATIONS.assign(cas="50-00-0"), "ratio")
    with pytest.raises(ValueError, match="> 0"):
        blend(fld, STATIONS.assign(conc_ug_m3=0.0), "ratio")
