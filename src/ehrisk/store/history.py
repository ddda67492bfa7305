"""Versioning of enterprises and their children (版本记录): every insert, update and delete is
a row of ``change_log`` with who, when, why and the old and new value of each field.

:func:`enterprise_history` lists the changes of one enterprise; :func:`enterprise_as_of`
rebuilds the enterprise and its children as they stood at a moment, by undoing the logged
changes made after it.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehrisk.io import jsonsafe
from ehrisk.store import kinds as K
from ehrisk.store import models as m
from ehrisk.store.db import StoreError


def dumps(obj) -> str:
    """Stable JSON of a change or key (sorted keys; see :func:`ehrisk.io.jsonsafe.dumps`)."""
    return jsonsafe.dumps(obj, sort_keys=True)


def key_json(key: tuple) -> str:
    return dumps(list(key))


def record(obj, kind: K.Kind, code: str) -> dict:
    """A stored row as a plain dict of the kind's fields (dates as ISO strings)."""
    fields = list(kind.stored) + (["amount_t_yr"] if kind.name == "emissions" else [])
    out = {"credit_code": code} if kind.child else {}
    for f in fields:
        v = getattr(obj, f)
        out[f] = jsonsafe.plain(v) if isinstance(v, dt.date | dt.datetime) else v
    return out


def get_enterprise(session: Session, code: str) -> m.Enterprise:
    ent = session.scalar(select(m.Enterprise).where(m.Enterprise.credit_code == code.upper()))
    if ent is None:
        raise StoreError(f"no enterprise with credit code {code!r} in the database")
    return ent


def current_state(session: Session, code: str) -> dict[str, dict[str, dict]]:
    """The enterprise and its children now: ``{kind: {entity_key_json: record}}``."""
    ent = get_enterprise(session, code)
    state = {"enterprises": {key_json((ent.credit_code,)):
                             record(ent, K.KINDS["enterprises"], ent.credit_code)}}
    for name in K.CHILD_KINDS:
        kind = K.KINDS[name]
        rows = {}
        for obj in session.scalars(select(kind.model)
                                   .where(kind.model.enterprise_id == ent.id)
                                   .order_by(kind.model.id)):
            key = (ent.credit_code, *[getattr(obj, k) for k in kind.key[1:]])
            rows[key_json(key)] = record(obj, kind, ent.credit_code)
        state[name] = rows
    return state


def changes(session: Session, code: str, since: dt.datetime | None = None) -> list[m.ChangeLog]:
    """Logged changes of an enterprise and its children, oldest first."""
    q = select(m.ChangeLog).where(m.ChangeLog.credit_code == code.upper())
    if since is not None:
        q = q.where(m.ChangeLog.at > since)
    return list(session.scalars(q.order_by(m.ChangeLog.id)))


def enterprise_history(session: Session, code: str) -> list[dict]:
    """Every change of an enterprise and its children: time (UTC), user, reason, operation,
    table, key and ``{field: [old, new]}``."""
    get_enterprise(session, code)
    return [{"at": c.at.isoformat(sep=" ", timespec="seconds"), "user": c.user,
             "reason": c.reason, "op": c.op, "entity": c.entity,
             "key": json.loads(c.entity_key), "changes": json.loads(c.changes),
             "batch_id": c.batch_id} for c in changes(session, code)]


def enterprise_as_of(session: Session, code: str, when: dt.datetime) -> dict[str, list[dict]]:
    """The enterprise and its children as they stood at ``when`` (naive UTC).

    Starts from the current state and undoes, newest first, every logged change made after
    ``when``: an insert removes the row, an update restores the old values, a delete brings
    the row back. Raises :class:`StoreError` if the enterprise did not exist yet.
    """
    state = current_state(session, code)
    for c in reversed(changes(session, code, since=when)):
        rows = state.setdefault(c.entity, {})
        diff = json.loads(c.changes)
        if c.op == "insert":
            rows.pop(c.entity_key, None)
        elif c.op == "update":
            rec = rows.get(c.entity_key)
            if rec is not None:
                for f, (old, _new) in diff.items():
                    rec[f] = old
        elif c.op == "delete":
            rec = {f: old for f, (old, _new) in diff.items()}
            if K.KINDS[c.entity].child:
                rec["credit_code"] = code.upper()
            rows[c.entity_key] = rec
    if not state["enterprises"]:
        raise StoreError(f"enterprise {code} did not exist in the database at {when}")
    return {k: list(v.values()) for k, v in state.items()}
