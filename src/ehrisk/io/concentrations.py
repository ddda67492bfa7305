"""Read a concentration table (CSV/XLSX, UTF-8 or GBK) for the risk engine.

Columns: ``cas`` or ``name``, ``medium`` (air/tapwater/soil or 空气/饮用水/土壤),
``concentration``, ``unit``, optional ``location_id``. Values are converted to each medium's
standard unit (ug/m3, ug/L, mg/kg) with :mod:`ehrisk.units`; every problem of the file is
reported at once (file, row, column, reason).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ehrisk import units
from ehrisk.errors import InputError, ProblemCollector
from ehrisk.io.tables import Column, Schema, parse_frame, read_raw
from ehrisk.refdata import RefdataError

MEDIUM_ALIASES = {"air": "air", "空气": "air", "tapwater": "tapwater", "water": "tapwater",
                  "饮用水": "tapwater", "水": "tapwater", "soil": "soil", "土壤": "soil"}
UNIT_MAPS = {"air": units.AIR_CONC_TO_UG_M3, "tapwater": units.WATER_CONC_TO_UG_L,
             "soil": units.SOIL_CONC_TO_MG_KG}

CONC_SCHEMA = Schema([
    Column("cas", required=False, allow_blank=True, aliases=("CAS号", "CAS RN", "cas_no")),
    Column("name", required=False, allow_blank=True, aliases=("名称", "chemical", "substance", "污染物")),
    Column("medium", aliases=("介质",)),
    Column("concentration", kind="float", min_value=0, aliases=("conc", "浓度", "value")),
    Column("unit", aliases=("单位",)),
    Column("location_id", required=False, allow_blank=True, aliases=("点位", "location", "site")),
], name="concentrations")


def _resolve_cas(query: str) -> str:
    """CAS as given, or looked up by name when ``ehrisk.refdata.chemicals`` is present."""
    q = query.strip()
    from ehrisk.io.tables import CAS_RE
    if CAS_RE.match(q) or q.upper().startswith("X-"):
        return q
    try:
        from ehrisk.refdata import chemicals as chem_mod
    except ImportError:
        raise KeyError(f"{q!r} is not a CAS number (name lookup not available)") from None
    try:
        return str(chem_mod.lookup(q)["cas"])
    except (RefdataError, LookupError) as exc:
        raise KeyError(str(exc)) from None


def read_concentrations(path: Path, params: str = "epa-rsl") -> pd.DataFrame:
    """Read and check a concentration table; return ``location_id, cas, medium, conc`` in
    standard units (ug/m3, ug/L, mg/kg). All problems are raised together (InputError).

    ``params`` chooses the toxicity dataset the substances are checked against: ``epa-rsl``
    (media air, tapwater, soil) or ``hj25.3-2019`` (media soil and groundwater; groundwater
    concentrations are returned in ug/L like tap water).
    """
    from ehrisk.risk import rsl

    if params == "hj25.3-2019":
        return _read_hj25(path)

    fname = str(path)
    raw = read_raw(path)
    try:
        df = parse_frame(raw, CONC_SCHEMA, fname)
        cell_problems = []
    except InputError as exc:  # keep cell problems, go on to find the semantic ones too
        if any(p.row is None for p in exc.problems):
            raise
        cell_problems = exc.problems
        df = raw.rename(columns={h: CONC_SCHEMA.canonical(str(h)) or h for h in raw.columns})
        df["concentration"] = pd.to_numeric(df["concentration"], errors="coerce")
    pc = ProblemCollector(fname)
    if "cas" not in df.columns and "name" not in df.columns:
        pc.add("required column missing: give 'cas' or 'name'", column="cas")
        pc.raise_if_any()
    tox = rsl._tox(rsl.PARAMS)
    out = []
    for i, r in enumerate(df.to_dict("records")):
        row = i + 2
        cas_in = str(r.get("cas", "") or "").strip()
        name_in = str(r.get("name", "") or "").strip()
        col = "cas" if cas_in else "name"
        cas = None
        if not cas_in and not name_in:
            pc.add("no CAS number or name given", row=row, column="cas")
        else:
            try:
                cas = _resolve_cas(cas_in or name_in)
            except KeyError as exc:
                pc.add(str(exc.args[0] if exc.args else exc), row=row, column=col)
        medium = MEDIUM_ALIASES.get(str(r["medium"]).strip().lower())
        if medium is None:
            pc.add(f"unknown medium {r['medium']!r}; expected air, tapwater or soil", row=row,
                   column="medium")
        unit_key = str(r["unit"]).strip().lower().replace(" ", "").replace("³", "3")
        factor = None
        if medium is not None:
            factor = UNIT_MAPS[medium].get(unit_key)
            if factor is None:
                pc.add(f"unknown unit {r['unit']!r} for {medium}; accepted: "
                       f"{', '.join(UNIT_MAPS[medium])}", row=row, column="unit")
        if cas is not None:
            if cas not in tox.index:
                pc.add(f"no US EPA RSL toxicity values for {cas}", row=row, column=col)
            elif medium is not None and not rsl.has_values(tox.loc[[cas]], medium)[0]:
                pc.add(f"{cas} has no RSL toxicity value for the {medium} pathways "
                       f"(inhalation needs IUR or RfC; oral needs SFO or RfD)", row=row, column=col)
        conc = r["concentration"]
        if factor is not None and cas is not None and not math.isnan(conc) and conc >= 0:
            loc = str(r.get("location_id", "") or "").strip() or "all"
            out.append({"location_id": loc, "cas": cas, "medium": medium,
                        "conc": float(conc) * factor})
    problems = sorted([*cell_problems, *pc.problems], key=lambda p: (p.row or 0, p.column or ""))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(out)


def _read_hj25(path: Path) -> pd.DataFrame:
    """The HJ 25.3-2019 variant of :func:`read_concentrations` (soil, groundwater)."""
    from ehrisk.refdata.toxicity import toxicity

    fname = str(path)
    df = parse_frame(read_raw(path), CONC_SCHEMA, fname)
    tox = toxicity("hj25.3-2019")
    pc = ProblemCollector(fname)
    out = []
    for i, r in enumerate(df.to_dict("records")):
        row = i + 2
        cas_in = str(r.get("cas", "") or "").strip() or str(r.get("name", "") or "").strip()
        try:
            cas = _resolve_cas(cas_in)
        except KeyError as exc:
            pc.add(str(exc.args[0] if exc.args else exc), row=row, column="cas")
            continue
        if cas not in tox.index:
            pc.add(f"no HJ 25.3-2019 toxicity values for {cas}", row=row, column="cas")
            continue
        m = str(r["medium"]).strip().lower()
        medium = {"soil": "soil", "土壤": "soil", "groundwater": "groundwater",
                  "地下水": "groundwater"}.get(m)
        if medium is None:
            pc.add(f"unknown medium {r['medium']!r}; HJ 25.3-2019 takes soil or groundwater",
                   row=row, column="medium")
            continue
        unit_map = SOIL_UNITS if medium == "soil" else units.WATER_CONC_TO_UG_L
        unit_key = str(r["unit"]).strip().lower().replace(" ", "")
        factor = unit_map.get(unit_key)
        if factor is None:
            pc.add(f"unknown unit {r['unit']!r} for {medium}; accepted: {', '.join(unit_map)}",
                   row=row, column="unit")
            continue
        loc = str(r.get("location_id", "") or "").strip() or "all"
        out.append({"location_id": loc, "cas": cas, "medium": medium,
                    "conc": float(r["concentration"]) * factor})
    pc.raise_if_any()
    return pd.DataFrame(out)


SOIL_UNITS = units.SOIL_CONC_TO_MG_KG
