"""Dispersion benchmark: numba kernel vs the plain-numpy reference of the same formula, measured
in the same run, and the city study timings (500 sources over 100 x 100 km: long-term at
250 m, hour by hour for a year at 1 km).

Run: ``python benchmarks/bench_dispersion.py [--sources 200 --receptors 250000 --repeat 3
--city]`` or ``ehrisk bench dispersion``. Prints JSON.

Rates are source-receptor pairs of the problem (n_sources x n_receptors) per second of wall
time. ``pairs_per_s`` is the public call :func:`ehrisk.dispersion.kernel.field` (receptor
sorting included) with its whole-block skipping of exact zeros (beyond the cut-off, upwind,
underflowing crosswind factor); ``no_cull_pairs_per_s`` evaluates every pair, as the numpy
reference does; ``no_cull_z1p5_pairs_per_s`` the same with receptors at 1.5 m (no z = 0
symmetry: twice the exponentials). Agreement: relative difference on every receptor where the numpy reference is
above 1e-200 ug/m3 (below that, the largest absolute kernel value is reported).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time

import numpy as np
import pandas as pd

NEGLIGIBLE_UG_M3 = 1e-200  # reference values at or below this are compared in absolute terms


def _sources(n: int, half_m: float, seed: int):
    rng = np.random.default_rng(seed)
    return dict(x=rng.uniform(-half_m / 2, half_m / 2, n), y=rng.uniform(-half_m / 2, half_m / 2, n),
                h=rng.uniform(20.0, 150.0, n), u=rng.uniform(3.0, 7.0, n),
                q=rng.uniform(0.1, 100.0, n))


def _busy_cores(seconds: float = 1.0) -> float | None:
    """Cores kept busy by other work while this process sleeps (from /proc/stat; Linux only).
    Other processes may be invisible to ``ps`` in a container but still show here."""
    def ticks():
        with open("/proc/stat") as fh:
            v = [int(t) for t in fh.readline().split()[1:]]
        return sum(v) - v[3] - v[4], sum(v)  # busy (all but idle, iowait), total

    try:
        b0, t0 = ticks()
        time.sleep(seconds)
        b1, t1 = ticks()
    except OSError:
        return None
    return round((b1 - b0) / max(t1 - t0, 1) * (os.cpu_count() or 1), 2)


def machine() -> dict:
    """Cores, load average, cores busy with other work, and numba threads."""
    import numba

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {"cpus": os.cpu_count(), "numba_threads": numba.get_num_threads(),
            "load_avg_1_5_15": [round(v, 2) for v in load],
            "other_busy_cores": _busy_cores(), "cpu": platform.processor() or
            platform.machine(), "numba": numba.__version__, "numpy": np.__version__}


def _timed(fn, repeat: int):
    times, out = [], None
    for _ in range(max(repeat, 1)):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def kernel_vs_numpy(n_sources: int = 200, n_receptors: int = 250_000, seed: int = 1,
                    numpy_sources: int | None = 20, repeat: int = 1) -> dict:
    """Time one met condition (D, wind from SW, mixing height 1000 m, rural Briggs sigmas,
    ground-level receptors on a square grid 100 km wide, sources in the central 40 km,
    cut-off 50 km). The numpy reference runs on the first ``numpy_sources`` sources (its rate is
    per pair; None = all) and the kernel's result on those sources is compared with it.
    Kernel times are the median of ``repeat`` runs."""
    import numba

    from ehrisk.dispersion import gaussian, kernel

    info = machine()  # before the run: load from other work
    side = int(round(np.sqrt(n_receptors)))
    g = np.linspace(-50_000.0, 50_000.0, side)
    rx, ry = (a.ravel() for a in np.meshgrid(g, g))
    rz = np.zeros(rx.size)
    s = _sources(n_sources, 40_000.0, seed)
    z = np.zeros(n_sources)
    common = (225.0, "D", "rural", 1000.0, 50_000.0)
    src = (s["x"], s["y"], s["h"], s["u"], s["q"], z, z)
    layout = kernel.prepare_receptors(rx, ry, rz)
    lay_z = kernel.prepare_receptors(rx, ry, 1.5)  # breathing height: general vertical path
    for lay, cull in ((layout, True), (layout, False), (lay_z, False)):  # compile / load cache
        kernel.field_prepared(lay, *src, *common, cull=cull)
    tk, full = _timed(lambda: kernel.field(*src, rx, ry, rz, *common), repeat)
    tr, raw = _timed(lambda: kernel.field_prepared(layout, *src, *common, cull=False), repeat)
    tz, _ = _timed(lambda: kernel.field_prepared(lay_z, *src, *common, cull=False), repeat)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        t1, _ = _timed(lambda: kernel.field_prepared(layout, *src, *common, cull=False), repeat)
    finally:
        numba.set_num_threads(threads)
    m = n_sources if numpy_sources is None else min(numpy_sources, n_sources)
    sub = tuple(a[:m] for a in src)
    t = time.perf_counter()
    ref = gaussian.field_numpy(*sub, rx, ry, rz, *common)
    tn = time.perf_counter() - t
    fast = kernel.field(*sub, rx, ry, rz, *common)
    big = ref > NEGLIGIBLE_UG_M3
    rel = float(np.max(np.abs(fast[big] - ref[big]) / ref[big])) if big.any() else 0.0
    pairs = n_sources * rx.size
    nrate = m * rx.size / tn
    return {"pairs": int(pairs), "seconds": tk, "pairs_per_s": pairs / tk,
            "no_cull_seconds": tr, "no_cull_pairs_per_s": pairs / tr,
            "no_cull_1thread_pairs_per_s": pairs / t1,
            "no_cull_z1p5_seconds": tz, "no_cull_z1p5_pairs_per_s": pairs / tz,
            "numpy_pairs": int(m * rx.size), "numpy_seconds": tn, "numpy_pairs_per_s": nrate,
            "ratio": (pairs / tk) / nrate, "ratio_no_cull": (pairs / tr) / nrate,
            "max_rel_diff": rel, "compared_receptors": int(big.sum()),
            "max_abs_where_ref_negligible_ug_m3": float(np.max(np.abs(fast[~big]), initial=0.0)),
            "max_rel_diff_cull_vs_no_cull": float(np.max(
                np.abs(full - raw)[full > NEGLIGIBLE_UG_M3] / full[full > NEGLIGIBLE_UG_M3],
                initial=0.0)),
            "repeat": repeat, "machine": info}


def _check_hours(src, rec, md, stab, n_hours: int) -> dict:
    """Kernel vs the plain numpy field on the first ``n_hours`` non-calm hours of the city run
    (same plume rise, same receptors): max relative difference where the reference is above
    NEGLIGIBLE_UG_M3."""
    from ehrisk.dispersion import gaussian, hourly, kernel, met

    ws = md["wind_speed_m_s"].to_numpy(float)
    calm = met.calm_flags(ws)
    h, us = hourly.effective_heights(src, met.model_wind_speed(ws), stab,
                                     md["temp_k"].to_numpy(float), "rural")
    cols = [src[c].to_numpy(float) for c in ("x_m", "y_m")]
    q, s0y, s0z = (src[c].to_numpy(float) for c in ("emission_g_s", "sigma_y0_m", "sigma_z0_m"))
    r = [rec[c].to_numpy(float) for c in ("x_m", "y_m")] + [np.zeros(len(rec))]
    worst, n = 0.0, 0
    for t in np.flatnonzero(~calm)[:n_hours]:
        met_t = (float(md["wind_dir_deg"].iloc[t]), stab[t], "rural",
                 float(md["mixing_height_m"].iloc[t]), 50_000.0)
        ref = gaussian.field_numpy(*cols, h[t], us[t], q, s0y, s0z, *r, *met_t)
        got = kernel.field(*cols, h[t], us[t], q, s0y, s0z, *r, *met_t)
        big = ref > NEGLIGIBLE_UG_M3
        worst = max(worst, float(np.max(np.abs(got[big] - ref[big]) / ref[big], initial=0.0)))
        n += int(big.sum())
    return {"hours": int(min(n_hours, (~calm).sum())), "compared_values": n,
            "max_rel_diff": worst}


def city(n_sources: int = 500, lt_res_m: float = 250.0, hr_res_m: float = 1000.0,
         hours: int = 8760, seed: int = 2) -> dict:
    """The city study: long-term (ISCLT, STAR from a synthetic year) at ``lt_res_m`` and hour
    by hour at ``hr_res_m`` over 100 x 100 km with ``n_sources`` stacks (synthetic met: uniform
    directions, gamma speeds, Turner classes at 30 N, mixing height 300-1500 m)."""
    from ehrisk.dispersion import grid, hourly, longterm, met, sources

    info = machine()
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
    longterm.run_longterm(src, rec.iloc[:100], star)  # compile / load cache
    t0 = time.perf_counter()
    longterm.run_longterm(src, rec, star)
    out["longterm"] = {"sources": n_sources, "receptors": len(rec), "resolution_m": lt_res_m,
                       "seconds": time.perf_counter() - t0}
    rec = grid.regular_grid(0, 0, 100e3, 100e3, hr_res_m)
    hourly.run_hourly(src, rec.iloc[:300], md.iloc[:2], stab[:2])  # compile / load cache
    t0 = time.perf_counter()
    r = hourly.run_hourly(src, rec, md, stab)
    sec = time.perf_counter() - t0
    n_ok = hours - r["calm_hours"]
    out["hourly"] = {"sources": n_sources, "receptors": len(rec), "hours": hours,
                     "calm_hours": r["calm_hours"], "resolution_m": hr_res_m, "seconds": sec,
                     "pairs_per_s": n_sources * len(rec) * n_ok / sec,
                     "mean_of_means_ug_m3": float(np.mean(r["mean_ug_m3"])),
                     "check_vs_numpy": _check_hours(src, rec, md, stab, 3)}
    out["machine"] = info
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=200)
    ap.add_argument("--receptors", type=int, default=250_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--city", action="store_true")
    ap.add_argument("--hours", type=int, default=8760)
    a = ap.parse_args()
    res = kernel_vs_numpy(a.sources, a.receptors, repeat=a.repeat)
    if a.city:
        res["city"] = city(hours=a.hours)
    print(json.dumps(res, indent=2))
