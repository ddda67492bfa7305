"""Results written back into the database: environmental health risk codes (环境健康风险码)
with their history, and the per-enterprise attributable risk of the newest risk map.

A code row is added for an enterprise when its code, its fired rules or the checksum of its
inputs (storages, management, sensitivity, attributable risk, problems, priority pollutants
emitted) differ from its newest row; the change is classified by the ``compare`` function the
caller passes (the grading service passes :func:`ehrisk.grading.lists.compare_codes`: ``new``,
``raised``, ``lowered``, ``reasons_changed``), or ``inputs_changed`` when only the inputs
changed. store/ does not import the science modules.

Risk-map results are read from the runs by :mod:`ehrisk.results.enterprise` (the read layer);
this module stores only the domain records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import PurePath

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehrisk.io.jsonsafe import plain
from ehrisk.store import models as m

RESULT_COLUMNS = ["credit_code", "max_cancer_risk_contribution", "max_hi_contribution",
                  "attributable_cases_per_yr", "top_substance"]


def _plain(v):
    """JSON-safe scalar (see :func:`ehrisk.io.jsonsafe.plain`); other objects as text."""
    v = plain(v)
    return v if v is None or isinstance(v, (bool, int, float, str)) else str(v)

def _json(obj) -> str:
    def enc(o):
        if isinstance(o, dict):
            return {str(k): enc(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [enc(v) for v in o]
        return _plain(o)
    return json.dumps(enc(obj), ensure_ascii=False, sort_keys=True)


def save_risk_map(session: Session, summary: dict, enterprise_table: pd.DataFrame, out_dir: str,
                  *, cutoff_m: float | None = None, met_source: str | None = None,
                  inputs_sha256: str | None = None) -> int:
    """Store one risk-map run and its per-enterprise table in the older ``risk_map_run`` tables
    (kept for ``ehrisk map run`` until it records runs); returns the run id. Only the folder's
    name is stored, never a path of this machine."""
    run = m.RiskMapRun(out_dir=PurePath(str(out_dir)).name,
                       inventory_year=(summary.get("model") or {}).get("inventory_year"),
                       resolution_m=float(summary["resolution_m"]), cutoff_m=cutoff_m,
                       crs=summary.get("crs"), basis=summary.get("basis"),
                       met_source=met_source, inputs_sha256=inputs_sha256,
                       summary=_json({k: v for k, v in summary.items()
                                      if k not in ("model",)}))
    session.add(run)
    session.flush()
    rows = [{"run_id": run.id, **{c: _plain(getattr(r, c)) for c in RESULT_COLUMNS}}
            for r in enterprise_table[RESULT_COLUMNS].itertuples(index=False)]
    for r in rows:
        r["top_substance"] = r["top_substance"] or None
    if rows:
        session.execute(m.RiskMapResult.__table__.insert(), rows)
    return int(run.id)


def latest_risk_map(session: Session) -> tuple[m.RiskMapRun | None, pd.DataFrame]:
    """The newest risk-map run and its per-enterprise table (empty when none)."""
    run = session.scalar(select(m.RiskMapRun).order_by(m.RiskMapRun.id.desc()).limit(1))
    if run is None:
        return None, pd.DataFrame(columns=RESULT_COLUMNS)
    q = select(*[getattr(m.RiskMapResult, c) for c in RESULT_COLUMNS]).where(
        m.RiskMapResult.run_id == run.id).order_by(m.RiskMapResult.id)
    df = pd.DataFrame(session.execute(q).all(), columns=RESULT_COLUMNS)
    df["top_substance"] = df["top_substance"].fillna("")
    return run, df


def enterprise_inputs(codes: pd.Series, tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Per-enterprise inputs of the code as canonical JSON and its SHA-256.

    Parameters
    ----------
    codes : Series of str
        Credit codes.
    tables : dict
        Name -> DataFrame with a ``credit_code`` column (rows of that enterprise are included,
        sorted), or None.

    Returns
    -------
    DataFrame
        ``credit_code, inputs, inputs_sha256``.
    """
    parts: dict[str, dict[str, list]] = {str(c): {} for c in codes}
    for name, df in tables.items():
        if df is None or len(df) == 0:
            continue
        cols = sorted(c for c in df.columns if c != "credit_code")
        d = df.sort_values(["credit_code", *cols[:1]], kind="stable")
        for cc, g in d.groupby("credit_code", sort=False):
            if str(cc) in parts:
                parts[str(cc)][name] = [[_plain(v) for v in row]
                                        for row in g[cols].itertuples(index=False)]
                parts[str(cc)][name].insert(0, cols)
    rows = []
    for cc, p in parts.items():
        js = _json(p)
        rows.append({"credit_code": cc, "inputs": js,
                     "inputs_sha256": hashlib.sha256(js.encode("utf-8")).hexdigest()})
    return pd.DataFrame(rows, columns=["credit_code", "inputs", "inputs_sha256"])


