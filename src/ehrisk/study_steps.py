"""The steps of a study run (service layer): each reads settings and inputs, calls the science
modules and writes its outputs. Registered with :func:`ehrisk.study.step` in run order."""

from __future__ import annotations

import math

import pandas as pd

from ehrisk.study import RunContext, step


def _write_csv(df: pd.DataFrame, path) -> str:
    """CSV in UTF-8 with BOM so that Excel opens Chinese text correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8-sig")
    return str(path)


@step("demo_region")
def demo_region_step(ctx: RunContext) -> dict | None:
    """Generate the synthetic demo region, write it, and derive the study inputs from it:
    the latest year's emissions inventory, annual-mean VOC concentrations at the
    characteristic-pollutant stations, and the station air-quality series."""
    if ctx.settings.study.region != "demo":
        return None
    from ehrisk import demo

    region = demo.generate(seed=ctx.settings.study.seed)
    paths = demo.write(region, ctx.out_dir / "region")
    ctx.data["region"] = region
    inputs = ctx.out_dir / "inputs"
    year = int(region.emissions["year"].max())
    em = region.emissions[region.emissions["year"] == year]
    inv = (em.groupby(["credit_code", "cas", "medium"], as_index=False)["amount_t_yr"].sum()
           .rename(columns={"credit_code": "enterprise", "cas": "substance",
                            "amount_t_yr": "amount"}))
    inv["unit"] = "t/yr"
    inv = inv[inv["amount"] > 0]
    ent = region.enterprises.set_index("credit_code")
    inv["lon"] = inv["enterprise"].map(ent["lon"])
    inv["lat"] = inv["enterprise"].map(ent["lat"])
    ctx.data["emissions_path"] = _write_csv(inv, inputs / f"emissions_{year}.csv")
    ctx.data["emitted_cas"] = sorted(c for c in inv["substance"].unique()
                                     if not str(c).startswith("X-"))
    grid = region.population_grid
    ctx.data["population_grid_path"] = _write_csv(
        grid.loc[grid["pop_persons"] > 0, ["cell_id", "lon", "lat", "pop_persons"]]
        .rename(columns={"pop_persons": "population"}),
        inputs / "population_grid.csv")
    voc = region.voc.copy()
    voc = voc[pd.to_datetime(voc["time"]).dt.year == year]
    rows = []
    for col, cas in (("benzene_ug_m3", "71-43-2"), ("toluene_ug_m3", "108-88-3"),
                     ("xylenes_ug_m3", "1330-20-7")):
        means = voc.groupby("station_id")[col].mean()
        for sid, v in means.items():
            rows.append({"location_id": sid, "cas": cas, "medium": "air",
                         "concentration": round(float(v), 4), "unit": "ug/m3"})
    ctx.data["concentrations_path"] = _write_csv(pd.DataFrame(rows),
                                                 inputs / f"voc_annual_mean_{year}.csv")
    ctx.data["air_quality"] = region.air_quality
    met = region.meteorology.copy()
    met["date"] = pd.to_datetime(met["time"]).dt.normalize()
    rh = met.groupby("date")["rh_pct"].mean()
    h = region.health
    daily = pd.DataFrame({"date": pd.to_datetime(h["date"]).dt.strftime("%Y-%m-%d"),
                          "death": h["deaths_nonaccidental"], "cvd": h["deaths_cardiovascular"],
                          "resp": h["deaths_respiratory"], "temp_c": h["temp_mean_c"],
                          "rh_pct": pd.to_datetime(h["date"]).map(rh).round(2).to_numpy(),
                          "pm25_ug_m3": h["pm25_ug_m3"]})
    ctx.data["health_path"] = _write_csv(daily, inputs / "daily_health_series.csv")
    ctx.data["true_health_effects"] = region.meta.get("health_truth")
    return {"outputs": sorted(str(p) for p in paths.values()) if isinstance(paths, dict)
            else [], "label": region.meta.get("label"), "enterprises": int(len(ent)),
            "inventory_year": year, "substances": int(inv["substance"].nunique())}


@step("database")
def database_step(ctx: RunContext) -> dict | None:
    """The risk-source database (一库). Demo: load the generated region into it. Files: read
    the region (enterprises, stacks, emissions, storages, receptors, population, problems)
    from it, for the risk map and grading."""
    s = ctx.settings.database
    if not s.enabled:
        return None
    from ehrisk.store.db import open_engine, session_scope

    region = ctx.data.get("region")
    if region is not None:  # demo
        from ehrisk.store import load_demo

        url = s.url or str(ctx.out_dir / "ehrisk.sqlite")
        engine = open_engine(url)
        with session_scope(engine) as session:
            summary = load_demo(session, region)
        loaded = {str(r.get("kind")): int(r.get("inserted", 0)) for r in summary
                  if isinstance(r, dict)}
    elif s.url is not None:
        from ehrisk.store.region import hj941_inputs_from_store, region_from_store

        url = s.url
        engine = open_engine(url)
        met = None
        met_path = ctx.input_path("meteorology")
        if met_path is not None:
            from ehrisk.dispersion.met import read_met_csv

            met = read_met_csv(met_path)
        with session_scope(engine) as session:
            region = region_from_store(session, s.year, met=met,
                                       met_source=str(met_path) if met_path else None)
            ctx.data["hj941_inputs"] = hj941_inputs_from_store(session, region)
        ctx.data["region"] = region
        loaded = {"enterprises": int(len(region.enterprises)),
                  "emissions": int(len(region.emissions))}
    else:
        return None
    ctx.data["engine"] = engine
    return {"outputs": [], "database": url, "loaded": loaded}


@step("screening_levels")
def screening_levels_step(ctx: RunContext) -> dict | None:
    """Tabulate screening levels (US EPA RSL or HJ 25.3-2019) for the study's substances."""
    s = ctx.settings.screening_levels
    if not s.enabled:
        return None
    from ehrisk.risk.screening_levels import screening_level

    cas_list = list(s.cas) or sorted(ctx.data.get("emitted_cas", []))
    if not cas_list:
        return None
    rows = []
    for cas in cas_list:
        for medium in s.media:
            for receptor in s.receptors:
                try:
                    sl = screening_level(cas, medium, receptor=receptor, params=s.params,
                                         target_risk=s.target_risk, target_hq=s.target_hq)
                except (KeyError, ValueError, LookupError) as exc:
                    rows.append({"cas": cas, "medium": medium, "receptor": receptor,
                                 "note": str(exc.args[0] if exc.args else exc)})
                    continue
                d = sl.as_dict()
                d.pop("details", None)
                rows.append(d)
    df = pd.DataFrame(rows)
    path = _write_csv(df, ctx.out_dir / "screening_levels.csv")
    n_ok = int(df["sl"].notna().sum()) if "sl" in df else 0
    return {"outputs": [path], "levels": n_ok, "without_values": len(df) - n_ok}


