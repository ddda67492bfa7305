"""Service: priority-pollutant screening (优先控制污染物筛选) of the inventory's emissions.

The inventory year's emissions (enterprise, substance, medium, t/yr) and the population near
each enterprise go through :func:`ehrisk.screening.ranking.screen`; the list is the run's one
priority list: grading uses its priority tier (product ``priority_cas``), nothing screens again.

The population near each enterprise comes from ``population_table`` (a file giving
``enterprise, population_5km`` per enterprise) when the settings name one, else from the
inventory's population grid (the screening's own kernel, weights ``exposure_radius_km`` etc.;
every enterprise then needs lon/lat, or the step stops with an input error naming them), else
the screening runs without population (exposure = medium factor) and says so.

``ehrisk screen`` and the study call this service; ``ehrisk screen`` builds its inventory from
its files with :func:`ehrisk.inventory.files.add_files`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import Field

from ehrisk.inventory import Inventory
from ehrisk.services import NotRun, Products, Section, StepContext, StepResult, service, writer


class ScreeningSettings(Section):
    enabled: bool = Field(True, description="Run priority-pollutant screening "
                                            "(优先控制污染物筛选).")
    top_n: int = Field(10, ge=1, description="Size of the top of the ranking for the stability "
                                             "report.")
    dataset: str = Field("epa-rsl", description="Toxicity dataset of the screening "
                                                "(epa-rsl).")
    weights: str | None = Field(None, description="TOML file overriding screening weights "
                                                  "(screening_weights.csv parameters).")
    population_table: str | None = Field(
        None, description="CSV/XLSX giving the population near each enterprise (enterprise, "
                          "population_5km); used instead of the inventory's population grid.")


def emissions_frame(inv: Inventory) -> pd.DataFrame:
    """The inventory year's emissions as the screening reads them (all-string table with
    ``enterprise, substance, medium, amount, unit, lon, lat``)."""
    em = inv.emissions_of_year()
    ent = inv.enterprises.set_index("credit_code") if inv.has("enterprises") else None
    out = pd.DataFrame({"enterprise": em["credit_code"].astype(str),
                        "substance": em["cas"].astype(str),
                        "medium": em["medium"].astype(str),
                        "amount": np.asarray(em["amount_t_yr"], dtype=float).astype(str),
                        "unit": "t/yr"})
    if ent is not None:
        out["lon"] = em["credit_code"].map(ent["lon"]).astype(str).replace("nan", "")
        out["lat"] = em["credit_code"].map(ent["lat"]).astype(str).replace("nan", "")
    out = out.groupby(["enterprise", "substance", "medium", "unit"] + (
        ["lon", "lat"] if ent is not None else []), as_index=False, sort=False)["amount"].agg(
        lambda s: repr(float(np.sum(s.astype(float)))))
    return out[out["amount"].astype(float) > 0].reset_index(drop=True)


PRIORITY_RULE = (
    "priority tier = union of the top shares within each medium x endpoint view (cumulative "
    "share < view_cum_share, at least view_min_n and at most view_max_n per view, views "
    "carrying at least view_min_share_of_total of the total score) and the overall cumulative "
    "share rule, at most priority_max_n substances; per-medium/per-endpoint ranking as in US "
    "EPA RSEI (cancer and non-cancer results by medium) and EU COMMPS (a ranking list per "
    "compartment); docs/screening.md#priority-list-rule")


def priority_summary(result) -> dict:
    """The priority tier per view for the step summary: ``{"air/cancer": ["六价铬 (18540-29-9)",
    ...], ...}`` (views that picked something), and the whole tier in rank order."""
    t = result.table
    label = {r.cas: f"{r.name_zh or r.name_en or r.cas} ({r.cas})" for r in t.itertuples()}
    out: dict[str, list[str]] = {}
    v = result.views
    if v is not None and len(v):
        for (m, k), g in v[v["selected"]].groupby(["medium", "endpoint"], sort=False):
            out[f"{m}/{k}"] = [label.get(c, c) for c in g.sort_values("rank")["cas"]]
    out["all"] = [label[c] for c in t.loc[t["tier"] == 1, "cas"]]
    return out


def check_emission_file(path: Path, year: int | None = None,
                        enterprises: Path | None = None, accept_outliers: bool = False
                        ) -> list[str]:
    """Plausibility of an emissions file before it is screened
    (:func:`ehrisk.inventory.plausibility.check_emissions`, peers within the file): amounts
    orders of magnitude above those of comparable enterprises (likely unit slips) are an
    :class:`~ehrisk.errors.InputError` naming file, row and column with the value in t and
    kg, unless ``accept_outliers``; then the same words come back as warnings.

    The GB/T 4754 class of each enterprise is read from ``enterprises`` when that file has an
    industry code column (行业代码); without it the peers are every enterprise of the file.
    """
    from ehrisk.errors import InputError, Problem
    from ehrisk.inventory.plausibility import check_emissions
    from ehrisk.io.tables import read_raw
    from ehrisk.reports.priority_list import load_catalog
    from ehrisk.screening.inventory import EMISSIONS_SCHEMA, prepare_emissions

    catalog = load_catalog("epa-rsl")
    raw = read_raw(Path(path), schema=EMISSIONS_SCHEMA, prefer=("排放量", "emissions"))
    em = prepare_emissions(raw, str(path), catalog, year=year)
    industry: dict[str, str] = {}
    if enterprises is not None:
        ent = read_raw(Path(enterprises))
        cols = {str(c).strip(): c for c in ent.columns}
        code_col = next((cols[c] for c in ("统一社会信用代码", "credit_code", "enterprise",
                                           "企业编号") if c in cols), None)
        ind_col = next((cols[c] for c in ("行业代码", "行业类别代码", "industry_code")
                        if c in cols), None)
        if code_col is not None and ind_col is not None:
            industry = {str(a).strip().upper(): str(b).strip()
                        for a, b in zip(ent[code_col], ent[ind_col], strict=True)}
    cand = pd.DataFrame({"credit_code": em["enterprise"].astype(str).str.upper(),
                         "cas": em["cas"], "medium": em["medium"],
                         "amount_t_yr": em["emission_t_yr"].astype(float),
                         "basis": em["basis"] if "basis" in em.columns else "",
                         "row": em["row"]})
    outliers = check_emissions(cand, industry=industry)
    names = catalog.info["name_zh"] if "name_zh" in catalog.info.columns else {}
    words = [o.reason(str(names.get(o.cas, "") or "")) for o in outliers]
    if outliers and not accept_outliers:
        raise InputError([Problem(str(path), w, o.row, "amount")
                          for o, w in zip(outliers, words, strict=True)])
    return [f"accepted implausible amount (--accept-outliers), row {o.row}: {w}"
            for o, w in zip(outliers, words, strict=True)]


@service("screening", ScreeningSettings, needs=("emissions",),
         provides=("priority_list", "priority_cas", "emitted_cas"), title_zh="优先控制污染物筛选")
def run_screening(inv: Inventory, s: ScreeningSettings, products: Products,
                  ctx: StepContext) -> StepResult:
    """Screen the inventory year's emissions; see the module docstring."""
    from ehrisk.errors import InputError, Problem
    from ehrisk.io.tables import read_raw
    from ehrisk.reports.priority_list import load_catalog, load_weights_file
    from ehrisk.screening.config import default_weights
    from ehrisk.screening.exposure import population_near_sources
    from ehrisk.screening.inventory import prepare_emissions, prepare_population
    from ehrisk.screening.outputs import result_json
    from ehrisk.screening.ranking import build_components, screen
    from ehrisk.screening.stability import stability_report, stability_table

    if not s.enabled:
        raise NotRun("disabled in the settings")
    w = default_weights()
    if s.weights:
        w = load_weights_file(Path(s.weights), w)
    w = w.with_overrides({"stability_top_n": float(s.top_n)}, origin="settings top_n")
    catalog = load_catalog(s.dataset)
    raw = emissions_frame(inv)
    if raw.empty:
        raise NotRun(f"no emissions above zero in the inventory year {inv.year}")
    em_source = str(inv.meta.get("tables_from_files", {}).get("emissions")
                    or f"inventory emissions ({inv.source}, {inv.year})")
    em = prepare_emissions(raw, em_source, catalog)
    pop = method = None
    if s.population_table:
        pop, method = prepare_population(read_raw(Path(s.population_table)),
                                         str(s.population_table), em, w,
                                         emissions_fname=em_source)
    elif inv.has("population_grid"):
        enterprises = list(dict.fromkeys(em["enterprise"]))
        coords = em.groupby("enterprise", sort=False)[["lon", "lat"]].first().reindex(
            enterprises)
        bad = coords.index[coords["lon"].isna() | coords["lat"].isna()].tolist()
        if bad:
            grid_src = inv.meta.get("tables_from_files", {}).get("population_grid",
                                                                 "the population grid")
            raise InputError([Problem(em_source, f"enterprise {e!r} has no lon/lat; a "
                                      f"population grid ({grid_src}) needs coordinates for "
                                      "every enterprise (lon/lat in the emissions file, or an "
                                      "enterprises file with --enterprises)", None, "lon")
                              for e in bad])
        g = inv.population_grid
        radius = w["exposure_radius_km"]
        linear = w["population_kernel_linear"] == 1.0
        p = population_near_sources(coords["lon"], coords["lat"], g["lon"], g["lat"],
                                    g["pop_persons"], radius, w["earth_radius_km"], linear)
        pop = pd.Series(p, index=pd.Index(enterprises, name="enterprise"))
        method = (f"population grid within {radius:g} km, "
                  f"{'linear 1-d/R' if linear else 'uniform'} kernel ({len(g)} cells)")
    result = screen(em, catalog, w, pop, method)
    stab = stability_report(build_components(em, catalog, w, pop), w)
    table = result.table
    tiers = {str(k): int(len(v)) for k, v in result.tiers().items()}
    top = table.iloc[0]
    files = dict(inv.meta.get("tables_from_files", {}))
    doc = result_json(result, stab, {
        "inventory": inv.label, "source": inv.source, "year": inv.year,
        "emissions": files.get("emissions"), "enterprises": files.get("enterprises"),
        "population": s.population_table or files.get("population_grid"),
        "weights_file": s.weights, "toxicity_dataset": s.dataset,
        "n_rows": int(len(em)), "n_enterprises": int(em["enterprise"].nunique()),
        "n_substances": int(em["cas"].nunique())})
    emitted = sorted(c for c in em["cas"].unique() if not str(c).startswith("X-"))
    return StepResult(
        summary={"substances_ranked": int(len(table)), "tiers": tiers,
                 "top_substance": f"{top.get('name_zh', '')} ({top.get('cas', '')})",
                 "priority": priority_summary(result),
                 "priority_rule": PRIORITY_RULE,
                 "population": method or "none (no population grid)"},
        tables={"screening/priority_list": table,
                "screening/priority_by_medium": result.views,
                "screening/stability": stability_table(stab)},
        products={"priority_list": table,
                  "priority_cas": frozenset(result.tiers()["priority"]),
                  "emitted_cas": emitted},
        payload=(result, stab, doc))


@writer("screening")
def write_screening(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    from ehrisk.reports.priority_list import write_outputs

    result, stab, doc = res.payload
    paths = write_outputs(Path(out_dir) / "screening", result, stab, doc)
    return {Path(p).name: Path(p) for p in paths}