def current_codes(session: Session) -> pd.DataFrame:
    """The newest code row per enterprise."""
    newest = (select(m.RiskCodeHistory.credit_code, func.max(m.RiskCodeHistory.id).label("mid"))
              .group_by(m.RiskCodeHistory.credit_code).subquery())
    q = select(m.RiskCodeHistory).join(newest, m.RiskCodeHistory.id == newest.c.mid)
    cols = ["credit_code", "code", "level", "fired_rules", "reasons_zh", "reasons_en",
            "inputs_sha256", "computed_at"]
    return pd.DataFrame([[getattr(r, c) for c in cols] for r in session.scalars(q)],
                        columns=cols)


def save_codes(session: Session, codes: pd.DataFrame, inputs: pd.DataFrame, *,
               compare: Callable[..., pd.DataFrame], risk_map_run_id: int | None = None,
               user: str | None = None) -> pd.DataFrame:
    """Record the codes of one grading run; returns the rows added (the changes).

    Parameters
    ----------
    codes : DataFrame
        :func:`ehrisk.grading.risk_code.risk_codes` output (``credit_code, code, fired_rules,
        reasons_zh, reasons_en, hj941_code``).
    inputs : DataFrame
        :func:`enterprise_inputs` output.
    compare : callable
        ``compare(previous, current, include_unchanged=True)`` -> one row per enterprise with
        ``credit_code, change, previous_code`` (:func:`ehrisk.grading.lists.compare_codes`).
    risk_map_run_id : int, optional
        The run whose risk map gave the attributable risk.
    """
    prev = current_codes(session)
    cur = codes.merge(inputs, on="credit_code", how="left")
    cmp = compare(prev, cur, include_unchanged=True).set_index("credit_code")
    prev_sha = dict(zip(prev["credit_code"], prev["inputs_sha256"], strict=True))
    now = m.utcnow()
    added = []
    for r in cur.itertuples(index=False):
        change = str(cmp.at[r.credit_code, "change"])
        sha = r.inputs_sha256
        if change == "unchanged":
            if prev_sha.get(r.credit_code) == sha:
                continue
            change = "inputs_changed"
        pc = cmp.at[r.credit_code, "previous_code"]
        row = {"credit_code": r.credit_code, "computed_at": now, "code": r.code,
               "level": _plain(getattr(r, "hj941_code", None)),
               "fired_rules": _plain(r.fired_rules), "reasons_zh": _plain(r.reasons_zh),
               "reasons_en": _plain(r.reasons_en),
               "previous_code": pc if isinstance(pc, str) else None, "change": change,
               "inputs_sha256": sha, "inputs": r.inputs, "risk_map_run_id": risk_map_run_id,
               "user": user}
        added.append(row)
    if added:
        session.execute(m.RiskCodeHistory.__table__.insert(), added)
    cols = ["credit_code", "code", "previous_code", "change", "level", "fired_rules",
            "reasons_zh"]
    return pd.DataFrame([{c: a[c] for c in cols} for a in added], columns=cols)


def code_history(session: Session, code: str) -> list[dict]:
    """Every recorded code of one enterprise, newest first."""
    q = (select(m.RiskCodeHistory).where(m.RiskCodeHistory.credit_code == code.upper())
         .order_by(m.RiskCodeHistory.id.desc()))
    cols = ["computed_at", "code", "level", "fired_rules", "reasons_zh", "reasons_en",
            "previous_code", "change", "inputs_sha256", "risk_map_run_id", "user"]
    out = []
    for r in session.scalars(q):
        d = {c: getattr(r, c) for c in cols}
        d["computed_at"] = r.computed_at.isoformat(sep=" ", timespec="seconds")
        out.append(d)
    return out
