"""The tile seam of the source-receptor matrix: tiles cover the grid once, any executor gives
the serial result, and the matrix does not depend on the tiling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from ehrisk.dispersion import grid, met, sources, srm


@pytest.fixture(scope="module")
def case():
    src = sources.stacks(pd.DataFrame({
        "stack_id": ["S1", "S2"], "x_m": [0.0, 1500.0], "y_m": [0.0, -700.0],
        "height_m": [30.0, 60.0], "diameter_m": [1.0, 2.0], "exit_velocity_m_s": [10.0, 15.0],
        "exit_temp_k": [400.0, 450.0], "emission_g_s": [1.0, 2.0]}))
    rng = np.random.default_rng(11)
    n = 200
    m = pd.DataFrame({"wind_dir_deg": rng.uniform(0, 360, n),
                      "wind_speed_m_s": rng.uniform(1, 9, n)})
    star = met.star_table(m, rng.choice(list("ABCDEF"), n))
    rec = grid.regular_grid(-5000, -5000, 5000, 5000, 500.0)
    return src, rec, star


def test_grid_tiles_cover_every_cell_once(case):
    _, rec, _ = case
    for t in (1, 3, 7, 20, 10**6):
        tiles = srm.grid_tiles(rec["row"], rec["col"], t)
        allidx = np.concatenate(tiles)
        assert sorted(allidx.tolist()) == list(range(len(rec)))
        assert len(tiles) == int(np.ceil(20 / t)) ** 2
        for ti in tiles:   # a tile is one block of rows and columns
            assert np.ptp(rec["row"].to_numpy()[ti] // t) == 0
            assert np.ptp(rec["col"].to_numpy()[ti] // t) == 0
    with pytest.raises(ValueError, match="tile_cells"):
        srm.grid_tiles(rec["row"], rec["col"], 0)


def test_executor_and_tile_size_do_not_change_the_matrix(case):
    src, rec, star = case
    flat = srm.build_longterm(src, rec, star, cutoff_m=20_000.0, tile=len(rec)).toarray()
    assert (flat > 0).sum() > 0.5 * flat.size
    for t in (3, 8, 10**6):
        tiles = srm.grid_tiles(rec["row"], rec["col"], t)
        m = srm.build_longterm_tiled(src, rec, star, tiles, cutoff_m=20_000.0).toarray()
        assert np.abs(m - flat).max() <= 1e-12 * np.abs(flat).max()
    with ThreadPoolExecutor(max_workers=2) as ex:
        tiles = srm.grid_tiles(rec["row"], rec["col"], 8)
        seen = []
        m = srm.build_longterm_tiled(src, rec, star, tiles, executor=ex, cutoff_m=20_000.0,
                                     progress=lambda d, n: seen.append((d, n))).toarray()
    assert np.abs(m - flat).max() <= 1e-12 * np.abs(flat).max()
    assert seen == [(len(tiles), len(tiles))]


def test_map_tiles_serial_progress_and_order():
    seen = []
    out = srm.map_tiles(lambda x: x * x, [3, 1, 2], progress=lambda d, n: seen.append(d))
    assert out == [9, 1, 4] and seen == [1, 2, 3]
