"""Service ``enterprise_files`` (一企一档): the per-enterprise file, DOCX and PDF, of chosen
enterprises, from the study's database.

The file is built from the database (:mod:`ehrisk.reports.enterprise_file`): identity, map,
stacks and outfalls, emissions, storages, surroundings, monitoring, inspections and problems,
and the risk code (with its history) and the attributable risk of the newest risk map. The
service runs after ``grading`` (it uses ``risk_codes``) so that the codes of this run are in
the database when the files are written. It computes nothing; its writer writes the files under
``out_dir/enterprise_files``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from sqlalchemy import select

from ehrisk.errors import InputError, Problem
from ehrisk.inventory import Inventory
from ehrisk.services import (
    NotRun,
    Products,
    Section,
    StepContext,
    StepResult,
    service,
    writer,
)


class EnterpriseFilesSettings(Section):
    """``[enterprise_files]``: which enterprises get a file (一企一档)."""

    enabled: bool = Field(True, description="Write enterprise files.")
    count: int = Field(1, ge=0, description="Files for the N largest air emitters of the "
                       "inventory year (ignored when credit_codes are given).")
    credit_codes: list[str] | None = Field(None, description="Files for these enterprises "
                                           "(unified social credit codes).")
    formats: list[Literal["docx", "pdf"]] = Field(["docx", "pdf"], description="File formats.")
    pdf_engine: Literal["auto", "reportlab", "libreoffice"] = Field(
        "auto", description="PDF renderer: reportlab (auto; the packaged Chinese font "
                            "embedded) or libreoffice (converts the DOCX; needs soffice).")
    issuer: str | None = Field(None, description="Issuing unit on the cover (编制单位); "
                                                 "default [study] issuer, else a blank line "
                                                 "to fill in.")


def choose(inv: Inventory, s: EnterpriseFilesSettings) -> list[str]:
    """The credit codes to write files for: ``s.credit_codes`` (each must be an enterprise of
    the inventory), else the ``s.count`` largest emitters to air of the inventory year."""
    known = set(inv.enterprises["credit_code"].astype(str))
    if s.credit_codes:
        codes = [c.strip().upper() for c in s.credit_codes]
        bad = [c for c in codes if c not in known]
        if bad:
            raise InputError([Problem("[enterprise_files] credit_codes",
                                      f"enterprise {c} is not in the inventory",
                                      column="credit_codes") for c in bad])
        return list(dict.fromkeys(codes))
    em = inv.emissions_of_year()
    air = em[em["medium"] == "air"]
    top = (air.groupby("credit_code")["amount_t_yr"].sum().sort_values(ascending=False,
                                                                        kind="stable"))
    return [str(c) for c in top.index[: s.count]]


@service("enterprise_files", EnterpriseFilesSettings, needs=("enterprises", "emissions"),
         uses=("risk_codes",), title_zh="一企一档")
def run_enterprise_files(inv: Inventory, s: EnterpriseFilesSettings, products: Products,
                         ctx: StepContext) -> StepResult:
    """Choose the enterprises; the writer writes their files from the database."""
    if not s.enabled:
        raise NotRun("enterprise files disabled ([enterprise_files] enabled = false)")
    if ctx.engine is None:
        raise NotRun("enterprise files need the study's database")
    codes = choose(inv, s)
    if not codes:
        raise NotRun("no enterprise chosen (count = 0 and no credit_codes, or no emissions "
                     "to air in the inventory year)")
    from ehrisk.store import models as m
    from ehrisk.store.db import session_scope

    with session_scope(ctx.engine) as session:
        in_db = set(session.scalars(select(m.Enterprise.credit_code).where(
            m.Enterprise.credit_code.in_(codes))))
    missing = [c for c in codes if c not in in_db]
    codes = [c for c in codes if c in in_db]
    if not codes:
        raise NotRun(f"enterprise(s) {', '.join(missing)} not in the study's database")
    summary = {"enterprises": codes, "formats": list(s.formats),
               "risk_codes_of_this_run": products.risk_codes is not None}
    if missing:
        summary["not_in_database"] = missing
    return StepResult(summary=summary, payload={"engine": ctx.engine, "codes": codes,
                                                "formats": list(s.formats),
                                                "pdf_engine": s.pdf_engine,
                                                "issuer": s.issuer})


@writer("enterprise_files")
def write_enterprise_files(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    """DOCX/PDF files ``out_dir/enterprise_files/<credit code>.<ext>``."""
    from ehrisk.reports.enterprise_file import write_file
    from ehrisk.store.db import session_scope

    p = res.payload
    folder = Path(out_dir) / "enterprise_files"
    out: dict[str, Path] = {}
    with session_scope(p["engine"]) as session:
        for code in p["codes"]:
            for ext in p["formats"]:
                r = write_file(session, code, folder / f"{code}.{ext}",
                               pdf_engine=p["pdf_engine"], issuer=p.get("issuer"))
                out[f"{code}.{ext}"] = Path(r["file"])
    return out
