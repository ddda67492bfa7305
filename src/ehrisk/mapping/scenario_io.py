"""Save and reload the what-if state of a risk map (:class:`ehrisk.mapping.attribution.
EnterpriseRisk`): the unit-emission source-receptor matrix over populated cells [ug/m3 per g/s],
the emission matrix [g/s], each source's enterprise, the substances and their unit cancer-risk
and HQ coefficients [per ug/m3], so that ``ehrisk grade`` can compute scenario risks later
without re-running the dispersion. One ``.npz`` file (numpy), no pickles.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ehrisk.mapping.attribution import EnterpriseRisk

FILE_NAME = "enterprise_scenarios.npz"
TABLE_COLUMNS = ("credit_code", "max_cancer_risk_contribution", "max_hi_contribution",
                 "attributable_cases_per_yr", "top_substance")


def save_enterprise_risk(er: EnterpriseRisk, path) -> str:
    """Write ``er`` to ``path`` (``.npz``); returns the path."""
    s = sp.csc_matrix(er.srm_populated)
    t = er.table
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        p, srm_data=s.data, srm_indices=s.indices, srm_indptr=s.indptr,
        srm_shape=np.asarray(s.shape, np.int64), emission_g_s=np.asarray(er.emission_g_s, float),
        source_codes=np.asarray(er.source_codes, dtype=str), cas=np.asarray(er.cas, dtype=str),
        r_coef=np.asarray(er.r_coef, float), h_coef=np.asarray(er.h_coef, float),
        **{f"table_{c}": (t[c].to_numpy(float) if c not in ("credit_code", "top_substance")
                          else np.asarray(t[c].fillna("").astype(str).tolist(), dtype=str))
           for c in TABLE_COLUMNS})
    return str(p)


def load_enterprise_risk(path) -> EnterpriseRisk:
    """Read what :func:`save_enterprise_risk` wrote."""
    with np.load(Path(path), allow_pickle=False) as z:
        srm = sp.csc_matrix((z["srm_data"], z["srm_indices"], z["srm_indptr"]),
                            shape=tuple(int(v) for v in z["srm_shape"]))
        table = pd.DataFrame({c: z[f"table_{c}"] for c in TABLE_COLUMNS})
        q = z["emission_g_s"]
        return EnterpriseRisk(table, srm, q.reshape(srm.shape[1], -1) if q.size else q,
                              z["source_codes"].astype(str), [str(c) for c in z["cas"]],
                              z["r_coef"], z["h_coef"])
