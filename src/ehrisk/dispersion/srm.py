"""Unit-emission source-receptor matrices (SRM): concentration per unit emission rate
[ug/m3 per g/s] of each source at each receptor, kept sparse, so that a what-if emission
scenario is a sparse matrix-vector product instead of a rerun.

The matrix is built **per tile** of receptors by a pure function
(:func:`build_longterm_tile`: sources + one tile of receptors -> one sparse block) and the tiles
are combined through one executor seam, :func:`map_tiles`. Here the executor is serial (or any
object with a ``map(fn, iterable)`` method, e.g. :class:`concurrent.futures.Executor`); a
distributed backend (Dask) plugs in at that seam without touching the science. Each entry
depends only on its source and receptor, so the matrix does not depend on the tiling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ehrisk.dispersion.longterm import run_longterm

DEFAULT_TILE = 4096
"""Receptors per tile of :func:`build_longterm` (a flat receptor list)."""

DEFAULT_TILE_CELLS = 64
"""Cells per tile side of :func:`grid_tiles` (a regular grid: 64 x 64 cells per tile)."""


class TileExecutor(Protocol):
    """What :func:`map_tiles` needs of an executor: ``map(fn, iterable)`` returning the results
    in order (:class:`concurrent.futures.Executor`, a Dask client wrapper, ...)."""

    def map(self, fn: Callable[[Any], Any], *iterables: Iterable[Any]) -> Iterable[Any]:
        ...  # pragma: no cover


def map_tiles(fn: Callable[[Any], Any], tiles: Sequence[Any], executor: TileExecutor | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """Apply ``fn`` to every tile and return the results in tile order: the one executor seam
    of the gridded computations.

    Parameters
    ----------
    fn : callable
        A pure function of one tile.
    tiles : sequence
        The tiles (anything ``fn`` takes, e.g. index arrays).
    executor : object with ``map(fn, iterable)``, optional
        Default: serial (the built-in ``map``), with ``progress`` called after each tile.
    progress : callable(done, total), optional
        Called after each tile (serial) or once at the end (other executors).
    """
    n = len(tiles)
    if executor is None:
        out = []
        for i, t in enumerate(tiles):
            out.append(fn(t))
            if progress is not None:
                progress(i + 1, n)
        return out
    out = list(executor.map(fn, tiles))
    if progress is not None:
        progress(n, n)
    return out


def grid_tiles(row, col, tile_cells: int = DEFAULT_TILE_CELLS) -> list[np.ndarray]:
    """Square tiles of a regular grid: for each block of ``tile_cells x tile_cells`` cells, the
    positions (indices into ``row``/``col``) of its cells, blocks in row-major order.

    Parameters
    ----------
    row, col : array_like of int
        Grid row and column of each cell.
    tile_cells : int
        Cells per tile side (>= 1).
    """
    if int(tile_cells) < 1:
        raise ValueError(f"tile_cells must be >= 1, got {tile_cells}")
    r = np.asarray(row, np.int64) // int(tile_cells)
    c = np.asarray(col, np.int64) // int(tile_cells)
    if len(r) == 0:
        return []
    key = r * (int(c.max()) + 1) + c
    order = np.argsort(key, kind="stable")
    _, start = np.unique(key[order], return_index=True)
    return [np.sort(b) for b in np.split(order, start[1:])]


def build_longterm_tile(src: pd.DataFrame, receptors_tile: pd.DataFrame, star: dict, *,
                        terrain: str = "rural", temp_k: float = 288.15, mixing_height_m=None,
                        cutoff_m: float = 50_000.0,
                        drop_below_ug_m3_per_g_s: float = 0.0) -> sp.csr_matrix:
    """One tile of the long-term SRM: (n receptors of the tile x n sources), CSR,
    [ug/m3 per g/s]. Pure: depends only on its arguments.

    Entries at or below ``drop_below_ug_m3_per_g_s`` (and pairs beyond the cut-off, which are
    exactly zero) are not stored.

    Parameters
    ----------
    src : DataFrame
        Sources (:mod:`ehrisk.dispersion.sources` columns).
    receptors_tile : DataFrame
        ``x_m, y_m`` [m] (optional ``z_m``) of the tile's receptors.
    star : dict
        STAR table (:func:`ehrisk.dispersion.met.star_table`).
    terrain : {"rural", "urban"}
    temp_k : float
        Ambient temperature for plume rise [K].
    mixing_height_m : array_like (6,) or None
        Mixing height per stability class [m].
    cutoff_m : float
        Cut-off distance [m].
    drop_below_ug_m3_per_g_s : float
        [ug/m3 per g/s].

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), section 2 (ISCLT) for the entries; the
    matrix form: superposition of the linear Gaussian plume in the emission rate.
    """
    if len(receptors_tile) == 0:
        return sp.csr_matrix((0, len(src)))
    dense = run_longterm(src, receptors_tile, star, terrain=terrain, temp_k=temp_k,
                         mixing_height_m=mixing_height_m, cutoff_m=cutoff_m, per_source=True,
                         unit_emission=True)
    dense[dense <= drop_below_ug_m3_per_g_s] = 0.0
    return sp.csr_matrix(dense)


def combine_tiles(blocks: Sequence[sp.spmatrix], tiles: Sequence[np.ndarray], n_receptors: int,
                  n_sources: int) -> sp.csr_matrix:
    """Stack the tile blocks into one (n_receptors x n_sources) CSR matrix, row ``tiles[k][i]``
    taking row ``i`` of ``blocks[k]``."""
    if not blocks:
        return sp.csr_matrix((n_receptors, n_sources))
    stacked = sp.vstack(blocks, format="csr")
    pos = np.concatenate([np.asarray(t, np.int64) for t in tiles])
    if len(pos) != n_receptors or stacked.shape != (n_receptors, n_sources):
        raise ValueError("the tiles must cover every receptor exactly once")
    inverse = np.empty(n_receptors, np.int64)
    inverse[pos] = np.arange(n_receptors)
    out = stacked[inverse]
    out.sort_indices()
    return out


def build_longterm_tiled(src: pd.DataFrame, receptors: pd.DataFrame, star: dict,
                         tiles: Sequence[np.ndarray], *, executor: TileExecutor | None = None,
                         progress=None, **kw) -> sp.csr_matrix:
    """Long-term SRM (n_receptors x n_sources) from receptor ``tiles`` (index arrays covering
    every receptor once, e.g. :func:`grid_tiles`): each tile by :func:`build_longterm_tile`
    (keywords ``kw``), all through :func:`map_tiles` with ``executor``, combined by
    :func:`combine_tiles`."""
    rec = receptors.reset_index(drop=True)

    def one(idx: np.ndarray) -> sp.csr_matrix:
        return build_longterm_tile(src, rec.iloc[idx], star, **kw)

    blocks = map_tiles(one, tiles, executor, progress)
    return combine_tiles(blocks, tiles, len(rec), len(src))


def build_longterm(src: pd.DataFrame, receptors: pd.DataFrame, star: dict, *,
                   terrain: str = "rural", temp_k: float = 288.15, mixing_height_m=None,
                   cutoff_m: float = 50_000.0, tile: int = DEFAULT_TILE,
                   drop_below_ug_m3_per_g_s: float = 0.0, progress=None,
                   executor: TileExecutor | None = None) -> sp.csr_matrix:
    """Long-term SRM (n_receptors x n_sources), CSR, [ug/m3 per g/s], for a flat receptor list
    processed in consecutive tiles of ``tile`` receptors (see :func:`build_longterm_tiled`).

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), section 2 (ISCLT) for the entries; the
    matrix form: superposition of the linear Gaussian plume in the emission rate.
    """
    if int(tile) < 1:
        raise ValueError(f"tile must be >= 1, got {tile}")
    n = len(receptors)
    tiles = [np.arange(i0, min(i0 + int(tile), n)) for i0 in range(0, n, int(tile))]
    return build_longterm_tiled(src, receptors, star, tiles, executor=executor,
                                progress=progress, terrain=terrain, temp_k=temp_k,
                                mixing_height_m=mixing_height_m, cutoff_m=cutoff_m,
                                drop_below_ug_m3_per_g_s=drop_below_ug_m3_per_g_s)


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
