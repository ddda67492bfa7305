"""Dispersion benchmark: numba kernel vs the plain-numpy reference of the same formula, measured
in the same run, and the city study timings (500 sources over 100 x 100 km: long-term at
250 m, hour by hour for a year at 1 km).

Run: ``python benchmarks/bench_dispersion.py [--sources 200 --receptors 250000 --city]``
or ``ehrisk bench dispersion``. Prints JSON.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd


def _sources(n: int, half_m: float, seed: int):
    rng = np.random.default_rng(seed)
    return dict(x=rng.uniform(-half_m / 2, half_m / 2, n), y=rng.uniform(-half_m / 2, half_m / 2, n),
                h=rng.uniform(20.0, 150.0, n), u=rng.uniform(3.0, 7.0, n),
                q=rng.uniform(0.1, 100.0, n))


def kernel_vs_numpy(n_sources: int = 200, n_receptors: int = 250_000, seed: int = 1,
                    numpy_sources: int | None = 20) -> dict:
    """Time one met condition (D, 5 m/s class speeds, wind from SW, mixing height 1000 m,
    rural Briggs sigmas) over a square receptor grid 100 km wide. The numpy reference runs on
    the first ``numpy_sources`` sources (its rate is per pair; None = all) and the kernel's
    result on those sources is compared with it."""
    from ehrisk.dispersion import gaussian, kernel

    side = int(round(np.sqrt(n_receptors)))
    g = np.linspace(-50_000.0, 50_000.0, side)
    rx, ry = (a.ravel() for a in np.meshgrid(g, g))
    rz = np.zeros(rx.size)
    s = _sources(n_sources, 40_000.0, seed)
    z = np.zeros(n_sources)
    common = (225.0, "D", "rural", 1000.0, 50_000.0)
    kernel.field(s["x"][:2], s["y"][:2], s["h"][:2], s["u"][:2], s["q"][:2], z[:2], z[:2],
                 rx[:1000], ry[:1000], rz[:1000], *common)  # compile / load cache
    t = time.perf_counter()
    kernel.field(s["x"], s["y"], s["h"], s["u"], s["q"], z, z, rx, ry, rz, *common)
    tk = time.perf_counter() - t
    m = n_sources if numpy_sources is None else min(numpy_sources, n_sources)
    sl = slice(0, m)
    t = time.perf_counter()
    ref = gaussian.field_numpy(s["x"][sl], s["y"][sl], s["h"][sl], s["u"][sl], s["q"][sl],
                               z[sl], z[sl], rx, ry, rz, *common)
    tn = time.perf_counter() - t
    fast = kernel.field(s["x"][sl], s["y"][sl], s["h"][sl], s["u"][sl], s["q"][sl], z[sl], z[sl],
                        rx, ry, rz, *common)
    big = ref > 1e-200
    rel = float(np.max(np.abs(fast[big] - ref[big]) / ref[big])) if big.any() else 0.0
    pairs = n_sources * rx.size
    return {"pairs": int(pairs), "seconds": tk, "pairs_per_s": pairs / tk,
            "numpy_pairs": int(m * rx.size), "numpy_seconds": tn,
            "numpy_pairs_per_s": m * rx.size / tn, "ratio": (pairs / tk) / (m * rx.size / tn),
            "max_rel_diff": rel}


def city(n_sources: int = 500, lt_res_m: float = 250.0, hr_res_m: float = 1000.0,
         hours: int = 8760, seed: int = 2) -> dict:
    """The city study: long-term (ISCLT, STAR from a synthetic year) at ``lt_res_m`` and hour
    by hour at ``hr_res_m`` over 100 x 100 km with ``n_sources`` stacks."""
    from ehrisk.dispersion import grid, hourly, longterm, met, sources

    rng = np.random.default_rng(seed)
    src = sources.stacks(pd.DataFrame(dict(
        stack_id=[f"S{i}" for i in range(n_sources)], x_m=rng.uniform(20e3, 80e3, n_sources),
        y_m=rng.uniform(20e3, 80e3, n_sources), height_m=rng.uniform(15, 120, n_sources),
        diameter_m=rng.uniform(0.5, 4, n_sources), exit_velocity_m_s=rng.uniform(5, 20, n_sources),
        exit_temp_k=rng.uniform(300, 450, n_sources), emission_g_s=rng.uniform(0.1, 50, n_sources))))
    t = pd.date_range("2023-01-01", periods=hours, freq="h", tz="Asia/Shanghai")
    md = pd.DataFrame(dict(time=t, wind_dir_deg=rng.uniform(0, 360, hours),
                           wind_speed_m_s=rng.gamma(3.0, 1.2, hours), temp_k=288.15,
                           cloud_cover_tenths=rng.integers(0, 11, hours).astype(float),
                           ceiling_height_m=np.nan, mixing_height_m=rng.uniform(300, 1500, hours)))
    stab = met.turner_stability(md, 30.0, 121.5)
    out = {}
    rec = grid.regular_grid(0, 0, 100e3, 100e3, lt_res_m)
    star = met.star_table(md, stab)
    t0 = time.perf_counter()
    longterm.run_longterm(src, rec.iloc[:100], star)  # compile / load cache
    t0 = time.perf_counter()
    longterm.run_longterm(src, rec, star)
    out["longterm"] = {"sources": n_sources, "receptors": len(rec), "resolution_m": lt_res_m,
                       "seconds": time.perf_counter() - t0}
    rec = grid.regular_grid(0, 0, 100e3, 100e3, hr_res_m)
    t0 = time.perf_counter()
    r = hourly.run_hourly(src, rec, md, stab)
    out["hourly"] = {"sources": n_sources, "receptors": len(rec), "hours": hours,
                     "calm_hours": r["calm_hours"], "resolution_m": hr_res_m,
                     "seconds": time.perf_counter() - t0}
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=200)
    ap.add_argument("--receptors", type=int, default=250_000)
    ap.add_argument("--city", action="store_true")
    a = ap.parse_args()
    res = kernel_vs_numpy(a.sources, a.receptors)
    if a.city:
        res["city"] = city()
    print(json.dumps(res, indent=2))