@step("risk")
def risk_step(ctx: RunContext) -> dict | None:
    """Forward risk (CDI, HQ, HI by organ, cancer risk) for the input concentrations."""
    s = ctx.settings.risk
    path = ctx.input_path("concentrations") or ctx.data.get("concentrations_path")
    if not s.enabled or path is None:
        return None
    from ehrisk.io.concentrations import read_concentrations
    from ehrisk.risk.engine import risk_table

    conc = read_concentrations(path)
    detail, totals = risk_table(conc, receptor=s.receptor, params=s.params)
    out_d = _write_csv(detail, ctx.out_dir / "risk" / "risk_by_pathway.csv")
    out_t = _write_csv(totals, ctx.out_dir / "risk" / "risk_totals.csv")
    worst = totals.sort_values("total_risk", ascending=False).iloc[0]
    return {"outputs": [out_d, out_t], "locations": int(len(totals)),
            "max_cancer_risk": float(worst["total_risk"]),
            "max_cancer_risk_location": str(worst["location_id"]),
            "max_hi": float(totals["hi"].max()) if len(totals) else math.nan}


@step("screening")
def screening_step(ctx: RunContext) -> dict | None:
    """Priority-pollutant screening: the priority control pollutant list (优先控制污染物清单)."""
    s = ctx.settings.screening
    emissions = ctx.input_path("emissions") or ctx.data.get("emissions_path")
    if not s.enabled or emissions is None:
        return None
    from pathlib import Path

    from ehrisk.reports.priority_list import run_screen, write_outputs

    population = ctx.input_path("population") or ctx.data.get("population_grid_path")
    result, stab, doc = run_screen(Path(emissions), Path(population) if population else None,
                                   top_n=s.top_n)
    paths = write_outputs(ctx.out_dir / "screening", result, stab, doc)
    table = result.table
    tiers = {name: len(cas) for name, cas in result.tiers().items()}
    top = table.iloc[0]
    return {"outputs": paths, "substances_ranked": int(len(table)),
            "tiers": {str(k): int(v) for k, v in tiers.items()},
            "top_substance": f"{top.get('name_zh', '')} ({top.get('cas', '')})"}


