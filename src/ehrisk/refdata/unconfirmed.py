"""The reference values not yet checked against a readable source: ``docs/unconfirmed.md``.

A row of a packaged table (``refdata/tables/*.csv``) counts as unconfirmed when its ``note``
contains ``UNCONFIRMED``; the note says why (the standard's text was not readable here, the
value is recalled from memory, an ehrisk default with no published value, ...). This module
lists those rows with table, key, value and reason, and counts them per table against the
count made before the verification pass of issue 10 (commit 2e263fa).

Run ``python -m ehrisk.refdata.unconfirmed > docs/unconfirmed.md`` to regenerate the page;
``tests/refdata/test_unconfirmed.py`` fails while the committed page differs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pandas as pd

from ehrisk.refdata import load_table, table_names

MARK = "UNCONFIRMED"

#: Rows and unconfirmed rows per table, counted at commit 2e263fa before the verification
#: pass (issue 10): 1,222 of 1,975 rows. Tables added later have no entry.
BASELINE: dict[str, tuple[int, int]] = {
    "aqhi_categories": (44, 11), "aqhi_coefficients": (31, 5), "aqhi_messages": (18, 10),
    "aqi_breakpoints": (203, 20), "aqi_grades": (18, 12), "aqi_rules": (29, 5),
    "chemical_lists": (215, 81), "chemicals": (146, 139), "crf": (56, 4),
    "demo_magnitudes": (416, 385), "dispersion_coefficients": (209, 39),
    "exposure_factor_distributions": (12, 12), "exposure_factors_china_handbook": (10, 7),
    "exposure_factors_epa_rsl": (98, 98), "exposure_factors_hj25_3_2019": (53, 53),
    "hj941_2018_critical_quantities": (39, 39), "hj941_2018_scores": (83, 80),
    "response_spec_standard": (10, 3), "risk_code_rules": (14, 2), "screening_weights": (29, 10),
    "site_params_hj25_3_2019": (43, 42), "store_checks": (13, 5), "store_gcj02": (8, 2),
    "supervision_frequency": (3, 3), "toxicity_epa_rsl": (87, 87),
    "toxicity_hj25_3_2019": (61, 61), "valuation": (5, 3), "warning_levels": (15, 0),
    "zoning_rules": (7, 4),
}
BASELINE_COMMIT = "2e263fa"

#: Columns that identify a row (key) and carry its value(s), per table; tables not listed
#: use their first columns as key and ``value`` (if any) as value.
KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "aqhi_categories": (("method", "level"), ("value_low", "value_high")),
    "aqhi_coefficients": (("method", "term"), ("value", "unit")),
    "aqhi_messages": (("method", "category_en", "audience"), ("message_en",)),
    "aqi_breakpoints": (("edition", "pollutant", "averaging", "iaqi_lo"),
                        ("conc_lo", "conc_hi", "unit")),
    "aqi_grades": (("edition", "grade"), ("aqi_low", "aqi_high", "category_zh")),
    "aqi_rules": (("edition", "rule"), ("value",)),
    "chemical_lists": (("list_id", "cas"), ("item_name_zh",)),
    "chemicals": (("cas", "name_en"), ("log_kow", "iarc_group", "target_organs")),
    "crf": (("crf_id",), ("beta", "rr", "rr_lo", "rr_hi")),
    "demo_magnitudes": (("group", "key", "cas", "medium"), ("value", "unit")),
    "dispersion_coefficients": (("group", "key", "stability", "x_min_km"),
                                ("a", "b", "c", "value", "unit")),
    "exposure_factor_distributions": (("set", "receptor", "parameter"),
                                      ("distribution", "p1", "p2", "p3", "unit")),
    "hj941_2018_critical_quantities": (("cas", "name_zh"), ("critical_quantity_t",)),
    "hj941_2018_scores": (("section", "medium", "item", "q_code", "m_code", "e_code"),
                          ("threshold", "value", "level")),
    "response_spec_standard": (("parameter",), ("value", "unit")),
    "risk_code_rules": (("rule_id",), ("threshold", "unit")),
    "screening_weights": (("parameter",), ("value", "unit")),
    "site_params_hj25_3_2019": (("parameter", "land_use"), ("value", "unit")),
    "store_checks": (("key",), ("value", "unit")),
    "store_gcj02": (("key",), ("value", "unit")),
    "supervision_frequency": (("code",), ("inspections_per_yr",)),
    "toxicity_editions": (("cas", "parameter", "edition"), ("value", "unit")),
    "valuation": (("value_id",), ("value", "unit")),
    "warning_levels": (("scheme", "level"), ("threshold",)),
    "zoning_rules": (("rule_set", "group", "key", "level"), ("lower", "upper", "unit")),
}
_EXPOSURE = (("set", "receptor", "land_use", "parameter"), ("value", "unit"))
_TOXICITY = (("cas", "name_en"),
             ("iur_per_ug_m3", "rfc_mg_m3", "sfo_per_mg_kg_day", "rfd_mg_kg_day"))


@dataclass(frozen=True)
class Row:
    """One unconfirmed row: table, key, value and the note's reason."""

    table: str
    line: int  # line in the CSV file (header = 1)
    key: str
    value: str
    reason: str


