"""``ehrisk bench``: benchmarks (rates against a plain reference measured in the same run)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import typer

from ehrisk.commands._common import print_json, print_table
from ehrisk.errors import EhriskError


def _bench_module():
    path = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_dispersion.py"
    if not path.is_file():
        raise EhriskError(f"benchmark script not found: {path} (run from a source checkout)")
    spec = importlib.util.spec_from_file_location("bench_dispersion", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def register(app: typer.Typer) -> None:
    bench = typer.Typer(help="Benchmarks / 性能测试", no_args_is_help=True)

    @bench.command("dispersion")
    def dispersion(
        sources: int = typer.Option(200, "--sources", min=1, help="Number of sources"),
        receptors: int = typer.Option(250_000, "--receptors", min=1, help="Number of receptors"),
        repeat: int = typer.Option(1, "--repeat", min=1,
                                   help="Time the kernel this many times, report the median"),
        city: bool = typer.Option(False, "--city", help="Also time the 500-source city study"),
        hours: int = typer.Option(8760, "--hours", min=1,
                                  help="Hours of the hour-by-hour city run (with --city)"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON only"),
    ) -> None:
        """Numba Gaussian-plume kernel vs plain numpy (same formula, same run)."""
        mod = _bench_module()
        res = mod.kernel_vs_numpy(sources, receptors, repeat=repeat)
        if city:
            res["city"] = mod.city(hours=hours)
        if as_json:
            print_json(res)
            return
        flat = {k: v for k, v in res.items() if k not in ("city", "machine")}
        print_table([{"metric": k, "value": v} for k, v in flat.items()],
                    title="dispersion kernel / 扩散计算核")
        if city:
            print_table([{"mode": k, **v} for k, v in res["city"].items() if k != "machine"],
                        title="city study / 城市算例")
        print_table([{k: str(v) for k, v in res["machine"].items()}], title="machine")

    app.add_typer(bench, name="bench")
