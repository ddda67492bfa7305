"""Mutation testing of the science modules with mutmut (not part of CI: it takes minutes per
module).

For each module it builds a throw-away copy of the repository (``src/``, ``tests/``,
``pyproject.toml``) in a work folder, so the working tree is never touched while other people
run tests; it mutates only that module (mutmut ``only_mutate``) and runs only the test files
that exercise its package (``tests_for``: files importing ``ehrisk.<package>``, plus the
overrides in ``EXTRA_TESTS``). mutmut itself then runs, for each mutant, only the tests that
executed the mutated function. Results go to ``docs/mutation.md`` (survival per module, time,
every surviving mutant with its diff and, where one is recorded in
``tools/mutation_notes.toml``, why it is equivalent or left).

Usage::

    pip install -e .[mutation]
    python tools/mutation.py grading/hj941_2018.py dispersion/sigma.py
    python tools/mutation.py --package dispersion           # every module of a package
    python tools/mutation.py --all                          # all science modules (hours)
    python tools/mutation.py --report-only                  # rebuild the report from results

Counting: a mutant is *killed* when a selected test fails with it, *survived* when all pass,
*no tests* when no selected test executes it (counted as surviving: nothing would notice it),
*timeout* (counted as killed) and *suspicious* (the worker died otherwise, e.g. SIGTERM; shown
apart, counted neither way) as mutmut reports them. Survival rate = (survived + no tests) /
(all mutants). Mutants noted as equivalent in the notes file are shown
apart; the rate is given both with and without them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE_DIR = REPO / "src" / "ehrisk"
SCIENCE_PACKAGES = ("risk", "dispersion", "air", "grading", "screening", "impact")
RESULTS_FILE = REPO / "benchmarks" / "results" / "mutation.json"
NOTES_FILE = REPO / "tools" / "mutation_notes.toml"
REPORT_FILE = REPO / "docs" / "mutation.md"

# Tests that exercise a package without importing it by name (through services or the CLI).
EXTRA_TESTS: dict[str, list[str]] = {
    "grading": ["tests/test_grading_service.py"],
}

# Modules whose package-wide selection is too slow per surviving mutant: their own unit tests.
# (grading/: tests/test_grading_service.py spends ~30 s on each mutant it covers and does not
# kill.)
TESTS_OVERRIDE: dict[str, list[str]] = {
    "grading/hj941_2018.py": ["tests/grading/test_hj941.py",
                              "tests/grading/test_hj941_upgrade.py",
                              "tests/grading/test_hj941_validation.py"],
}

# Left out of the selection: the whole-pipeline test (tens of seconds per surviving mutant for
# little added power) and tests that start process pools, which hang in mutmut's forked
# workers until killed (SIGTERM, reported as "suspicious" - neither killed nor survived).
EXCLUDE_TESTS = {"tests/test_fixture_region.py", "tests/mapping/test_tiles.py",
                 "tests/store/test_reliability.py"}

STATUS_WORDS = ("killed", "survived", "no tests", "timeout", "suspicious", "skipped",
                "not checked", "segfault", "caught by type check")


def science_modules(packages=SCIENCE_PACKAGES) -> list[str]:
    """Module paths relative to ``src/ehrisk`` (``grading/hj941_2018.py``), no ``__init__``."""
    out = []
    for pkg in packages:
        for p in sorted((PACKAGE_DIR / pkg).glob("*.py")):
            if p.name != "__init__.py" and p.read_text(encoding="utf-8").strip():
                out.append(f"{pkg}/{p.name}")
    return out


def tests_for(module: str) -> list[str]:
    """Test files (relative to the repository) that import the module's package."""
    if module in TESTS_OVERRIDE:
        return [t for t in TESTS_OVERRIDE[module] if (REPO / t).exists()]
    pkg = module.split("/")[0]
    pat = re.compile(rf"\bfrom ehrisk\.{pkg}\b|\bimport ehrisk\.{pkg}\b|"
                     rf"\bfrom ehrisk import [^\n]*\b{pkg}\b")
    found = []
    for p in sorted((REPO / "tests").rglob("test_*.py")):
        rel = str(p.relative_to(REPO))
        if rel not in EXCLUDE_TESTS and pat.search(p.read_text(encoding="utf-8")):
            found.append(rel)
    for extra in EXTRA_TESTS.get(pkg, []):
        if (REPO / extra).exists() and extra not in found:
            found.append(extra)
    return found


