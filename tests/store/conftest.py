"""Data for the store tests. The ``db_url`` and ``engine`` fixtures (SQLite and, when
``EHRISK_TEST_PG_URL`` is set, PostgreSQL/PostGIS in a throw-away schema) are the root
``tests/conftest.py``'s."""

from __future__ import annotations

import os

import pytest

from ehrisk.identifiers import org_check_char, uscc_check_char

PG_ENV = "EHRISK_TEST_PG_URL"


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def make_code(i: int, area: str = "330200") -> str:
    """A credit code that passes both checks (fixture data, built with the generator's
    check-character functions; the checks themselves are tested against GB 32100-2015)."""
    body8 = f"MA{i:06d}"
    org = body8 + org_check_char(body8)
    first17 = "91" + area + org
    return first17 + uscc_check_char(first17)


CODES = [make_code(i) for i in range(1, 6)]

ENTERPRISES_CSV = (
    "统一社会信用代码,企业名称,行业代码,所在园区编号,经度,纬度,生产状态,排污许可管理类别\n"
    f"{CODES[0]},甲化工有限公司,2614,,121.70,29.90,在产,重点管理\n"
    f"{CODES[1]},乙涂料有限公司,2641,,121.72,29.91,operating,简化管理\n"
    f"{CODES[2]},丙印刷有限公司,2319,,121.74,29.92,停产,登记管理\n"
)

STACKS_CSV = (
    "统一社会信用代码,排气筒编号,高度(m),出口内径(m),烟气流速(m/s),烟气温度(K),经度,纬度\n"
    f"{CODES[0]},DA001,45,1.2,12.5,393.15,121.7001,29.9001\n"
    f"{CODES[0]},DA002,30,0.8,10,353.15,121.7002,29.9002\n"
    f"{CODES[1]},DA001,25,0.6,8,313.15,121.7201,29.9101\n"
)

EMISSIONS_CSV = (
    "统一社会信用代码,排放口编号,污染物(CAS号或名称),介质,年份,数据来源,排放量,单位\n"
    f"{CODES[0]},DA001,71-43-2,大气,2024,监测,1.5,t/a\n"
    f"{CODES[0]},DA001,甲苯,air,2024,monitoring,2500,kg/a\n"
    f"{CODES[1]},,二甲苯,大气,2024,排污许可,0.8,吨/年\n"
)


@pytest.fixture()
def files(tmp_path):
    """Write the small CSV fixtures and return their paths."""
    out = {}
    for name, text_ in (("enterprises", ENTERPRISES_CSV), ("stacks", STACKS_CSV),
                        ("emissions", EMISSIONS_CSV)):
        p = tmp_path / f"{name}.csv"
        p.write_text(text_, encoding="utf-8")
        out[name] = p
    return out


@pytest.fixture()
def loaded(engine, files):
    """Engine with the three fixture files imported."""
    from ehrisk.store.importers import import_file

    for k in ("enterprises", "stacks", "emissions"):
        import_file(engine, k, files[k], user="tester", reason="fixture")
    return engine
