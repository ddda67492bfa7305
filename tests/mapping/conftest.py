"""Fixtures for the risk-map tests: a small hand-made field with a known SRM."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from ehrisk.mapping.field import from_srm

CAS = ["71-43-2", "108-88-3", "106-99-0"]  # benzene, toluene, 1,3-butadiene


@pytest.fixture(scope="module")
def small_field():
    """6 x 5 grid of 100 m cells, 4 sources of 3 enterprises, 3 substances; SRM entries drawn
    with a fixed seed (only structure matters: sparse, non-negative)."""
    rng = np.random.default_rng(7)
    xs, ys = np.meshgrid(np.arange(5) * 100.0 + 50, np.arange(6) * 100.0 + 50)
    cells = pd.DataFrame({"cell_id": [f"C{i}" for i in range(30)], "x_m": xs.ravel(),
                          "y_m": ys.ravel()})
    dense = rng.uniform(0, 2.0, size=(30, 4))
    dense[rng.uniform(size=dense.shape) < 0.3] = 0.0
    srm = sp.csr_matrix(dense)
    sources = pd.DataFrame({"source_id": ["S1", "S2", "S3", "S4"],
                            "credit_code": ["ENT-A", "ENT-A", "ENT-B", "ENT-C"],
                            "kind": "stack"})
    q = np.array([[0.5, 1.0, 0.0], [0.2, 0.0, 0.1], [0.0, 3.0, 0.05], [1.0, 0.5, 0.0]])
    return from_srm(cells, srm, sources, q, CAS, 100.0, "EPSG:32651")