@step("aqi")
def aqi_step(ctx: RunContext) -> dict | None:
    """Daily AQI reports (HJ 633, edition by date unless set) for every station and day."""
    s = ctx.settings.aqi
    if not s.enabled:
        return None
    from ehrisk.air import aqi as aqi_mod

    path = ctx.input_path("stations")
    if path is not None:
        from ehrisk.io.tables import read_raw

        hourly = read_raw(path)
        for c in hourly.columns:
            if c not in ("station_id", "time"):
                hourly[c] = pd.to_numeric(hourly[c], errors="coerce")
    elif "air_quality" in ctx.data:
        hourly = ctx.data["air_quality"]
    else:
        return None
    daily = aqi_mod.daily_from_hourly(hourly, time_col="time", station_col="station_id")
    dates = pd.to_datetime(daily["date"])
    parts = []
    for edition in sorted({aqi_mod.aqi_standard_for(d) for d in dates}
                          if s.standard == "auto" else {s.standard}):
        sel = daily[[aqi_mod.aqi_standard_for(d) == edition for d in dates]] \
            if s.standard == "auto" else daily
        parts.append(aqi_mod.daily_report(sel, edition=edition))
    report = pd.concat(parts, ignore_index=True).sort_values(["station_id", "date"])
    path_out = _write_csv(report, ctx.out_dir / "air" / "aqi_daily.csv")
    valid = report[report["aqi"].notna()]
    share = valid.groupby("category_zh").size() / max(len(valid), 1)
    return {"outputs": [path_out], "station_days": int(len(report)),
            "editions": sorted(report["edition"].unique().tolist()),
            "share_by_category": {k: round(float(v), 3) for k, v in share.items()}}


@step("response")
def response_step(ctx: RunContext) -> dict | None:
    """Local exposure-response model on the daily health series (demo: known true effect),
    with its model card."""
    path = ctx.data.get("health_path")
    if path is None:
        return None
    from ehrisk.air.response import fit_response, parse_lag
    from ehrisk.air.response_card import write_card
    from ehrisk.io.nmmaps import read_daily_series

    data = read_daily_series(path)
    fit = fit_response(data, "death", ["pm25_ug_m3"], lag=parse_lag("0-1"))
    card_dir = ctx.out_dir / "response"
    written = write_card(data, fit, card_dir)
    summ = fit.summary()
    res = {"outputs": [str(p) for p in (written.values() if isinstance(written, dict)
                                        else written or [])],
           "outcome": "death", "exposure": "pm25_ug_m3 (lag 0-1 mean)",
           "er_percent_per_10": summ.get("er_percent_per_10"),
           "ci_low": summ.get("ci_low"), "ci_high": summ.get("ci_high"),
           "n_days": summ.get("n_days")}
    if ctx.data.get("true_health_effects") is not None:
        res["true_effect_in_demo"] = ctx.data["true_health_effects"]
    return res


