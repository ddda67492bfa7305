"""Service: read an inventory, screen it and write the priority control pollutant list
(优先控制污染物清单) as CSV/XLSX/JSON with its stability report. Used by ``ehrisk screen`` and by
the study runner."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ehrisk.errors import EhriskError, InputError, Problem
from ehrisk.io import jsonsafe
from ehrisk.io.tables import read_raw
from ehrisk.screening.catalog import SubstanceCatalog, build_catalog
from ehrisk.screening.config import ScreeningWeights, default_weights
from ehrisk.screening.inventory import (
    EMISSIONS_SCHEMA,
    ENTERPRISES_SCHEMA,
    attach_coordinates,
    prepare_emissions,
    prepare_population,
)
from ehrisk.screening.outputs import chinese_table, result_json, views_table
from ehrisk.screening.ranking import build_components, screen
from ehrisk.screening.stability import stability_report, stability_table

OUT_STEM = "priority_list"


def load_catalog(dataset: str) -> SubstanceCatalog:
    """The substance catalog from the packaged reference data (tests may replace this)."""
    try:
        return build_catalog(dataset)
    except KeyError as exc:
        raise EhriskError(str(exc.args[0])) from None


def load_weights_file(path: Path, base: ScreeningWeights) -> ScreeningWeights:
    """Apply a TOML weights file to ``base``.

    Keys may sit at the top level or inside any table (``[weights]``, ``[tiers]``, ...); each
    must be a parameter of ``screening_weights.csv`` (or a new ``medium_factor_<medium>`` /
    ``min_tier_<list_id>``). Every problem of the file is reported at once.
    """
    fname = str(path)
    if not path.exists():
        raise InputError.single(fname, "file not found")
    try:
        doc = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError.single(fname, f"not a valid TOML file: {exc}") from None
    flat: dict[str, object] = {}
    problems: list[Problem] = []

    def walk(d: dict, prefix: str) -> None:
        for k, v in d.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}{k}.")
            elif k in flat:
                problems.append(Problem(fname, f"weight {k!r} given twice", column=prefix + k))
            else:
                flat[k] = v
    walk(doc, "")
    good: dict[str, float] = {}
    for k, v in flat.items():
        try:
            base.with_overrides({k: v})
        except (KeyError, ValueError) as exc:
            problems.append(Problem(fname, str(exc.args[0]), column=k))
            continue
        good[k] = v
    if problems:
        raise InputError(problems)
    try:
        return base.with_overrides(good, origin=f"user override ({path.name})")
    except (KeyError, ValueError) as exc:  # combination problems (e.g. tier shares order)
        raise InputError.single(fname, str(exc.args[0])) from None


def write_outputs(out: Path, result, stab: dict, doc: dict) -> list[str]:
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    csv_path = out / f"{OUT_STEM}.csv"
    result.table.to_csv(csv_path, index=False, encoding="utf-8-sig")
    paths.append(csv_path)
    stab_path = out / "stability.csv"
    stability_table(stab).to_csv(stab_path, index=False, encoding="utf-8-sig")
    paths.append(stab_path)
    xlsx_path = out / f"{OUT_STEM}.xlsx"
    weights = pd.DataFrame([{"parameter": k, "value": v["value"], "source": v["source"]}
                            for k, v in result.weights.as_dict().items()])
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as xw:
        chinese_table(result).to_excel(xw, sheet_name="优先控制污染物清单", index=False)
        views_table(result).to_excel(xw, sheet_name="分介质分终点排名", index=False)
        result.table.to_excel(xw, sheet_name="substances", index=False)
        stability_table(stab).to_excel(xw, sheet_name="stability", index=False)
        weights.to_excel(xw, sheet_name="weights", index=False)
    paths.append(xlsx_path)
    json_path = out / f"{OUT_STEM}.json"
    json_path.write_text(jsonsafe.dumps(doc, indent=2), encoding="utf-8")
    paths.append(json_path)
    return [str(p) for p in paths]


def run_screen(emissions: Path, population: Path | None = None, weights: Path | None = None,
               top_n: int | None = None, dataset: str = "epa-rsl", *,
               enterprises: Path | None = None, year: int | None = None):
    """Read, check and screen; returns ``(result, stability, json document)``.

    ``enterprises`` is a file giving the enterprises' coordinates (e.g. the ``ehrisk template
    enterprises`` workbook) for an emissions file without lon/lat; ``year`` selects the
    inventory year of a file with a year column.
    """
    w = default_weights()
    if weights is not None:
        w = load_weights_file(weights, w)
    if top_n is not None:
        if top_n < 1:
            raise InputError.single("--top-n", f"must be >= 1, got {top_n}")
        w = w.with_overrides({"stability_top_n": float(top_n)}, origin="--top-n")
    catalog = load_catalog(dataset)
    em = prepare_emissions(read_raw(emissions, schema=EMISSIONS_SCHEMA,
                                    prefer=("排放量", "emissions")),
                           str(emissions), catalog, year=year)
    if enterprises is not None:
        em = attach_coordinates(em, read_raw(enterprises, schema=ENTERPRISES_SCHEMA,
                                             prefer=("企业", "enterprises")), str(enterprises))
    pop = None
    method = None
    if population is not None:
        pop, method = prepare_population(read_raw(population), str(population), em, w,
                                         emissions_fname=str(emissions))
    result = screen(em, catalog, w, pop, method)
    comp = build_components(em, catalog, w, pop)
    stab = stability_report(comp, w)
    inputs = {"emissions": str(emissions), "population": str(population) if population else None,
              "enterprises": str(enterprises) if enterprises else None, "year": year,
              "weights_file": str(weights) if weights else None, "toxicity_dataset": dataset,
              "n_rows": int(len(em)), "n_enterprises": int(em["enterprise"].nunique()),
              "n_substances": int(em["cas"].nunique())}
    return result, stab, result_json(result, stab, inputs)
