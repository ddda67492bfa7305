"""Plausibility of yearly emissions: is an amount orders of magnitude above what comparable
enterprises emit (a unit slip, kilograms typed as tonnes)?

For each enterprise, substance and medium the yearly amount (summed over stacks/outfalls;
the largest data source where several are given) is compared with the same substance and
medium at the *other* enterprises, in the first reference group that has at least
``min_peers`` of them:

1. the same GB/T 4754-2017 class (行业小类, 4-digit code);
2. the same major group (行业大类, the code's first 2 digits);
3. every enterprise of the inventory (the file and the database together).

With ``y = log10(amount)`` and the peers' ``log10`` amounts ``p``, the amount is flagged when
both

- ``y - median(p) > min_orders_above_peers`` (default 2: more than 100 times the median), and
- the modified z-score ``0.6745 (y - median(p)) / MAD(p)`` exceeds ``modified_z_threshold``
  (3.5; Iglewicz and Hoaglin 1993) -- where the peers spread widely (MAD large) a larger
  distance is needed; with MAD = 0 only the first condition applies.

Independently of peers, an amount above the national total of all sources of that pollutant
in the second national pollution-source census (2017) is flagged (table
``census2017_national_emissions``; SO2, NOx, particulate matter, VOCs). Per-enterprise
"typical" magnitudes by industry are not published in the census bulletin, so the peer
comparison is made within the inventory itself.

Only amounts *above* their peers are flagged (the slip that dominates a risk map). Pure: no
database, no printing; the importer and the commands call :func:`check_emissions`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.refdata import load_table

PARAMS_TABLE = "emission_plausibility"
CENSUS_TABLE = "census2017_national_emissions"
KEY = ["credit_code", "cas", "medium"]


def parameters() -> dict[str, float]:
    """The method constants (table ``emission_plausibility``) by name."""
    df = load_table(PARAMS_TABLE, numeric=["value"])
    return dict(zip(df["parameter"], df["value"].astype(float), strict=True))


def national_totals() -> pd.DataFrame:
    """National totals of the 2017 census (``cas, medium, pollutant_zh, total_t_yr``)."""
    return load_table(CENSUS_TABLE, numeric=["total_t_yr"])


@dataclass(frozen=True)
class Outlier:
    """One implausible yearly emission.

    Attributes
    ----------
    credit_code, cas, medium : str
        The enterprise, substance and medium.
    amount_t_yr : float
        The enterprise's yearly amount [t/yr] (sum over its stacks/outfalls).
    reference_t_yr : float
        The median of the peers [t/yr], or the national total.
    orders : float
        ``log10(amount / reference)``.
    basis : str
        The reference in words (English).
    basis_zh : str
        The reference in words (Chinese).
    n_peers : int
        Peer enterprises in the reference group (0 for the national total).
    row : int or None
        File row of the largest contributing row (header = row 1), when the caller gave rows.
    """

    credit_code: str
    cas: str
    medium: str
    amount_t_yr: float
    reference_t_yr: float
    orders: float
    basis: str
    basis_zh: str
    n_peers: int
    row: int | None = None

    @property
    def amount_kg_yr(self) -> float:
        """The amount in kg/yr."""
        return float(units.t_yr_to_kg_yr(self.amount_t_yr))

    def reason(self, name: str = "", enterprise_name: str = "") -> str:
        """The flag in words, Chinese then English, with the amount in t and kg.

        Parameters
        ----------
        name : str
            The substance's name (shown before its CAS number).
        enterprise_name : str
            The enterprise's name (shown after its credit code).
        """
        what = f"{name}（{self.cas}）" if name and name != self.cas else self.cas
        who = f"{self.credit_code}（{enterprise_name}）" if enterprise_name else self.credit_code
        kg = self.amount_kg_yr
        return (f"疑似单位错误：{who} 的 {what}（{_MEDIUM_ZH.get(self.medium, self.medium)}）"
                f"年排放 {_fmt(self.amount_t_yr)} 吨 = {_fmt(kg)} 千克，比{self.basis_zh}"
                f" {_fmt(self.reference_t_yr)} 吨高 {self.orders:.1f} 个数量级；"
                f"likely unit slip: {self.cas} to {self.medium} from {self.credit_code} is "
                f"{_fmt(self.amount_t_yr)} t/yr = {_fmt(kg)} kg/yr, {self.orders:.1f} orders of "
                f"magnitude above {self.basis} ({_fmt(self.reference_t_yr)} t/yr); if the "
                "amount was given in kg, correct the unit, or rerun with --accept-outliers")

    def as_dict(self) -> dict:
        return {"credit_code": self.credit_code, "cas": self.cas, "medium": self.medium,
                "amount_t_yr": self.amount_t_yr, "amount_kg_yr": self.amount_kg_yr,
                "reference_t_yr": self.reference_t_yr, "orders": round(self.orders, 2),
                "basis": self.basis, "n_peers": self.n_peers, "row": self.row}


_MEDIUM_ZH = {"air": "大气", "water": "水", "soil": "土壤"}


def _fmt(x: float) -> str:
    if x != x:
        return "n/a"
    if x == 0 or 1e-3 <= abs(x) < 1e13:
        return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"
    return f"{x:.3g}"


def enterprise_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """Yearly amount per enterprise, substance and medium [t/yr]: the sum over stacks and
    outfalls of each data source (``basis``), then the largest source (two sources of one
    emission are alternatives, not additions). ``row`` is the file row of the largest row."""
    df = rows.copy()
    if "basis" not in df.columns:
        df["basis"] = ""
    df["basis"] = df["basis"].fillna("").astype(str)
    if "row" not in df.columns:
        df["row"] = np.nan
    df["amount_t_yr"] = df["amount_t_yr"].astype(float)
    by_basis = df.groupby([*KEY, "basis"], sort=False, dropna=False).agg(
        amount_t_yr=("amount_t_yr", "sum")).reset_index()
    tot = by_basis.groupby(KEY, sort=False, dropna=False)["amount_t_yr"].max().reset_index()
    big = df.sort_values("amount_t_yr", ascending=False, kind="stable").drop_duplicates(KEY)
    return tot.merge(big[[*KEY, "row"]], on=KEY, how="left")


def _groups(industry: str) -> list[tuple[str, str, str]]:
    """Reference groups, narrowest first: (key kind, key, label)."""
    code = str(industry or "").strip()
    out = []
    if len(code) >= 4 and code[:4].isdigit():
        out.append(("class", code[:4], code[:4]))
    if len(code) >= 2 and code[:2].isdigit():
        out.append(("major", code[:2], code[:2]))
    out.append(("all", "", ""))
    return out


def _describe(kind: str, label: str, n: int) -> tuple[str, str]:
    if kind == "class":
        return (f"the median of {n} other enterprises of GB/T 4754 class {label}",
                f"同行业小类（{label}）其他 {n} 家企业的中位数")
    if kind == "major":
        return (f"the median of {n} other enterprises of GB/T 4754 major group {label}",
                f"同行业大类（{label}）其他 {n} 家企业的中位数")
    return (f"the median of {n} other enterprises emitting it in the inventory",
            f"清单中其他 {n} 家排放该物质企业的中位数")


def check_emissions(candidates: pd.DataFrame, reference: pd.DataFrame | None = None,
                    industry: dict[str, str] | pd.Series | None = None,
                    params: dict[str, float] | None = None,
                    totals: pd.DataFrame | None = None) -> list[Outlier]:
    """Flag yearly emissions far above those of comparable enterprises.

    Parameters
    ----------
    candidates : DataFrame
        The rows to check: ``credit_code, cas, medium, amount_t_yr`` [t/yr], optional
        ``basis`` (data source) and ``row`` (file row, reported).
    reference : DataFrame, optional
        Rows of the same columns already known (e.g. the database's emissions of the same
        year). Rows of enterprises that are in ``candidates`` are left out (the candidates
        stand for those enterprises).
    industry : mapping, optional
        GB/T 4754-2017 code per credit code (blank or missing: only the whole-inventory
        group).
    params : dict, optional
        Method constants (default :func:`parameters`).
    totals : DataFrame, optional
        National totals (default :func:`national_totals`).

    Returns
    -------
    list of Outlier
        In the order of ``candidates``' enterprises; empty when nothing is implausible.

    References
    ----------
    Iglewicz B., Hoaglin D.C. (1993), How to Detect and Handle Outliers (modified z-score,
    threshold 3.5). 《第二次全国污染源普查公报》(2020): national totals of 2017.
    """
    p = parameters() if params is None else params
    totals = national_totals() if totals is None else totals
    ind = dict(industry) if industry is not None else {}
    cand = candidates[candidates["amount_t_yr"].astype(float) > 0]
    if cand.empty:
        return []
    cand_tot = enterprise_totals(cand)
    mine = set(cand_tot["credit_code"])
    ref_tot = (enterprise_totals(reference[~reference["credit_code"].isin(mine)])
               if reference is not None and len(reference) else cand_tot.iloc[:0])
    ref_tot = ref_tot[ref_tot["amount_t_yr"] > 0]
    pool = pd.concat([cand_tot, ref_tot], ignore_index=True)
    pool["industry"] = pool["credit_code"].map(lambda c: str(ind.get(c, "") or ""))
    pool["logq"] = np.log10(pool["amount_t_yr"].astype(float))
    by_sub = {k: (g["credit_code"].to_numpy(str), g["industry"].to_numpy(str),
                  g["logq"].to_numpy(float))
              for k, g in pool.groupby(["cas", "medium"], sort=False)}
    bound = {(r.cas, r.medium): (float(r.total_t_yr), str(r.pollutant_zh))
             for r in totals.itertuples()}
    k_orders = p["min_orders_above_peers"]
    z_max = p["modified_z_threshold"]
    c = p["mad_normal_constant"]
    n_min = int(p["min_peers"])
    out: list[Outlier] = []
    for r in cand_tot.itertuples(index=False):
        x = float(r.amount_t_yr)
        row = None if r.row is None or r.row != r.row else int(r.row)
        lim = bound.get((r.cas, r.medium))
        if lim is not None and x > lim[0]:
            out.append(Outlier(r.credit_code, r.cas, r.medium, x, lim[0],
                               math.log10(x / lim[0]),
                               f"the national total of all sources in 2017 ({lim[1]}, second "
                               "national pollution-source census)",
                               f"2017 年全国{lim[1]}排放总量（第二次全国污染源普查公报）", 0, row))
            continue
        codes, inds, logs = by_sub[(r.cas, r.medium)]
        other = codes != r.credit_code
        if other.sum() < n_min:
            continue
        y = math.log10(x)
        for kind, key, label in _groups(ind.get(r.credit_code, "")):
            if kind == "all":
                sel = other
            else:
                width = 4 if kind == "class" else 2
                sel = other & (np.asarray([v[:width] for v in inds]) == key)
            n = int(sel.sum())
            if n < n_min:
                continue
            lp = logs[sel]
            med = float(np.median(lp))
            mad = float(np.median(np.abs(lp - med)))
            d = y - med
            z_ok = mad == 0 or c * d / mad > z_max
            if d > k_orders and z_ok:
                en, zh = _describe(kind, label, n)
                out.append(Outlier(r.credit_code, r.cas, r.medium, x, 10.0 ** med, d, en, zh,
                                   n, row))
            break
    return out
