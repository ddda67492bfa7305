"""Unit-emission source-receptor matrices (SRM): concentration per unit emission rate
[ug/m3 per g/s] of each source at each receptor, kept sparse and built in receptor tiles, so
that a what-if emission scenario is a sparse matrix-vector product instead of a rerun.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ehrisk.dispersion.longterm import run_longterm

DEFAULT_TILE = 4096


def build_longterm(src: pd.DataFrame, receptors: pd.DataFrame, star: dict, *,
                   terrain: str = "rural", temp_k: float = 288.15, mixing_height_m=None,
                   cutoff_m: float = 50_000.0, tile: int = DEFAULT_TILE,
                   drop_below_ug_m3_per_g_s: float = 0.0, progress=None) -> sp.csr_matrix:
    """Long-term SRM (n_receptors x n_sources), CSR, [ug/m3 per g/s].

    Receptors are processed in tiles of ``tile`` rows; entries at or below
    ``drop_below_ug_m3_per_g_s`` (and pairs beyond the cut-off, which are exactly zero) are not
    stored.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), section 2 (ISCLT) for the entries; the
    matrix form: superposition of the linear Gaussian plume in the emission rate.
    """
    blocks = []
    n = len(receptors)
    for i0 in range(0, n, tile):
        part = receptors.iloc[i0:i0 + tile]
        dense = run_longterm(src, part, star, terrain=terrain, temp_k=temp_k,
                             mixing_height_m=mixing_height_m, cutoff_m=cutoff_m,
                             per_source=True, unit_emission=True)
        dense[dense <= drop_below_ug_m3_per_g_s] = 0.0
        blocks.append(sp.csr_matrix(dense))
        if progress is not None:
            progress(min(i0 + tile, n), n)
    return sp.vstack(blocks, format="csr")


def apply(srm: sp.spmatrix, emission_g_s) -> np.ndarray:
    """Concentration [ug/m3] at each receptor for emission rates [g/s] per source
    (superposition: C = SRM q)."""
    q = np.asarray(emission_g_s, float)
    if q.shape != (srm.shape[1],):
        raise ValueError(f"need {srm.shape[1]} emission rates (one per source), got {q.shape}")
    return srm @ q


def save(path, srm: sp.spmatrix, source_ids, receptor_ids) -> None:
    """Save an SRM as ``.npz`` (scipy.sparse) plus ``<stem>.ids.npz`` with the ids."""
    p = Path(path)
    sp.save_npz(p, sp.csr_matrix(srm))
    np.savez(p.with_suffix(".ids.npz"), source_ids=np.asarray(source_ids, dtype=str),
             receptor_ids=np.asarray(receptor_ids, dtype=str))


def load(path):
    """Load an SRM saved by :func:`save`: (matrix, source_ids, receptor_ids)."""
    p = Path(path)
    ids = np.load(p.with_suffix(".ids.npz"))
    return sp.load_npz(p), ids["source_ids"], ids["receptor_ids"]
