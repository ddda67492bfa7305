"""Import files into the risk-source database: validate everything, then write in one
transaction (all or nothing), upserting by natural key and versioning every change.

``import_file(engine, "stacks", "stacks.xlsx")`` reads the file (:func:`ehrisk.io.tables.read_any`),
checks every cell against the kind's schema (:mod:`ehrisk.store.kinds`, built on
:class:`ehrisk.io.tables.Schema`), then every row against the
database (enterprise exists, stack exists, study area), and raises one
:class:`ehrisk.errors.InputError` listing every problem with file, sheet, row, column and
reason. Only a file without problems is written; re-importing it changes nothing.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ehrisk import units
from ehrisk.errors import InputError, ProblemCollector
from ehrisk.io import tables as T
from ehrisk.store import coords, credit_code, history
from ehrisk.store import kinds as K
from ehrisk.store import models as m
from ehrisk.store.db import is_postgres, session_scope

ADVISORY_LOCK_KEY = 7_245_001   # pg_advisory_xact_lock key serialising imports
CANONICAL_CONC_UNIT = {"air": "ug/m3", "voc": "ug/m3", "water": "ug/L", "soil": "mg/kg"}
CONC_TABLES = {"air": units.AIR_CONC_TO_UG_M3, "voc": units.AIR_CONC_TO_UG_M3,
               "water": units.WATER_CONC_TO_UG_L, "soil": units.SOIL_CONC_TO_MG_KG}
BOOL_WORDS = T.BOOL_WORDS
MET_PARAMETERS = K.MET_PARAMETERS
FAIL_ENV = "EHRISK_TEST_FAIL_AFTER_ROWS"  # test hook: raise after writing N rows
PAUSE_ENV = "EHRISK_TEST_PAUSE_FILE"  # test hook: write this file, then wait before commit


def current_user() -> str:
    """Who is importing: ``EHRISK_USER`` or the login name."""
    return os.environ.get("EHRISK_USER") or getpass.getuser()


@dataclass
class Prepared:
    """A validated file, ready to write."""

    kind: K.Kind
    file: str
    sha256: str
    records: list[dict]
    keys: list[tuple]
    parents: dict[str, int] = field(default_factory=dict)
    notes: dict[tuple, str] = field(default_factory=dict)
    """Row key -> note kept in the change history (e.g. an accepted implausible amount)."""
    outliers: list[dict] = field(default_factory=list)
    """Implausible amounts imported with ``accept_outliers`` (what was accepted)."""


def _study_bbox(session: Session) -> tuple[float, float, float, float] | None:
    from shapely import from_wkt

    wkts = [w for (w,) in session.execute(select(m.AdminUnit.geom_wkt)) if w]
    if not wkts:
        return None
    b = np.array([from_wkt(w).bounds for w in wkts])
    pad = coords.checks()["study_area_margin_deg"]
    return (b[:, 0].min() - pad, b[:, 1].min() - pad, b[:, 2].max() + pad, b[:, 3].max() + pad)


def _check_rows(session: Session, kind: K.Kind, recs: list[dict], rows: list[int], pc, sheet,
                crs: str, bbox) -> dict[str, int]:
    """Row-level and database checks; converts coordinates and units in place."""
    name = kind.name
    # coordinates
    if any(f.name == "lon" for f in kind.fields):
        for r, row in zip(recs, rows, strict=True):
            lon, lat = r.get("lon"), r.get("lat")
            if (lon is None) != (lat is None):
                pc.add("give both longitude and latitude, or neither", row=row,
                       column="经度" if lon is None else "纬度", sheet=sheet)
                continue
            if lon is None:
                continue
            why = coords.point_problem(lon, lat, bbox)
            if why:
                pc.add(why, row=row, column="经度/纬度", sheet=sheet)
            elif crs == "gcj02":
                wl, wa = coords.gcj02_to_wgs84(lon, lat)
                r["lon"], r["lat"] = float(wl), float(wa)
    if kind.geometry == "polygon" or "geom_wkt" in {f.name for f in kind.fields}:
        from shapely import from_wkt
        from shapely.errors import GEOSException

        for r, row in zip(recs, rows, strict=True):
            w = r.get("geom_wkt")
            if not w:
                continue
            try:
                g = from_wkt(w)
            except (GEOSException, ValueError):
                pc.add("not valid WKT geometry", row=row, column="范围(WKT)", sheet=sheet)
                continue
            if not g.is_valid:
                pc.add("the polygon is not valid (self-intersecting?)", row=row,
                       column="范围(WKT)", sheet=sheet)
            if crs == "gcj02":
                from shapely.ops import transform

                g = transform(lambda x, y, z=None: coords.gcj02_to_wgs84(x, y), g)
                r["geom_wkt"] = g.wkt
    # units
    if name == "emissions":
        lim = coords.checks()["emission_t_yr_max"]
        for r, row in zip(recs, rows, strict=True):
            if r.get("amount_as_given") is None or r.get("unit_as_given") is None:
                continue
            try:
                t = float(units.to_t_yr(r["amount_as_given"], r["unit_as_given"]))
            except KeyError:
                pc.add(f"unknown unit {r['unit_as_given']!r}; accepted: "
                       f"{', '.join(units.MASS_PER_YEAR_TO_T)}", row=row, column="单位",
                       sheet=sheet)
                continue
            if t > lim:
                pc.add(f"implausible amount {r['amount_as_given']:g} {r['unit_as_given']} = "
                       f"{t:g} t/yr (more than {lim:g} t/yr); a unit error?", row=row,
                       column="排放量", sheet=sheet)
            r["amount_t_yr"] = t
            r["source_id"] = r.get("source_id") or ""
    if name == "storages":
        for r in recs:
            r["storage_form"] = r.get("storage_form") or ""
    if name == "stacks":
        tmin = coords.checks()["exit_temp_k_min"]
        tmax = coords.checks()["exit_temp_k_max"]
        for r, row in zip(recs, rows, strict=True):
            t = r.get("exit_temp_k")
            if t is not None and not (tmin <= t <= tmax):
                pc.add(f"exit temperature {t:g} K is implausible (expected {tmin:g}-{tmax:g} K;"
                       " degrees Celsius + 273.15 = K)", row=row, column="烟气温度(K)",
                       sheet=sheet)
    # duplicates by key
    seen: dict[tuple, int] = {}
    keys = []
    for r, row in zip(recs, rows, strict=True):
        key = tuple(r.get(k) for k in kind.key)
        keys.append(key)
        if any(v is None for v in key):
            continue
        if key in seen:
            pc.add(f"duplicate of row {seen[key]} (same {', '.join(kind.key)})", row=row,
                   sheet=sheet)
        else:
            seen[key] = row
    # parents and references
    parents: dict[str, int] = {}
    if kind.child:
        codes = sorted({r["credit_code"] for r in recs if r.get("credit_code")})
        for chunk in _chunks(codes):
            for code, eid in session.execute(select(m.Enterprise.credit_code, m.Enterprise.id)
                                             .where(m.Enterprise.credit_code.in_(chunk))):
                parents[code] = eid
        for r, row in zip(recs, rows, strict=True):
            c = r.get("credit_code")
            if c and c not in parents and credit_code.is_valid(c):
                pc.add(f"no enterprise with credit code {c} in the database; import the "
                       "enterprises first", row=row, column="统一社会信用代码", sheet=sheet)
    if name == "emissions":
        src: dict[int, dict[str, str]] = {}
        ids = list(parents.values())
        for chunk in _chunks(ids):
            for eid, sid in session.execute(select(m.Stack.enterprise_id, m.Stack.stack_id)
                                            .where(m.Stack.enterprise_id.in_(chunk))):
                src.setdefault(eid, {})[sid] = "air"
            for eid, sid in session.execute(select(m.Outfall.enterprise_id, m.Outfall.outfall_id)
                                            .where(m.Outfall.enterprise_id.in_(chunk))):
                src.setdefault(eid, {})[sid] = "water"
        for r, row in zip(recs, rows, strict=True):
            sid, eid = r.get("source_id"), parents.get(r.get("credit_code"))
            if not sid or eid is None:
                continue
            medium = src.get(eid, {}).get(sid)
            if medium is None:
                pc.add(f"enterprise {r['credit_code']} has no stack or outfall {sid!r} in the "
                       "database; import stacks/outfalls first or leave the cell blank",
                       row=row, column="排放口编号", sheet=sheet)
            elif r.get("medium") and medium != r["medium"]:
                pc.add(f"{sid!r} is a {'stack' if medium == 'air' else 'water outfall'} but "
                       f"the medium is {r['medium']}", row=row, column="介质", sheet=sheet)
    if name == "enterprises" and session.execute(select(m.Park.id).limit(1)).first():
        known = set(session.scalars(select(m.Park.park_id)))
        for r, row in zip(recs, rows, strict=True):
            p = r.get("park_id")
            if p and p not in known:
                pc.add(f"no park {p!r} in the database (parks: {', '.join(sorted(known))})",
                       row=row, column="所在园区编号", sheet=sheet)
    if name == "observations":
        st = dict(session.execute(select(m.Station.station_id, m.Station.kind)).all())
        for r, row in zip(recs, rows, strict=True):
            s = r.get("station_id")
            if s is None:
                continue
            if s not in st:
                pc.add(f"no station {s!r} in the database; import the stations first",
                       row=row, column="站点编号", sheet=sheet)
                continue
            table = CONC_TABLES.get(st[s])
            u = (r.get("unit") or "").strip()
            if table is None:   # meteorological station: units kept as given
                continue
            key = u.lower().replace("³", "3").replace(" ", "")
            if key not in table:
                pc.add(f"unknown or wrong unit {u!r} for a {st[s]} station; accepted: "
                       f"{', '.join(table)}", row=row, column="单位", sheet=sheet)
                continue
            if r.get("value") is not None:
                r["value"] = float(r["value"]) * table[key]
                r["unit"] = CANONICAL_CONC_UNIT[st[s]]
    return parents


def _chunks(seq, n: int = 500):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _substance_name(cas: str) -> str:
    """Chinese name of a substance for messages ('' when unknown)."""
    from ehrisk.refdata import chemicals

    try:
        return str(chemicals.lookup(cas).get("name_zh") or "")
    except LookupError:
        return ""


def _plausibility(session: Session, recs: list[dict], rows: list[int], pc, sheet,
                  accept: bool) -> tuple[dict[tuple, str], list[dict]]:
    """Emissions far above those of comparable enterprises (a unit slip?):
    :func:`ehrisk.inventory.plausibility.check_emissions` against the database's emissions
    of the same year. Refused (a problem per amount, with the value in t and kg) unless
    ``accept``; then returns the notes for the change history and what was accepted. An amount
    already stored unchanged is not flagged again."""
    from ehrisk.inventory.plausibility import check_emissions

    ok = [(r, row) for r, row in zip(recs, rows, strict=True)
          if r.get("amount_t_yr") is not None and r.get("credit_code") and r.get("cas")
          and r.get("medium") and r.get("year") is not None]
    if not ok:
        return {}, []
    cand = pd.DataFrame([{"credit_code": r["credit_code"], "cas": r["cas"],
                          "medium": r["medium"], "year": int(r["year"]),
                          "basis": r.get("basis") or "", "source_id": r.get("source_id") or "",
                          "amount_t_yr": float(r["amount_t_yr"]), "row": row}
                         for r, row in ok])
    e, ent = m.Emission, m.Enterprise
    q = (select(ent.credit_code, e.source_id, e.cas, e.medium, e.year, e.basis, e.amount_t_yr)
         .join(ent, ent.id == e.enterprise_id)
         .where(e.year.in_(sorted(set(cand["year"].tolist())))))
    ref = pd.DataFrame(session.execute(q).all(),
                       columns=["credit_code", "source_id", "cas", "medium", "year", "basis",
                                "amount_t_yr"])
    industry, names = {}, {}
    for code, ind, name in session.execute(select(ent.credit_code, ent.industry_code,
                                                  ent.name)):
        industry[code], names[code] = ind, name or ""
    stored = {tuple(k): float(v) for *k, v in ref[["credit_code", "source_id", "cas", "medium",
                                                    "year", "basis", "amount_t_yr"]]
              .itertuples(index=False)}
    by_row = {row: r for r, row in ok}
    notes: dict[tuple, str] = {}
    accepted: list[dict] = []
    for year, c in cand.groupby("year", sort=True):
        for o in check_emissions(c, ref[ref["year"] == year], industry):
            r = by_row.get(o.row)
            key = None if r is None else (r["credit_code"], r.get("source_id") or "", r["cas"],
                                          r["medium"], int(r["year"]), r.get("basis") or "")
            if key is not None and key in stored and math.isclose(
                    stored[key], float(r["amount_t_yr"]), rel_tol=1e-12):
                continue  # stored as it is (accepted before): not flagged again
            if not accept:
                pc.add(o.reason(_substance_name(o.cas), names.get(o.credit_code, "")),
                       row=o.row, column="排放量", sheet=sheet)
                continue
            d = o.as_dict()
            d["year"] = int(year)
            accepted.append(d)
            if key is not None:
                notes[key] = ("implausible amount accepted (--accept-outliers): "
                              f"{o.amount_t_yr:.6g} t/yr = {o.amount_kg_yr:.6g} kg/yr, "
                              f"{o.orders:.1f} orders of magnitude above {o.basis}")
    return notes, accepted


def prepare(session: Session, kind_name: str, path: str | Path, *, crs: str = "wgs84",
            tz: str = "Asia/Shanghai", sheet: str | None = None,
            accept_outliers: bool = False) -> Prepared:
    """Read and validate a file; raise :class:`InputError` with every problem, or return
    the records to write. Emission amounts orders of magnitude above those of comparable
    enterprises are problems unless ``accept_outliers`` (then noted in the history)."""
    kind = K.get(kind_name)
    if crs not in ("wgs84", "cgcs2000", "gcj02"):
        raise InputError.single("--crs", f"unknown CRS {crs!r}; use wgs84, cgcs2000 or gcj02")
    fname = str(path)
    raw = T.read_any(path, kind.schema, sheet, prefer=(kind.zh, kind.name))
    pc = ProblemCollector(fname)
    frame = raw.frame
    if raw.geometry is not None:
        frame = _geometry_columns(kind, frame, raw.geometry, pc, raw.rows, raw.sheet)
    recs, _rows = T.parse_records(frame, kind.schema, fname, rows=raw.rows, sheet=raw.sheet,
                                  tz=tz, pc=pc)
    bbox = _study_bbox(session)
    parents = _check_rows(session, kind, recs, raw.rows, pc, raw.sheet, crs, bbox)
    notes: dict[tuple, str] = {}
    accepted: list[dict] = []
    if kind.name == "emissions" and not pc:
        notes, accepted = _plausibility(session, recs, raw.rows, pc, raw.sheet,
                                        accept_outliers)
    pc.raise_if_any()
    keys = [tuple(r.get(k) for k in kind.key) for r in recs]
    sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return Prepared(kind, fname, sha, recs, keys, parents, notes, accepted)


def _geometry_columns(kind, frame, geoms, pc, rows, sheet):
    frame = frame.copy()
    lon, lat, wkt = [], [], []
    for g, row in zip(geoms, rows, strict=True):
        if g is None or g.is_empty:
            lon.append("")
            lat.append("")
            wkt.append("")
            continue
        if g.geom_type == "Point":
            lon.append(repr(g.x))
            lat.append(repr(g.y))
            wkt.append("")
        else:
            if kind.geometry == "point" and "geom_wkt" not in {f.name for f in kind.fields}:
                pc.add(f"a {kind.name} feature must be a point, got {g.geom_type}", row=row,
                       sheet=sheet)
            p = g.representative_point()
            lon.append(repr(p.x))
            lat.append(repr(p.y))
            wkt.append(g.wkt)
    names = {f.name for f in kind.fields}
    if "lon" in names:
        frame["lon"], frame["lat"] = lon, lat
    if "geom_wkt" in names:
        frame["geom_wkt"] = wkt
    return frame


# ----------------------------------------------------------------------------- writing

def _lock(session: Session) -> None:
    """Serialise writers: PostgreSQL advisory lock for the transaction (SQLite already holds
    its write lock from BEGIN IMMEDIATE)."""
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})


def _plain(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def _same(a, b) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    return a == b


def apply(session: Session, prep: Prepared, *, user: str | None = None,
          reason: str | None = None, replace_children: bool = False) -> dict:
    """Write a prepared import (upsert by natural key) in the caller's transaction; log
    every change. Returns counts ``inserted``, ``updated``, ``unchanged``, ``deleted``."""
    kind = prep.kind
    if kind.name == "observations":
        return _apply_observations(session, prep, user, reason)
    user = user or current_user()
    model = kind.model
    fields = list(kind.stored) + (["amount_t_yr"] if kind.name == "emissions" else [])
    fields = [f for f in fields if f != "credit_code" or not kind.child]
    existing = _existing(session, kind, prep)
    now = m.utcnow()
    counts = {"inserted": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    logs = []
    inserts = []
    for rec, key in zip(prep.records, prep.keys, strict=True):
        code = rec.get("credit_code") if kind.child or kind.name == "enterprises" else None
        values = {f: _plain(rec.get(f)) for f in fields}
        obj = existing.pop(key, None)
        if obj is None:
            if kind.child:
                values["enterprise_id"] = prep.parents[rec["credit_code"]]
            inserts.append(values)
            counts["inserted"] += 1
            changes = {f: [None, v] for f, v in values.items()
                       if v is not None and f != "enterprise_id"}
            op = "insert"
        else:
            changes = {f: [_plain(getattr(obj, f)), values[f]] for f in fields
                       if not _same(getattr(obj, f), values[f])}
            if not changes:
                counts["unchanged"] += 1
                continue
            for f in changes:
                setattr(obj, f, values[f])
            counts["updated"] += 1
            op = "update"
        if kind.versioned:
            note = prep.notes.get(key)
            logs.append(dict(at=now, user=user,
                             reason=f"{reason}; {note}" if reason and note else (note or reason),
                             op=op,
                             entity=kind.name, entity_key=history.key_json(key),
                             credit_code=code, changes=history.dumps(changes)))
    if replace_children and kind.child:
        for key, obj in existing.items():
            old = {f: _plain(getattr(obj, f)) for f in fields}
            session.delete(obj)
            counts["deleted"] += 1
            logs.append(dict(at=now, user=user, reason=reason, op="delete",
                             entity=kind.name, entity_key=history.key_json(key),
                             credit_code=key[0],
                             changes=history.dumps({f: [v, None] for f, v in old.items()
                                                    if v is not None})))
    for chunk in _chunks(inserts, 2000):
        session.execute(model.__table__.insert(), chunk)
    session.flush()
    batch_reason = reason
    if prep.outliers:
        what = f"{len(prep.outliers)} implausible amount(s) accepted (--accept-outliers)"
        batch_reason = f"{reason}; {what}" if reason else what
    batch_id = _finish(session, prep, user, batch_reason, counts,
                       len(inserts) + counts["updated"])
    for entry in logs:
        entry["batch_id"] = batch_id
    for chunk in _chunks(logs, 2000):
        session.execute(m.ChangeLog.__table__.insert(), chunk)
    out = {"kind": kind.name, "file": prep.file, "rows": len(prep.records), **counts,
           "batch_id": batch_id}
    if prep.outliers:
        out["accepted_outliers"] = prep.outliers
    return out


def _finish(session, prep, user, reason, counts, written) -> int | None:
    """Record the import batch if it changed anything (a re-import changes nothing, not even
    the batch log), and run the test hooks for failure injection."""
    fail_after = int(os.environ.get(FAIL_ENV, "0") or 0)
    if fail_after and written >= fail_after:
        raise RuntimeError(f"injected failure after writing {written} rows ({FAIL_ENV})")
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        Path(pause).write_text("written, not committed")
        import time

        time.sleep(3600)
    if counts["inserted"] + counts["updated"] + counts["deleted"] == 0:
        return None
    batch = m.ImportBatch(user=user, reason=reason, kind=prep.kind.name, file_name=prep.file,
                          sha256=prep.sha256, n_rows=len(prep.records),
                          n_inserted=counts["inserted"], n_updated=counts["updated"],
                          n_unchanged=counts["unchanged"], n_deleted=counts["deleted"])
    session.add(batch)
    session.flush()
    return batch.id


def _existing(session: Session, kind: K.Kind, prep: Prepared) -> dict[tuple, object]:
    model = kind.model
    out: dict[tuple, object] = {}
    if kind.child:
        ids = {v: k for k, v in prep.parents.items()}
        for chunk in _chunks(list(ids)):
            for obj in session.scalars(select(model).where(model.enterprise_id.in_(chunk))):
                key = tuple([ids[obj.enterprise_id]] + [getattr(obj, k) for k in kind.key[1:]])
                out[key] = obj
        return out
    (kcol,) = kind.key
    vals = [k[0] for k in prep.keys]
    for chunk in _chunks(vals):
        for obj in session.scalars(select(model).where(getattr(model, kcol).in_(chunk))):
            out[(getattr(obj, kcol),)] = obj
    return out


def _apply_observations(session, prep, user, reason) -> dict:
    user = user or current_user()
    st = dict(session.execute(select(m.Station.station_id, m.Station.id)).all())
    df = pd.DataFrame(prep.records)
    df["sid"] = df["station_id"].map(st)
    counts = {"inserted": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    obs = m.Observation
    ex = {}
    for sid, g in df.groupby("sid"):
        q = select(obs.id, obs.parameter, obs.time_utc, obs.value).where(
            obs.station_id == int(sid), obs.time_utc >= g["time_utc"].min(),
            obs.time_utc <= g["time_utc"].max())
        for oid, par, t, v in session.execute(q):
            ex[(int(sid), par, pd.Timestamp(t))] = (oid, v)
    ins, upd = [], []
    for r in df.itertuples(index=False):
        key = (int(r.sid), r.parameter, pd.Timestamp(r.time_utc))
        if key in ex:
            oid, v = ex[key]
            if _same(v, float(r.value)):
                counts["unchanged"] += 1
            else:
                upd.append({"oid": oid, "value": float(r.value)})
                counts["updated"] += 1
        else:
            ins.append(dict(station_id=int(r.sid), parameter=r.parameter,
                            time_utc=pd.Timestamp(r.time_utc).to_pydatetime(),
                            value=float(r.value), unit=r.unit))
            counts["inserted"] += 1
    for chunk in _chunks(ins, 5000):
        session.execute(obs.__table__.insert(), chunk)
    if upd:
        session.execute(text("UPDATE observation SET value = :value WHERE id = :oid"), upd)
    session.flush()
    batch_id = _finish(session, prep, user, reason, counts, len(ins) + len(upd))
    return {"kind": "observations", "file": prep.file, "rows": len(prep.records), **counts,
            "batch_id": batch_id}


def import_file(engine, kind: str, path: str | Path, *, crs: str = "wgs84",
                tz: str = "Asia/Shanghai", sheet: str | None = None, user: str | None = None,
                reason: str | None = None, replace_children: bool = False,
                dry_run: bool = False, accept_outliers: bool = False) -> dict:
    """Validate and import one file as one transaction (nothing is written if any row has a
    problem, if anything fails, or if the process is killed). ``dry_run`` validates only.
    ``accept_outliers`` imports emission amounts flagged as implausible (likely unit slips)
    and records the acceptance in the change history."""
    k = K.get(kind)
    if replace_children and not k.child:
        raise InputError.single("--replace", f"--replace applies to the rows of enterprises "
                                f"({', '.join(K.CHILD_KINDS)}), not to {k.name}")
    with session_scope(engine) as s:
        _lock(s)
        prep = prepare(s, kind, path, crs=crs, tz=tz, sheet=sheet,
                       accept_outliers=accept_outliers)
        if dry_run:
            out = {"kind": k.name, "file": str(path), "rows": len(prep.records),
                   "valid": True, "dry_run": True}
            if prep.outliers:
                out["accepted_outliers"] = prep.outliers
            return out
        return apply(s, prep, user=user, reason=reason, replace_children=replace_children)


def import_frame(session: Session, kind: str, frame: pd.DataFrame, *, name: str,
                 user: str | None = None, reason: str | None = None) -> dict:
    """Import an in-memory frame (canonical column names, values already in stored units)
    through the same checks, in the caller's transaction (used by :func:`load_demo`)."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"{name}.csv"
        frame.to_csv(p, index=False)
        prep = prepare(session, kind, p)
        prep.file = name
        return apply(session, prep, user=user, reason=reason)


_ = dt  # datetime values flow through records