@step("forecast")
def forecast_step(ctx: RunContext) -> dict | None:
    """Daily AQI and AQHI forecast per station and city for the days after the data (HJ 633:
    at least three), its hold-out evaluation as forecast offices report it, and the
    heavy-pollution and AQHI warnings."""
    s = ctx.settings.forecast
    if not s.enabled:
        return None
    import json

    from ehrisk.air.forecast import evaluate_holdout, forecast_ahead
    from ehrisk.air.warnings import issue_aqhi_warnings, issue_warnings
    from ehrisk.io.jsonsafe import clean

    path = ctx.input_path("forecast_observations")
    if path is not None:
        from ehrisk.io.station_hourly import read_station_hourly
        hourly = read_station_hourly(path)
    elif ctx.data.get("region") is not None and \
            getattr(ctx.data["region"], "air_quality", None) is not None:
        from ehrisk.io.station_hourly import from_region
        hourly = from_region(ctx.data["region"])
    else:
        return None
    out = ctx.out_dir / "forecast"
    out.mkdir(parents=True, exist_ok=True)
    res: dict = {}
    if s.evaluate:
        last = pd.to_datetime(hourly["time"]).max().normalize()
        train_until = (last - pd.Timedelta(days=s.holdout_days)).strftime("%Y-%m-%d")
        ev = evaluate_holdout(hourly, train_until, lead_days=s.eval_lead_days, baselines=False,
                              max_iter=s.max_iter, seed=ctx.settings.study.seed,
                              progress=ctx.progress)
        ev.pop("pairs", None)
        (out / "evaluation.json").write_text(json.dumps(clean(ev), ensure_ascii=False,
                                                        indent=2), encoding="utf-8")
        by_lead = ev["model"]["lead_days"]
        k = s.eval_lead_days[0]
        m = (by_lead[k] if k in by_lead else by_lead[str(k)])["station_mean"]
        res.update({"holdout": ev["test_period"], "eval_lead_days": s.eval_lead_days[0],
                    "single_grade_accuracy": round(m["single_grade_accuracy"], 3),
                    "two_grade_accuracy": round(m["two_grade_accuracy"], 3)})
    fc = forecast_ahead(hourly, s.days, seed=ctx.settings.study.seed, max_iter=s.max_iter,
                        progress=ctx.progress, aqhi_method=s.aqhi_method)
    warn = pd.concat([issue_warnings(fc), issue_aqhi_warnings(fc)], ignore_index=True)
    paths = [_write_csv(fc, out / "forecast.csv"), _write_csv(warn, out / "warnings.csv")]
    if s.evaluate:
        paths.append(str(out / "evaluation.json"))
    city = fc[fc["area"] == "city"]
    res.update({"outputs": paths, "edition": fc.attrs.get("edition"),
                "city_aqi": [int(round(v)) for v in city["aqi"]],
                "city_aqhi": [str(v) for v in city["aqhi"]], "warnings": int(len(warn))})
    return res


