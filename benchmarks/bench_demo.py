"""Demo benchmark: wall time of ``ehrisk demo`` and of each of its steps, as seconds and as a
ratio to a fixed reference computation timed in the same process, so numbers compare across
machines; optionally the forecast's model configurations on the demo's hold-out year.

Run: ``python benchmarks/bench_demo.py [--repeat 3] [--forecast-configs] [--json]``.

- ``reference_s``: a fixed single-threaded workload (numpy sorting and element-wise maths plus
  a pure-Python loop, the mix the demo's steps run on), timed before and after each demo run;
  a run's ratio divides by the mean of the two, so a machine busy with other work during the
  run shows in both.
- Each demo run is a fresh process (``python -c 'from ehrisk.cli import main; ...' demo
  --json``), so interpreter start-up and imports count, as they do for a user. ``cpu_s`` is
  that process's user + system CPU time: on a quiet machine it is close to the wall time (the
  pipeline runs on one core); on a shared one it is the better measure of the work done.
- Step seconds come from the run record (``ehrisk runs show RUN --json``); ``other_s`` is the
  rest: start-up, the demo data (generated, written, loaded into the database) and the
  overview page.
- ``--forecast-configs``: the forecast step's hold-out evaluation (lead 1 d) with the
  configuration the demo used before issue 10 (100 iterations x 0.04, 255 bins, 31 leaves) and
  with the demo's configuration now, CPU seconds and scores side by side.

Medians over ``--repeat`` runs are reported; the machine's load is recorded beside them.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

#: Forecast configurations compared by --forecast-configs (max_iter, learning_rate, max_bins).
FORECAST_CONFIGS = {
    "before (issue 10)": dict(max_iter=100, learning_rate=0.04, max_bins=255, max_leaf_nodes=31),
    "demo now": dict(max_iter=40, learning_rate=0.1, max_bins=63, max_leaf_nodes=15)}


def reference_workload() -> float:
    """Seconds of a fixed single-threaded computation (about 1 s on a 2020s laptop core)."""
    t = time.perf_counter()
    rng = np.random.default_rng(0)
    a = rng.random(1_000_000)
    for _ in range(8):
        b = np.sort(a)
        a = np.exp(-b) + np.sqrt(b)
    s = 0
    for i in range(2_000_000):
        s += i % 7
    return time.perf_counter() - t


def _load() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else []


def demo_once(out_dir: Path) -> dict:
    """One ``ehrisk demo --json`` in a fresh process: wall, CPU and per-step seconds."""
    code = ("import sys; from ehrisk.cli import main; "
            f"sys.argv = ['ehrisk', 'demo', '--out', {str(out_dir)!r}, '--json']; main()")
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "default"})
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"demo failed ({proc.returncode}): {proc.stderr[-2000:]}")
    record = json.loads(proc.stdout)
    steps = {s["step"]: float(s.get("seconds") or 0.0) for s in record["steps"]}
    return {"wall_s": wall, "cpu_s": (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime),
            "steps_s": steps, "other_s": wall - sum(steps.values()),
            "stderr_lines": len([x for x in proc.stderr.splitlines() if x.strip()])}


def bench_demo(repeat: int = 3) -> dict:
    """Time the demo ``repeat`` times with the reference before and after each run."""
    runs = []
    for i in range(repeat):
        ref_before = reference_workload()
        with tempfile.TemporaryDirectory(prefix="ehrisk-bench-demo-") as d:
            res = demo_once(Path(d) / "out")
        ref_after = reference_workload()
        ref = (ref_before + ref_after) / 2.0
        res.update(run=i + 1, reference_s=ref, load_avg=_load(), ratio=res["wall_s"] / ref,
                   cpu_ratio=res["cpu_s"] / ref)
        runs.append(res)
    med = statistics.median
    steps = sorted({k for r in runs for k in r["steps_s"]},
                   key=lambda k: -med([r["steps_s"].get(k, 0.0) for r in runs]))
    return {
        "cpus": os.cpu_count(), "python": sys.version.split()[0],
        "median": {
            "wall_s": round(med([r["wall_s"] for r in runs]), 1),
            "cpu_s": round(med([r["cpu_s"] for r in runs]), 1),
            "reference_s": round(med([r["reference_s"] for r in runs]), 3),
            "ratio": round(med([r["ratio"] for r in runs]), 1),
            "cpu_ratio": round(med([r["cpu_ratio"] for r in runs]), 1),
            "other_s": round(med([r["other_s"] for r in runs]), 1),
            "steps_s": {k: round(med([r["steps_s"].get(k, 0.0) for r in runs]), 2)
                        for k in steps},
            "steps_ratio": {k: round(med([r["steps_s"].get(k, 0.0) / r["reference_s"]
                                          for r in runs]), 2) for k in steps},
        },
        "runs": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()
                  if k != "steps_s"} | {"steps_s": {k: round(v, 2) for k, v in
                                                    r["steps_s"].items()}} for r in runs],
    }


def forecast_configs(seed: int | None = None) -> dict:
    """The forecast's hold-out evaluation on the demo (last year, lead 1 d) under each of
    :data:`FORECAST_CONFIGS`: CPU seconds (single-threaded models) and scores."""
    import pandas as pd

    from ehrisk import DEFAULT_SEED
    from ehrisk.air.forecast import evaluate_holdout, prepare_daily
    from ehrisk.demo.inventory import inventory

    seed = DEFAULT_SEED if seed is None else seed
    hourly = inventory(seed).air_hourly
    last = pd.to_datetime(hourly["time"]).max().normalize()
    train_until = (last - pd.Timedelta(days=365)).strftime("%Y-%m-%d")
    daily = prepare_daily(hourly)
    out = {}
    for name, cfg in FORECAST_CONFIGS.items():
        ref = reference_workload()
        c, t = time.process_time(), time.perf_counter()
        ev = evaluate_holdout(hourly, train_until, [1], baselines=("persistence",), seed=seed,
                              daily=daily, **cfg)
        cpu, wall = time.process_time() - c, time.perf_counter() - t
        m = ev["model"]["lead_days"][1]["station_mean"]
        p = ev["persistence"]["lead_days"][1]["station_mean"]
        out[name] = {**cfg, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
                     "cpu_ratio": round(cpu / ref, 2),
                     "rmse": round(m["rmse"], 3), "rmse_persistence": round(p["rmse"], 3),
                     "rmse_skill": round(ev["skill"][1]["rmse_skill"], 4),
                     **{k: round(m[k], 4) for k in ("single_grade_accuracy",
                                                    "two_grade_accuracy", "aqi_range_accuracy",
                                                    "primary_pollutant_accuracy",
                                                    "interval_coverage")}}
    return out


def main(argv: list[str] | None = None) -> dict:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--forecast-configs", action="store_true")
    ap.add_argument("--no-demo", action="store_true", help="Only --forecast-configs.")
    ap.add_argument("--json", action="store_true", help="Print JSON only.")
    a = ap.parse_args(argv)
    res: dict = {}
    if not a.no_demo:
        res["demo"] = bench_demo(a.repeat)
    if a.forecast_configs:
        res["forecast_configs"] = forecast_configs()
    if a.json:
        print(json.dumps(res, indent=2, ensure_ascii=False))
        return res
    if "demo" in res:
        m = res["demo"]["median"]
        print(f"demo: {m['wall_s']} s wall, {m['cpu_s']} s CPU (median of {a.repeat}); "
              f"reference {m['reference_s']} s -> ratio {m['ratio']} (CPU {m['cpu_ratio']})")
        for k, v in m["steps_s"].items():
            print(f"  {k:18s} {v:7.2f} s  ratio {m['steps_ratio'][k]:6.2f}")
        print(f"  {'other':18s} {m['other_s']:7.2f} s  (start-up, demo data, database, "
              "overview)")
        for r in res["demo"]["runs"]:
            print(f"  run {r['run']}: wall {r['wall_s']:.1f} s, cpu {r['cpu_s']:.1f} s, "
                  f"reference {r['reference_s']:.2f} s, load {r['load_avg']}")
    for name, v in res.get("forecast_configs", {}).items():
        print(f"forecast {name}: {v}")
    return res


if __name__ == "__main__":
    main()
