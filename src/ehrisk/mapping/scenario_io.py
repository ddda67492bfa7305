"""The what-if state of a risk map (:class:`ehrisk.mapping.attribution.EnterpriseRisk`) as plain
arrays: the unit-emission source-receptor matrix over populated cells [ug/m3 per g/s] (CSC
parts), the emission matrix [g/s], each source's enterprise, the substances and their unit
cancer-risk and HQ coefficients [per ug/m3] and the per-enterprise table, so that grading can
compute scenario risks after any run without re-running the dispersion.

The arrays are kept with the run (``risk_map/enterprise_scenarios``) and written by the risk
map's writer as ``enterprise_scenarios.npz`` (numpy, no pickles).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ehrisk.mapping.attribution import EnterpriseRisk

FILE_NAME = "enterprise_scenarios.npz"
TABLE_COLUMNS = ("credit_code", "max_cancer_risk_contribution", "max_hi_contribution",
                 "attributable_cases_per_yr", "top_substance")
TEXT_COLUMNS = ("credit_code", "top_substance")


def enterprise_risk_to_arrays(er: EnterpriseRisk) -> dict[str, np.ndarray]:
    """``er`` as named numpy arrays (numeric or unicode; no objects)."""
    s = sp.csc_matrix(er.srm_populated)
    t = er.table
    out = {"srm_data": np.asarray(s.data, float), "srm_indices": np.asarray(s.indices, np.int64),
           "srm_indptr": np.asarray(s.indptr, np.int64),
           "srm_shape": np.asarray(s.shape, np.int64),
           "emission_g_s": np.asarray(er.emission_g_s, float),
           "source_codes": np.asarray(er.source_codes, dtype=str),
           "cas": np.asarray(er.cas, dtype=str), "r_coef": np.asarray(er.r_coef, float),
           "h_coef": np.asarray(er.h_coef, float)}
    for c in TABLE_COLUMNS:
        out[f"table_{c}"] = (np.asarray(t[c].fillna("").astype(str).tolist(), dtype=str)
                             if c in TEXT_COLUMNS else t[c].to_numpy(float))
    return out


def enterprise_risk_from_arrays(arrays: Mapping[str, np.ndarray]) -> EnterpriseRisk:
    """Rebuild the :class:`EnterpriseRisk` from :func:`enterprise_risk_to_arrays` output (or an
    opened ``.npz`` with the same names); its ``scenario_risk`` then gives the what-ifs."""
    need = {"srm_data", "srm_indices", "srm_indptr", "srm_shape", "emission_g_s",
            "source_codes", "cas", "r_coef", "h_coef", *(f"table_{c}" for c in TABLE_COLUMNS)}
    missing = sorted(need - set(arrays.keys()))
    if missing:
        raise KeyError(f"enterprise scenario arrays lack {missing}")
    shape = tuple(int(v) for v in np.asarray(arrays["srm_shape"]))
    srm = sp.csc_matrix((np.asarray(arrays["srm_data"], float),
                         np.asarray(arrays["srm_indices"]), np.asarray(arrays["srm_indptr"])),
                        shape=shape)
    table = pd.DataFrame({c: np.asarray(arrays[f"table_{c}"]) for c in TABLE_COLUMNS})
    for c in TEXT_COLUMNS:
        table[c] = table[c].astype(str)
    q = np.asarray(arrays["emission_g_s"], float)
    return EnterpriseRisk(table, srm, q.reshape(srm.shape[1], -1) if q.size else q,
                          np.asarray(arrays["source_codes"]).astype(str),
                          [str(c) for c in np.asarray(arrays["cas"])],
                          np.asarray(arrays["r_coef"], float),
                          np.asarray(arrays["h_coef"], float))


def load_enterprise_risk(path) -> EnterpriseRisk:
    """Read an ``enterprise_scenarios.npz`` written by the risk map's writer."""
    with np.load(Path(path), allow_pickle=False) as z:
        return enterprise_risk_from_arrays({k: z[k] for k in z.files})