@step("health_impact")
def health_impact_step(ctx: RunContext) -> dict | None:
    """PM2.5 burden at the base year and a policy what-if (环境—经济—健康后评估): modelled
    inventory PM2.5 plus the station-calibrated background, deaths attributable and avoided
    with Monte Carlo intervals, value by VSL, per-cell table and report (MD + DOCX)."""
    s = ctx.settings.health_impact
    region = ctx.data.get("region")
    if not s.enabled or region is None or getattr(region, "air_quality", None) is None:
        return None
    import json

    from ehrisk.impact import pm25_scenario as sc
    from ehrisk.impact.crf import load_crf
    from ehrisk.impact.post_evaluation import report_markdown, write_docx
    from ehrisk.impact.valuation import valuation_table
    from ehrisk.io.jsonsafe import clean

    if sc.PM25_ID not in set(region.emissions["cas"]):
        return None
    known_parks = {str(p) for p in region.enterprises.get("park_id", pd.Series(dtype=str))
                   .dropna() if str(p).strip()}
    unknown = sorted(set(s.parks) - known_parks)
    if unknown:
        from ehrisk.errors import InputError
        raise InputError.single("study file", f"unknown park(s) {', '.join(unknown)}; the "
                                f"region's parks: {', '.join(sorted(known_parks)) or 'none'}",
                                column="health_impact.parks")
    surface = sc.region_surface(region, ctx.settings.risk_map.resolution_m,
                                ctx.settings.risk_map.cutoff_m, s.parks or None)
    if s.y0_per_person_yr is not None:
        y0, y0_basis = s.y0_per_person_yr, "study file"
    else:
        y0 = sc.crude_rate_per_person_yr(region.health["deaths_nonaccidental"],
                                         float(surface.population.sum()))
        y0_basis = ("crude non-accidental death rate of the region's daily series (all ages; "
                    "applied to the whole population)")
    unit_value = None
    if s.value_id:  # the id was checked when the study file was read
        vt = valuation_table()
        unit_value = float(vt.loc[vt["value_id"] == s.value_id, "value"].iloc[0])
    summ, cells = sc.scenario(surface, s.reduction, y0, load_crf(s.crf), unit_value, s.draws,
                              ctx.settings.study.seed)
    summ["y0_basis"] = y0_basis
    summ["scenario"] = (f"PM2.5 emissions of the sources in {', '.join(s.parks) or 'all parks'}"
                        f" cut by {s.reduction:.0%}")
    if unit_value is not None:
        summ["value_id"] = s.value_id
        summ["value_unit"] = str(vt[vt["value_id"] == s.value_id].iloc[0]["unit"])
    summ["stations"] = surface.stations.to_dict(orient="records")
    out = ctx.out_dir / "health_impact"
    out.mkdir(parents=True, exist_ok=True)
    paths = [_write_csv(cells, out / "cells.csv")]
    admin = getattr(region, "admin_units", None)
    if admin is not None and len(admin):
        areas = sc.area_summary(cells, admin.to_crs(sc.surface_crs(region)), "admin_code")
        names = admin.drop(columns="geometry").set_index("admin_code")
        for col in ("name_zh", "name_en"):
            if col in names.columns:
                areas.insert(1, col, areas["admin_code"].map(names[col]))
        paths.append(_write_csv(areas, out / "admin_summary.csv"))
        summ["areas"] = areas.to_dict(orient="records")
    (out / "summary.json").write_text(json.dumps(clean(summ), ensure_ascii=False, indent=2),
                                      encoding="utf-8")
    (out / "post_evaluation.md").write_text(report_markdown(summ, cells), encoding="utf-8")
    write_docx(out / "post_evaluation.docx", summ, cells)
    paths += [str(out / n) for n in ("summary.json", "post_evaluation.md",
                                      "post_evaluation.docx")]
    b = summ["burden"]
    return {"outputs": paths, "crf": s.crf, "background_ug_m3": round(surface.background_ug_m3, 2),
            "pm25_pop_weighted_ug_m3": round(summ["pop_weighted_before_ug_m3"], 2),
            "attributable_deaths_per_yr": round(b["attributable_deaths"], 1),
            "attributable_95": [round(b["attributable_lo"], 1), round(b["attributable_hi"], 1)],
            "scenario": summ["scenario"],
            "avoided_deaths_per_yr": round(summ["avoided_cases"], 3),
            "value": None if unit_value is None else round(summ["value"])}


@step("risk_map")
def risk_map_step(ctx: RunContext) -> dict | None:
    """Dispersion (long-term, unit-emission source-receptor matrices) -> risk map (一图):
    per-cell risk with attribution, monitoring blend, zoning, GIS outputs and maps."""
    s = ctx.settings.risk_map
    region = ctx.data.get("region")
    if not s.enabled or region is None:
        return None
    from ehrisk.mapping.run import run_risk_map

    res = run_risk_map(region, ctx.out_dir / "risk_map", resolution_m=s.resolution_m,
                       cutoff_m=s.cutoff_m, blend_method=None if s.blend == "none" else s.blend,
                       maps=s.maps)
    ctx.data["enterprise_risk"] = res.get("enterprise_risk")
    summ = res.get("summary", {})
    if ctx.data.get("engine") is not None and res.get("enterprise_risk") is not None:
        from ehrisk.store.db import session_scope
        from ehrisk.store.results import save_risk_map

        with session_scope(ctx.data["engine"]) as session:
            save_risk_map(session, summ, res["enterprise_risk"].table,
                          str(ctx.out_dir / "risk_map"), cutoff_m=s.cutoff_m,
                          met_source=region.meta.get("met_source"))
    keep = {k: v for k, v in summ.items() if not isinstance(v, (dict, list))}
    return {"outputs": [str(p) for p in res.get("outputs", [])], **keep}