def _shared_dir() -> str | None:
    env = os.environ.get("EHRISK_SHARED_DIR")
    if env:
        return env
    for cand in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        if (cand / "refdata").is_dir():
            return str(cand)
    return None


def _mutmut() -> str:
    exe = Path(sys.executable).with_name("mutmut")
    if not exe.exists():
        raise SystemExit("mutmut not installed: pip install -e .[mutation]")
    return str(exe)


def prepare(module: str, workdir: Path, tests: list[str]) -> Path:
    """A fresh copy of the repository for one module, with mutmut's setup.cfg."""
    slug = module.replace("/", "__").removesuffix(".py")
    wd = workdir / slug
    if wd.exists():
        shutil.rmtree(wd)
    wd.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(REPO / "src", wd / "src", ignore=ignore)
    shutil.copytree(REPO / "tests", wd / "tests", ignore=ignore)
    shutil.copytree(REPO / "benchmarks", wd / "benchmarks", ignore=ignore)   # CLI bench tests
    shutil.copy2(REPO / "pyproject.toml", wd / "pyproject.toml")
    sel = "\n    ".join(tests)
    (wd / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths=src\n"
        f"only_mutate=src/ehrisk/{module}\n"
        f"pytest_add_cli_args_test_selection=\n    {sel}\n"
        "pytest_add_cli_args=-p no:cacheprovider\n"
        "use_git_change_detection=false\n"
        # workers forked from a server that has only collected the tests: numba's parallel
        # thread pool (dispersion kernels) is not fork-safe once started
        "process_isolation=forkserver\n"
        "also_copy=\n    benchmarks\n",
        encoding="utf-8")
    return wd