def _columns(name: str, df: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if name in KEYS:
        return KEYS[name]
    if name.startswith("exposure_factors_"):
        return _EXPOSURE
    if name.startswith("toxicity_"):
        return _TOXICITY
    cols = [c for c in df.columns if c not in ("source", "note")]
    return tuple(cols[:2]), (("value",) if "value" in df.columns else tuple(cols[2:3]))


def _join(row: pd.Series, cols: tuple[str, ...], labelled: bool) -> str:
    parts = []
    for c in cols:
        v = str(row.get(c, "")).strip()
        if v:
            parts.append(f"{c}={v}" if labelled else v)
    return " / ".join(parts)


def unconfirmed_rows(name: str) -> list[Row]:
    """The rows of table ``name`` whose ``note`` contains ``UNCONFIRMED``."""
    df = load_table(name)
    if "note" not in df.columns:
        return []
    key_cols, value_cols = _columns(name, df)
    out = []
    for i, row in df.iterrows():
        note = str(row["note"])
        if MARK not in note:
            continue
        value = _join(row, value_cols, labelled=len(value_cols) > 1 and name != "aqi_grades")
        out.append(Row(name, int(i) + 2, _join(row, key_cols, labelled=False), value, note))
    return out


def counts() -> dict[str, tuple[int, int]]:
    """Rows and unconfirmed rows per packaged table now."""
    out = {}
    for name in table_names():
        df = load_table(name)
        n_unc = int(df["note"].str.contains(MARK, regex=False).sum()) if "note" in df else 0
        out[name] = (len(df), n_unc)
    return out


def _cell(text: str, limit: int | None = None) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def markdown() -> str:
    """The page ``docs/unconfirmed.md``: summary per table (before/now), then every row."""
    now = counts()
    lines = [
        "# 未核实的参考值 / Unconfirmed reference values",
        "",
        "Generated from `src/ehrisk/refdata/tables/*.csv` by "
        "`python -m ehrisk.refdata.unconfirmed > docs/unconfirmed.md`; do not edit by hand "
        "(`tests/refdata/test_unconfirmed.py` checks it).",
        "",
        "A row is *unconfirmed* when its `note` says `UNCONFIRMED`: its value (or a part of "
        "the row, named in the note) was not checked against a readable copy of the source "
        "(standard text, IRIS page, published table). The reason is the row's note. "
        f"*Before* is the count at commit {BASELINE_COMMIT}, before the verification pass of "
        "issue 10.",
        "",
        "## Summary / 汇总",
        "",
        "| table | rows | unconfirmed before | unconfirmed now |",
        "|---|---:|---:|---:|",
    ]
    tot_rows = tot_before = tot_now = 0
    for name in sorted(set(now) | set(BASELINE)):
        rows, unc = now.get(name, (0, 0))
        before = BASELINE.get(name)
        before_s = str(before[1]) if before else "–"
        lines.append(f"| {name} | {rows} | {before_s} | {unc} |")
        tot_rows += rows
        tot_now += unc
        tot_before += before[1] if before else 0
    lines.append(f"| **total** | {tot_rows} | {tot_before} | {tot_now} |")
    lines.append("")
    lines.append("## Rows / 明细")
    for name in sorted(now):
        rows = unconfirmed_rows(name)
        if not rows:
            continue
        lines += ["", f"### {name} ({len(rows)})", "",
                  "| line | key | value | reason (note) |", "|---:|---|---|---|"]
        for r in rows:
            lines.append(f"| {r.line} | {_cell(r.key)} | {_cell(r.value, 80)} | "
                         f"{_cell(r.reason)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the page to stdout (UTF-8)."""
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdout.write(markdown())


if __name__ == "__main__":
    main()
