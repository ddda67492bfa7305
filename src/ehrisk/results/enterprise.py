"""Per-enterprise results read from the runs (read layer): the newest run that has an
artefact, the attributable risk of one enterprise in the newest risk map, and the summary that
``ehrisk enterprise show`` and the enterprise file (一企一档) print (current risk code with its
history, HJ 941-2018 level, open problems, attributable risk).

These read in the caller's session (opening a second session would wait on the caller's own
SQLite write lock)."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehrisk.store import models as m
from ehrisk.store.results import RESULT_COLUMNS, _plain, code_history

RISK_MAP_EXTRACT = "risk_map/enterprise_risk"


def latest_run_with(session: Session, name: str) -> int | None:
    """Id of the newest run (not failed) that has the artefact ``name``, or None."""
    q = (select(m.Run.id).join(m.RunArtefact, m.RunArtefact.run_id == m.Run.id)
         .where(m.RunArtefact.name == name, m.Run.status != "failed")
         .order_by(m.Run.id.desc()).limit(1))
    rid = session.scalar(q)
    return None if rid is None else int(rid)


def risk_map_result(session: Session, code: str) -> dict | None:
    """The attributable risk of one enterprise in the newest risk map: the table
    ``risk_map/enterprise_risk`` of the newest run that has it, decoded by the read layer's
    codec (:mod:`ehrisk.results.codec`), with the run's id, time and kind; None when no run
    has it."""
    rid = latest_run_with(session, RISK_MAP_EXTRACT)
    if rid is None:
        return None
    df = _stored_table(session, rid, RISK_MAP_EXTRACT)
    row = df[df["credit_code"].astype(str) == code.upper()]
    if row.empty:
        return None
    run = session.get(m.Run, rid)
    out = {c: _plain(row.iloc[0][c]) if c in row.columns else None for c in RESULT_COLUMNS}
    out["top_substance"] = out["top_substance"] or None
    try:
        settings = json.loads(run.settings or "{}")
        prov = json.loads(run.provenance or "{}")
    except ValueError:
        settings, prov = {}, {}
    rm = settings.get("risk_map") if isinstance(settings.get("risk_map"), dict) else settings
    inv = prov.get("inventory") if isinstance(prov.get("inventory"), dict) else {}
    out.update({"run_id": rid, "run_kind": run.kind,
                "computed_at": run.started_utc.isoformat(sep=" ", timespec="seconds"),
                "resolution_m": _plain(rm.get("resolution_m")),
                "inventory_year": _plain(inv.get("year"))})
    return out


def _stored_table(session: Session, run_id: int, name: str) -> pd.DataFrame:
    """A stored table of a run, read in the caller's session (the way
    :func:`ehrisk.results.read_table` reads it; opening a second session here would wait on
    the caller's own SQLite write lock)."""
    from ehrisk.results.codec import decode_table

    a = session.scalar(select(m.RunArtefact).where(m.RunArtefact.run_id == run_id,
                                                   m.RunArtefact.name == name))
    row = session.get(m.RunTable, a.id)
    return decode_table(bytes(row.data), json.loads(a.meta) if a.meta else {})


CODE_ZH = {"red": "红码", "yellow": "黄码", "green": "绿码"}


def enterprise_risk_summary(session: Session, code: str) -> dict:
    """Current risk code with reasons, its history, the HJ 941-2018 level, the open problems
    and the newest attributable risk of one enterprise (for ``ehrisk enterprise show`` and the
    enterprise file)."""
    hist = code_history(session, code)
    ent_id = session.scalar(select(m.Enterprise.id).where(
        m.Enterprise.credit_code == code.upper()))
    probs = [] if ent_id is None else [
        {"problem_id": p.problem_id, "found_on": p.found_on.isoformat(), "finding": p.finding,
         "deadline": p.deadline.isoformat() if p.deadline else None, "status": p.status}
        for p in session.scalars(select(m.Problem).where(
            m.Problem.enterprise_id == ent_id, m.Problem.status.in_(
                ["open", "in_progress", "overdue"])).order_by(m.Problem.problem_id))]
    return {"current": hist[0] if hist else None, "history": hist,
            "hj941_level": hist[0]["level"] if hist else None, "open_problems": probs,
            "risk_map": risk_map_result(session, code)}
