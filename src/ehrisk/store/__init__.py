"""The risk-source database (一库): enterprises, stacks, outfalls, emissions, storages,
receptors, parks, administrative units, population grid, monitoring, inspections and problems,
with a versioned history; SQLite (embedded default) or PostgreSQL/PostGIS.

The store persists domain objects and answers spatial questions; it does not compute risk.
Entry points: :func:`ehrisk.store.db.open_engine`, :func:`ehrisk.store.importers.import_file`,
:func:`load_demo`, :mod:`ehrisk.store.spatial`, :mod:`ehrisk.store.history`,
:mod:`ehrisk.store.exports`, :mod:`ehrisk.reports.enterprise_file`.
"""

from __future__ import annotations


def load_demo(session, region, **kwargs):
    """Load the demo region into the store (see :func:`ehrisk.store.demo.load_demo`)."""
    from ehrisk.store.demo import load_demo as _load

    return _load(session, region, **kwargs)


__all__ = ["load_demo"]
