"""Runs and results in the database (ehrisk.results): recording, round trips, the read layer.

Runs on SQLite and, with EHRISK_TEST_PG_URL, on PostgreSQL (fixture ``engine`` in
tests/conftest.py)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from shapely.geometry import Point, Polygon
from sqlalchemy import select

from ehrisk.errors import EhriskError
from ehrisk.results import (
    artefact_path,
    data_dir,
    extract,
    get_run,
    list_runs,
    load_arrays,
    provenance,
    run_id_of,
)
from ehrisk.results.runs import RunRecorder
from ehrisk.store import models as m
from ehrisk.store.db import session_scope


def mixed_table() -> pd.DataFrame:
    return pd.DataFrame({
        "credit_code": ["91330200MA0000011X", "91330200MA0000022Y", "甲化工"],
        "n": np.array([1, -2, 3], dtype="int64"),
        "n32": np.array([7, 8, 9], dtype="int32"),
        "x": [0.1, np.nan, 1e-300],
        "name_zh": ["苯", None, "甲醛（工业级）"],
        "flag": [True, False, True],
        "when": pd.to_datetime(["2024-01-01 00:00:00.000", "2024-06-30 12:34:56.789", None]),
        "when_tz": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]
                                  ).tz_localize("Asia/Shanghai"),
        "cat": pd.Categorical(["red", "green", "red"]),
        "maybe": pd.array([1, None, 3], dtype="Int64"),
    })


def geo_table() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"zone_id": [1, 2], "level": ["高", "低"], "risk": [1.5e-5, np.nan]},
        geometry=[Polygon([(0, 0), (250, 0), (250, 250), (0, 250)]), Point(125.5, 300.25)],
        crs="EPSG:32651")


def start(engine, kind="test", **kw) -> RunRecorder:
    return RunRecorder.start(engine, kind, settings=kw.pop("settings", {"a": 1}),
                             provenance=kw.pop("provenance", {"ehrisk_version": "x"}), **kw)


def test_running_run_is_visible_at_once(engine):
    rec = start(engine, label="滨海", synthetic=True)
    r = get_run(engine, rec.run_id)
    assert r["status"] == "running" and r["finished_utc"] is None
    assert r["label"] == "滨海" and r["synthetic"] is True
    rec.finish()
    r = get_run(engine, rec.run_id)
    assert r["status"] == "completed" and r["finished_utc"] >= r["started_utc"]


def test_table_round_trip_keeps_values_and_dtypes(engine):
    df = mixed_table()
    with start(engine) as rec:
        rec.add_table("grading/codes", df)
    back = extract(engine, rec.run_id, "grading/codes")
    pd.testing.assert_frame_equal(back, df, check_exact=True)
    assert back["n"].dtype == np.int64 and back["flag"].dtype == bool
    assert pd.isna(back.loc[1, "x"]) and back.loc[1, "name_zh"] is None
    art = get_run(engine, rec.run_id)["artefacts"][0]
    assert art["kind"] == "table" and art["rows"] == 3 and art["columns"] == list(df.columns)
    assert art["relpath"] is None


def test_table_with_index_and_mixed_object_column(engine):
    df = pd.DataFrame({"v": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="cas"))
    mixed = pd.DataFrame({"m": [1, "二", None], "d": [{"a": 1}, [1, 2], "x"]})
    with start(engine) as rec:
        rec.add_table("t/indexed", df)
        rec.add_table("t/mixed", mixed)
    pd.testing.assert_frame_equal(extract(engine, rec.run_id, "t/indexed"), df)
    back = extract(engine, rec.run_id, "t/mixed")
    assert back["m"].tolist() == [1, "二", None]
    assert back["d"].tolist() == [{"a": 1}, [1, 2], "x"]


def test_geodataframe_round_trip_keeps_geometry_and_crs(engine):
    g = geo_table()
    with start(engine) as rec:
        rec.add_table("risk_map/zones", g)
    back = extract(engine, rec.run_id, "risk_map/zones")
    assert isinstance(back, gpd.GeoDataFrame)
    assert back.crs == g.crs
    assert back.geometry.geom_equals_exact(g.geometry, tolerance=0).all()
    pd.testing.assert_frame_equal(pd.DataFrame(back.drop(columns="geometry")),
                                  pd.DataFrame(g.drop(columns="geometry")), check_exact=True)
    art = get_run(engine, rec.run_id)["artefacts"][0]
    assert art["geometry"] == {"column": "geometry", "crs": "EPSG:32651"}


def test_arrays_round_trip_exactly(engine):
    rng = np.random.default_rng(1)
    dense = rng.random((4, 5))
    csr = sp.random(50, 40, density=0.1, format="csr", random_state=2)
    csc_arr = sp.csc_array(rng.integers(0, 3, (6, 7)).astype(np.float32))
    coo = sp.coo_matrix(([1.0, 2.0], ([0, 3], [1, 1])), shape=(5, 2))
    lil = sp.lil_matrix((3, 3))
    lil[1, 2] = 5.0
    ids = np.array(["91330200MA0000011X", "甲"])
    with start(engine) as rec:
        rec.add_arrays("grading/what_if", {"dense": dense, "csr": csr, "csc": csc_arr,
                                           "coo": coo, "lil": lil, "ids": ids})
    got = load_arrays(engine, rec.run_id, "grading/what_if")
    np.testing.assert_array_equal(got["dense"], dense)
    assert got["dense"].dtype == dense.dtype
    assert type(got["csr"]) is sp.csr_matrix and (got["csr"] != csr).nnz == 0
    np.testing.assert_array_equal(got["csr"].data, csr.data)
    np.testing.assert_array_equal(got["csr"].indices, csr.indices)
    assert type(got["csc"]) is sp.csc_array and got["csc"].dtype == np.float32
    np.testing.assert_array_equal(got["csc"].toarray(), csc_arr.toarray())
    assert type(got["coo"]) is sp.coo_matrix
    np.testing.assert_array_equal(got["coo"].toarray(), coo.toarray())
    assert got["lil"].format == "csr" and got["lil"][1, 2] == 5.0
    np.testing.assert_array_equal(got["ids"], ids)


def test_arrays_refuse_objects(engine):
    with start(engine) as rec, pytest.raises(TypeError, match="object dtype"):
        rec.add_arrays("x", {"o": np.array([{"a": 1}], dtype=object)})


def test_files_are_copied_and_recorded_by_relative_path(engine, tmp_path):
    src = tmp_path / "out" / "风险地图.png"
    src.parent.mkdir()
    src.write_bytes(b"\x89PNG fake bytes")
    with start(engine) as rec:
        rec.add_file("risk_map/map", src)
        rec.add_file("risk_map/地图.png", src)
        rec.add_arrays("risk_map/srm", {"m": sp.eye(3, format="csr")})
        rec.add_table("risk_map/cells", pd.DataFrame({"a": [1]}))
    p = artefact_path(engine, rec.run_id, "risk_map/map")
    assert p.read_bytes() == src.read_bytes() and p.suffix == ".png"
    assert p.is_relative_to(data_dir(engine)) and p != src
    assert artefact_path(engine, rec.run_id, "risk_map/地图.png").name == "地图.png"
    arts = {a["name"]: a for a in get_run(engine, rec.run_id)["artefacts"]}
    import hashlib
    assert arts["risk_map/map"]["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert arts["risk_map/map"]["bytes"] == len(src.read_bytes())
    # no absolute path (nor the source folder) anywhere in the catalogue or the run
    with session_scope(engine) as s:
        rows = s.execute(select(m.RunArtefact)).scalars().all()
        texts = [str(getattr(a, c.name)) for a in rows for c in m.RunArtefact.__table__.c]
        run = s.get(m.Run, rec.run_id)
        texts += [run.settings, run.provenance]
    for t in texts:
        assert not t.startswith("/") and str(tmp_path) not in t, t
    assert all(a["relpath"] is None or not a["relpath"].startswith("/")
               for a in arts.values())


def test_duplicate_names_and_missing_file_are_refused(engine, tmp_path):
    with start(engine) as rec:
        rec.add_table("a/b", pd.DataFrame({"x": [1]}))
        with pytest.raises(ValueError, match="already has an artefact"):
            rec.add_table("a/b", pd.DataFrame({"x": [2]}))
        with pytest.raises(EhriskError, match="is not a file"):
            rec.add_file("a/c", tmp_path / "nope.pdf")
        for bad in ("", "/abs", "a/../b", "a//b", "a\\b"):
            with pytest.raises(ValueError, match="artefact name"):
                rec.add_table(bad, pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="finished"):
        rec.add_table("a/z", pd.DataFrame({"x": [1]}))


def test_exception_in_context_manager_fails_the_run(engine):
    with pytest.raises(RuntimeError, match="boom"), start(engine) as rec:
        rec.step({"step": "screening", "status": "ran", "seconds": 0.5,
                  "summary": {"n": np.int64(3)}})
        raise RuntimeError("boom")
    r = get_run(engine, rec.run_id)
    assert r["status"] == "failed" and r["error"] == "boom"
    assert r["finished_utc"] is not None
    assert r["steps"] == [{"step": "screening", "status": "ran", "seconds": 0.5,
                           "summary": {"n": 3}}]


def test_steps_and_list_runs(engine):
    a = start(engine, kind="study")
    a.step({"step": "screening", "status": "ran", "seconds": 1.0, "summary": {}})
    a.step({"step": "grading", "status": "not_run", "seconds": 0.0,
            "reason": "step grading needs storages"})
    a.step({"step": "aqi", "status": "failed", "seconds": 0.1, "reason": "bad file"})
    a.finish("failed", "bad file")
    b = start(engine, kind="map")
    b.finish()
    with pytest.raises(ValueError, match="step status"):
        start(engine).step({"step": "x", "status": "done"})
    runs = list_runs(engine)
    assert [r["id"] for r in runs][:3] == sorted([r["id"] for r in runs], reverse=True)[:3]
    by_id = {r["id"]: r for r in runs}
    assert by_id[a.run_id]["steps"] == {"ran": 1, "not_run": 1, "failed": 1}
    assert by_id[b.run_id]["steps"] == {"ran": 0, "not_run": 0, "failed": 0}
    assert [r["id"] for r in list_runs(engine, kind="map")] == [b.run_id]
    assert len(list_runs(engine, limit=1)) == 1


def test_run_names(engine):
    with pytest.raises(EhriskError, match="no runs yet"):
        run_id_of(engine, "latest")
    a = start(engine, kind="study")
    a.finish()
    b = start(engine, kind="grade")
    b.finish()
    assert run_id_of(engine, "latest") == b.run_id
    assert run_id_of(engine, "latest:study") == a.run_id
    assert run_id_of(engine, str(a.run_id)) == a.run_id
    with pytest.raises(EhriskError, match="no run of kind 'map'.*grade, study"):
        run_id_of(engine, "latest:map")
    with pytest.raises(EhriskError, match="no run 999"):
        get_run(engine, 999)
    with pytest.raises(EhriskError, match="bad run"):
        run_id_of(engine, "newest")


def test_missing_extract_says_which_step_did_not_run(engine):
    with start(engine, kind="study") as rec:
        rec.step({"step": "screening", "status": "ran", "seconds": 1, "summary": {}})
        rec.step({"step": "grading", "status": "not_run", "seconds": 0,
                  "reason": "step grading needs storages (import storages)"})
    with pytest.raises(EhriskError) as e:
        extract(engine, rec.run_id, "grading/codes")
    msg = str(e.value)
    assert msg.startswith(f"run {rec.run_id} has no grading/codes")
    assert "screening ran, grading not run" in msg
    assert "the grading step did not run: step grading needs storages" in msg
    with pytest.raises(EhriskError, match="unknown extract 'grading/nope'.*grading/codes"):
        extract(engine, rec.run_id, "grading/nope")


def test_registered_function_extract(engine):
    from ehrisk.results import EXTRACTS, read_table, register_extract

    @register_extract("test/red", "红码", "red codes only")
    def _red(eng, run_id):
        codes = read_table(eng, run_id, "grading/codes")
        return codes[codes["code"] == "red"].reset_index(drop=True)

    try:
        with start(engine) as rec:
            rec.add_table("grading/codes", pd.DataFrame({"code": ["red", "green", "red"],
                                                         "i": [1, 2, 3]}))
        assert extract(engine, rec.run_id, "test/red")["i"].tolist() == [1, 3]
    finally:
        EXTRACTS.pop("test/red")


def test_moved_sqlite_database_keeps_its_files(tmp_path):
    from ehrisk.store.db import open_engine

    first = tmp_path / "a" / "ehrisk.sqlite"
    eng = open_engine(str(first))
    doc = tmp_path / "report.pdf"
    doc.write_bytes(b"%PDF-1.4 fake")
    mat = sp.random(20, 10, density=0.2, format="csr", random_state=3)
    with RunRecorder.start(eng, "grade", settings={}, provenance={}) as rec:
        rec.add_arrays("grading/what_if", {"m": mat})
        rec.add_file("grading/report", doc)
    assert data_dir(eng) == first.parent / "ehrisk.sqlite.data"
    eng.dispose()
    moved = tmp_path / "elsewhere" / "deep"
    moved.mkdir(parents=True)
    first.rename(moved / "ehrisk.sqlite")
    (first.parent / "ehrisk.sqlite.data").rename(moved / "ehrisk.sqlite.data")
    eng2 = open_engine(str(moved / "ehrisk.sqlite"))
    got = load_arrays(eng2, "latest", "grading/what_if")["m"]
    assert (got != mat).nnz == 0
    p = artefact_path(eng2, "latest", "grading/report")
    assert p.is_relative_to(moved) and p.read_bytes() == doc.read_bytes()
    # a database moved without its folder says so
    (moved / "ehrisk.sqlite.data").rename(tmp_path / "lost")
    with pytest.raises(EhriskError, match="missing.*move together"):
        load_arrays(eng2, "latest", "grading/what_if")
    eng2.dispose()


def test_changed_arrays_file_is_detected(engine):
    with start(engine) as rec:
        rec.add_arrays("x/m", {"a": np.arange(5)})
    p = artefact_path(engine, rec.run_id, "x/m")
    p.write_bytes(p.read_bytes() + b"\0")
    with pytest.raises(EhriskError, match="has changed"):
        load_arrays(engine, rec.run_id, "x/m")


def test_postgres_data_dir_rule(monkeypatch, tmp_path):
    from sqlalchemy import create_engine

    eng = create_engine("postgresql+psycopg://u:p@localhost/db")   # never connected
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir(eng) == tmp_path / "xdg" / "ehrisk" / "data"
    monkeypatch.setenv("EHRISK_DATA_DIR", str(tmp_path / "shared"))
    assert data_dir(eng) == tmp_path / "shared"
    with pytest.raises(EhriskError, match="in-memory"):
        data_dir(create_engine("sqlite://"))


def test_provenance_records_checksums_not_paths(tmp_path):
    f = tmp_path / "emissions.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    d = tmp_path / "prsa"
    d.mkdir()
    (d / "x.csv").write_text("1\n")
    p = provenance({"emissions": f, "stations": d})
    import hashlib
    assert p["inputs"]["emissions"] == {"file": "emissions.csv", "bytes": 8,
                                        "sha256": hashlib.sha256(b"a,b\n1,2\n").hexdigest()}
    assert p["inputs"]["stations"]["files"] == 1
    assert str(tmp_path) not in json.dumps(p)
    assert p["reference_tables"] and p["ehrisk_version"]
    with pytest.raises(EhriskError, match="does not exist"):
        provenance({"x": tmp_path / "nope.csv"})


def test_migration_matches_models(tmp_path):
    """The 0003 migration creates exactly what the run models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ehrisk.store.db import open_engine

    eng = open_engine(str(tmp_path / "m.sqlite"))
    with eng.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}),
                                m.Base.metadata)
    mine = [d for d in diff if "run" in repr(d) and "risk_map_run" not in repr(d)]
    assert mine == []
    eng.dispose()


def test_migration_0003_downgrades_and_upgrades(engine):
    """0003 goes down to 0002 (run tables dropped, older tables kept) and up again."""
    from alembic import command
    from sqlalchemy import inspect

    from ehrisk.store.db import _alembic_config, current_revision, upgrade

    start(engine).finish()
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0002")
    assert current_revision(engine) == "0002"
    names = set(inspect(engine).get_table_names())
    assert not names & {"run", "run_step", "run_artefact", "run_table"}
    assert "risk_code_history" in names
    assert upgrade(engine) == ("0002", "0003")
    assert list_runs(engine) == []