def parse_results(text: str) -> dict[str, str]:
    """``mutmut results --all true`` lines ``    name: status`` -> {name: status}."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"\s*(\S+__mutmut_\d+):\s*(.+?)\s*$", line)
        if m and m.group(2) in STATUS_WORDS:
            out[m.group(1)] = m.group(2)
    return out


def mutant_diff(wd: Path, name: str) -> str:
    r = subprocess.run([_mutmut(), "show", name], cwd=wd, capture_output=True, text=True)
    lines = [ln for ln in r.stdout.splitlines()
             if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    return "\n".join(lines)


def run_module(module: str, workdir: Path, max_children: int) -> dict:
    tests = tests_for(module)
    if not tests:
        return {"module": module, "tests": [], "error": "no test file imports its package"}
    wd = prepare(module, workdir, tests)
    env = dict(os.environ)
    shared = _shared_dir()
    if shared:
        env["EHRISK_SHARED_DIR"] = shared
    t0 = time.perf_counter()
    log = wd / "mutmut-run.log"
    with log.open("w", encoding="utf-8") as fh:
        rc = subprocess.run([_mutmut(), "run", "--max-children", str(max_children)], cwd=wd,
                            env=env, stdout=fh, stderr=subprocess.STDOUT).returncode
    elapsed = time.perf_counter() - t0
    r = subprocess.run([_mutmut(), "results", "--all", "true"], cwd=wd, capture_output=True,
                       text=True)
    status = parse_results(r.stdout)
    survivors = {n: mutant_diff(wd, n) for n, s in sorted(status.items())
                 if s in ("survived", "no tests")}
    counts: dict[str, int] = {}
    for s in status.values():
        counts[s] = counts.get(s, 0) + 1
    return {"module": module, "tests": tests, "seconds": round(elapsed, 1), "mutmut_rc": rc,
            "counts": counts, "total": len(status),
            "status": {n: s for n, s in status.items() if s in ("survived", "no tests")},
            "survivors": survivors, "when": time.strftime("%Y-%m-%d %H:%M")}


def load_results() -> dict:
    if RESULTS_FILE.exists():
        return json.loads(RESULTS_FILE.read_text(encoding="utf-8"))
    return {}


def load_notes() -> dict[str, str]:
    if not NOTES_FILE.exists():
        return {}
    data = tomllib.loads(NOTES_FILE.read_text(encoding="utf-8"))
    return {k: str(v) for k, v in data.get("equivalent", {}).items()}


def _rate(res: dict, notes: dict[str, str]) -> tuple[int, int, int]:
    surv = [n for n, s in res["status"].items() if s in ("survived", "no tests")]
    eq = [n for n in surv if notes.get(n, "").startswith("equivalent")]
    return len(surv), len(eq), res["total"]


def write_report(results: dict, path: Path = REPORT_FILE) -> None:
    notes = load_notes()
    head = path.read_text(encoding="utf-8").split("<!-- mutation-results -->")[0] \
        if path.exists() else "# Mutation testing\n\n"
    rows = ["| module | mutants | killed | survived | no tests | suspicious | survival | "
            "survival less equivalent | time [s] | run |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    tot = [0, 0, 0, 0]
    for mod in sorted(results):
        res = results[mod]
        if "status" not in res:
            rows.append(f"| {mod} | - | - | - | - | - | - | - | - | {res.get('error', '')} |")
            continue
        c = res["counts"]
        n_surv, n_eq, n = _rate(res, notes)
        tot = [tot[0] + n, tot[1] + n_surv, tot[2] + n_eq, tot[3] + res["seconds"]]
        pct = 100 * n_surv / n if n else 0.0
        pct_eq = 100 * (n_surv - n_eq) / (n - n_eq) if n - n_eq else 0.0
        rows.append(f"| {mod} | {n} | {c.get('killed', 0) + c.get('timeout', 0)} | "
                    f"{c.get('survived', 0)} | {c.get('no tests', 0)} | "
                    f"{c.get('suspicious', 0) + c.get('segfault', 0)} | {pct:.1f} % | "
                    f"{pct_eq:.1f} % | {res['seconds']:.0f} | {res['when']} |")
    if tot[0]:
        rows.append(f"| **all measured** | {tot[0]} | | | | | {100 * tot[1] / tot[0]:.1f} % | "
                    f"{100 * (tot[1] - tot[2]) / max(tot[0] - tot[2], 1):.1f} % | "
                    f"{tot[3]:.0f} | |")
    out = [head.rstrip() + "\n", "<!-- mutation-results -->",
           "## Latest results (written by `tools/mutation.py`)\n", *rows, "",
           "## Surviving mutants\n",
           "Each with its diff; *note* is the reason recorded in `tools/mutation_notes.toml` "
           "(equivalent, or why it is left), *UNEXPLAINED* where none is recorded.\n"]
    for mod in sorted(results):
        res = results[mod]
        if not res.get("survivors"):
            continue
        out.append(f"### {mod} ({len(res['survivors'])} surviving)\n")
        out.append(f"Tests run: {', '.join(f'`{t}`' for t in res['tests'])}\n")
        for name, diff in res["survivors"].items():
            short = name.split(".")[-1]
            why = notes.get(name, "UNEXPLAINED")
            out.append(f"- `{short}` ({res['status'][name]}) - {why}")
            out.append("  ```diff")
            out.extend(f"  {ln}" for ln in diff.splitlines()[:6])
            out.append("  ```")
        out.append("")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", help="e.g. grading/hj941_2018.py")
    ap.add_argument("--package", action="append", default=[], choices=SCIENCE_PACKAGES)
    ap.add_argument("--all", action="store_true", help="every science module (hours)")
    ap.add_argument("--list", action="store_true", help="print modules and their tests")
    ap.add_argument("--max-children", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    ap.add_argument("--workdir", type=Path,
                    default=Path(tempfile.gettempdir()) / "ehrisk-mutation")
    ap.add_argument("--report-only", action="store_true")
    args = ap.parse_args(argv)

    mods = list(args.modules)
    if args.package:
        mods += science_modules(tuple(args.package))
    if args.all:
        mods = science_modules()
    if args.list:
        for m in mods or science_modules():
            print(m, "<-", " ".join(tests_for(m)) or "(no tests)")
        return 0
    results = load_results()
    if not args.report_only:
        bad = [m for m in mods if not (PACKAGE_DIR / m).is_file()]
        if bad:
            raise SystemExit(f"no such module under src/ehrisk: {bad}")
        for m in mods:
            print(f"mutating {m} ...", flush=True)
            res = run_module(m, args.workdir, args.max_children)
            results[m] = res
            c = res.get("counts", {})
            n_surv = c.get("survived", 0) + c.get("no tests", 0)
            print(f"  {res.get('total', 0)} mutants, {n_surv} surviving, "
                  f"{res.get('seconds', 0):.0f} s", flush=True)
            # re-read before writing: another run may have added modules meanwhile
            results = {**load_results(), m: res}
            RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
            RESULTS_FILE.write_text(json.dumps(results, indent=1, ensure_ascii=False),
                                    encoding="utf-8")
    write_report(load_results() or results)
    print(f"report: {REPORT_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
