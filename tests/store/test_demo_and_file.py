"""Demo region into the store; the per-enterprise file (DOCX/PDF); migrations."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from ehrisk.store import load_demo
from ehrisk.store import models as m
from ehrisk.store.db import StoreError, current_revision, head_revision, open_engine, session_scope

N_DEMO_ENTERPRISES = 4


@pytest.fixture(scope="module")
def small_region():
    from ehrisk.demo import generate

    r = generate()
    codes = set(r.enterprises["credit_code"].head(N_DEMO_ENTERPRISES))

    def sub(df):
        return df[df["credit_code"].isin(codes)].reset_index(drop=True)

    return dataclasses.replace(r, enterprises=sub(r.enterprises), stacks=sub(r.stacks),
                               emissions=sub(r.emissions), storages=sub(r.storages),
                               water_outfalls=sub(r.water_outfalls),
                               risk_management=sub(r.risk_management))


def test_load_demo_then_reload_is_unchanged(engine, small_region):
    r = small_region
    with session_scope(engine) as s:
        res = load_demo(s, r, observations="none")
    got = {x["kind"]: x["inserted"] for x in res}
    assert got["enterprises"] == N_DEMO_ENTERPRISES
    assert got["stacks"] == len(r.stacks) and got["emissions"] == len(r.emissions)
    assert got["receptors"] == len(r.receptors) and got["population"] == len(r.population_grid)
    with session_scope(engine) as s:
        total = s.scalar(select(func.sum(m.Emission.amount_t_yr)))
        n_area = s.scalar(select(func.count()).select_from(m.Receptor)
                          .where(m.Receptor.geom_wkt != ""))
    assert total == pytest.approx(r.emissions["amount_t_yr"].sum(), rel=1e-12)
    assert n_area == r.receptor_areas["receptor_id"].nunique()   # zones 1+2 merged
    with session_scope(engine) as s:
        again = load_demo(s, r, observations="none")
    assert all(x["inserted"] == x["updated"] == 0 for x in again)


def test_enterprise_file_docx_and_pdf(engine, small_region, tmp_path):
    from docx import Document

    from ehrisk.reports.enterprise_file import write_file

    with session_scope(engine) as s:
        load_demo(s, small_region, observations="none")
    code = small_region.enterprises["credit_code"].iloc[0]
    with session_scope(engine) as s:
        res = write_file(s, code, tmp_path / "f.docx")
    doc = Document(tmp_path / "f.docx")
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads[0] == "一、基本信息" and len(heads) == res["sections"] == 9
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert code in cells
    assert len(doc.inline_shapes) == 1            # the location map
    with session_scope(engine) as s:     # the packaged font: no system font needed
        res = write_file(s, code, tmp_path / "f.pdf")
    data = (tmp_path / "f.pdf").read_bytes()
    assert res["engine"] == "reportlab"
    assert data.startswith(b"%PDF") and b"NotoSansSC-Regular" in data   # SC face embedded


def test_migrations_head_and_guard(db_url):

    with pytest.raises(StoreError, match="ehrisk db init"):
        open_engine(db_url, create=False)
    eng = open_engine(db_url)
    assert current_revision(eng) == head_revision() == "0003"
    from alembic import command

    from ehrisk.store.db import _alembic_config, upgrade

    with eng.begin() as conn:
        command.downgrade(_alembic_config(conn), "base")
    assert current_revision(eng) is None
    assert upgrade(eng) == (None, "0003")