@step("grading")
def grading_step(ctx: RunContext) -> dict | None:
    """HJ 941-2018 levels and the environmental health risk code (环境健康风险码) per
    enterprise, with the whitelist, problem lists (what-ifs from the source-receptor matrices)
    and the graded supervision list."""
    if not ctx.settings.grading.enabled or ctx.data.get("region") is None:
        return None
    from ehrisk.grading import hj941_2018 as hj
    from ehrisk.grading.inputs import demo_inputs, priority_from_screening
    from ehrisk.grading.lists import problem_list, supervision_list, whitelist
    from ehrisk.grading.risk_code import load_rules, risk_codes

    region = ctx.data["region"]
    em = region.emissions
    if "year" in em:
        em = em[em["year"] == em["year"].max()]
    inputs = ctx.data.get("hj941_inputs") or demo_inputs(region)
    levels = hj.grade_hj941_2018(*inputs)
    er = ctx.data.get("enterprise_risk")
    attributable = er.table if er is not None else None
    rules = load_rules()
    problems = getattr(region, "problems", None)
    if problems is not None and len(problems):
        problems = problems[["credit_code", "problem_id", "status"]]
    else:
        problems = None
    prio = priority_from_screening(em) if len(em) else set()
    codes = risk_codes(levels, attributable, prio, em, problems, rules)
    wl = whitelist(codes, rules)
    sup = supervision_list(codes, rules)
    pl = problem_list(codes, rules, er.scenario_risk if er is not None else None, em, inputs)
    out = ctx.out_dir / "grading"
    paths = [_write_csv(levels, out / "hj941_levels.csv"), _write_csv(codes, out / "risk_codes.csv"),
             _write_csv(wl, out / "whitelist.csv"), _write_csv(sup, out / "supervision_list.csv"),
             _write_csv(pl, out / "problem_lists.csv")]
    history_rows = None
    if ctx.data.get("engine") is not None:
        from ehrisk.store.db import session_scope
        from ehrisk.store.results import enterprise_inputs, save_codes

        sto, mg, sens = inputs
        tables = {"storages": sto, "management": mg, "sensitivity": sens,
                  "attributable": attributable, "problems": problems}
        with session_scope(ctx.data["engine"]) as session:
            added = save_codes(session, codes, enterprise_inputs(codes["credit_code"], tables),
                               user="ehrisk run")
        history_rows = int(len(added))
    counts = codes["code"].value_counts().to_dict() if "code" in codes else {}
    lv = levels["level"].value_counts().to_dict() if "level" in levels else {}
    return {"outputs": paths, "codes": {str(k): int(v) for k, v in counts.items()},
            "hj941_levels": {str(k): int(v) for k, v in lv.items()},
            "whitelist": int(len(wl)), "problem_items": int(len(pl)),
            "code_history_rows_added": history_rows}


@step("enterprise_files")
def enterprise_files_step(ctx: RunContext) -> dict | None:
    """Enterprise files (一企一档, DOCX and PDF) of the largest air emitters, from the database
    (with their risk-map results and risk codes when those steps ran)."""
    s = ctx.settings.database
    engine = ctx.data.get("engine")
    region = ctx.data.get("region")
    if engine is None or region is None or s.enterprise_files == 0:
        return None
    from ehrisk.store.db import session_scope
    from ehrisk.store.enterprise_file import write_file

    em = region.emissions
    top = (em[em["medium"] == "air"].groupby("credit_code")["amount_t_yr"].sum()
           .sort_values(ascending=False).index[: s.enterprise_files])
    outputs = []
    with session_scope(engine) as session:
        for code in top:
            for ext in ("docx", "pdf"):
                res = write_file(session, code, ctx.out_dir / "enterprise_files" / f"{code}.{ext}")
                outputs.append(res["file"])
    engine.dispose()
    return {"outputs": outputs, "enterprises": [str(c) for c in top]}
