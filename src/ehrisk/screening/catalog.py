"""What the screening needs to know about each substance, gathered from the reference data.

:class:`SubstanceCatalog` joins the toxicity values of one dataset (``ehrisk.refdata.toxicity``),
the identities, persistence/bioaccumulation flags and national list memberships
(``ehrisk.refdata.chemicals``), and resolves what a user typed (CAS, Chinese or English name) to
a CAS number. Tests build one from small frames with :meth:`SubstanceCatalog.from_frames`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ehrisk.refdata import table_names
from ehrisk.screening.config import ScreeningWeights

TOX_COLUMNS = ("iur_per_ug_m3", "rfc_mg_m3", "sfo_per_mg_kg_day", "rfd_mg_kg_day")
_CAS_LIKE = re.compile(r"^\d{2,7}-\d{2}-\d$")


class UnknownSubstance(LookupError):
    """A substance the reference data does not know; ``suggestions`` are ``(name, cas)``."""

    def __init__(self, query: str, suggestions: list[tuple[str, str]] | None = None,
                 reason: str | None = None) -> None:
        self.query = query
        self.suggestions = list(suggestions or [])
        msg = reason or f"unknown substance {query!r}"
        if self.suggestions:
            msg += "; did you mean: " + ", ".join(f"{n} ({c})" for n, c in self.suggestions)
        super().__init__(msg)


def _norm(text: str) -> str:
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"\s+", "", s.replace("[", "(").replace("]", ")"))


@dataclass
class SubstanceCatalog:
    """Substances known to one screening run.

    Attributes
    ----------
    info : DataFrame
        Indexed by CAS (or ``X-...`` pseudo-id): ``name_zh``, ``name_en``, ``persistent``,
        ``bioaccumulative`` (bool), ``log_kow`` [-], ``bcf_l_kg`` [L/kg], and the toxicity
        columns ``iur_per_ug_m3`` [(ug/m3)^-1], ``rfc_mg_m3`` [mg/m3],
        ``sfo_per_mg_kg_day`` [(mg/kg-day)^-1], ``rfd_mg_kg_day`` [mg/kg-day] (NaN = none).
    lists : dict
        ``{cas: (list_id, ...)}`` national list memberships.
    dataset : str
        Toxicity dataset the values come from (e.g. ``"epa-rsl"``).
    warnings : list of str
        What was missing when the catalog was built (reported with the results).
    lookup : callable or None
        Optional extra resolver ``query -> cas`` (e.g. :func:`ehrisk.refdata.chemicals.lookup`
        with synonyms); raises LookupError when it finds nothing.
    """

    info: pd.DataFrame
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dataset: str = "custom"
    warnings: list[str] = field(default_factory=list)
    lookup: Callable[[str], str] | None = None

    def __post_init__(self) -> None:
        keys: dict[str, str] = {}
        for col in ("name_en", "name_zh"):
            for cas, name in zip(self.info.index, self.info[col], strict=True):
                k = _norm(name)
                if k and k not in keys:
                    keys[k] = cas
        for cas in self.info.index:
            keys.setdefault(_norm(cas), cas)
        self._keys = keys

    @classmethod
    def from_frames(cls, tox: pd.DataFrame, chem: pd.DataFrame | None = None,
                    lists: Mapping[str, tuple[str, ...]] | pd.DataFrame | None = None,
                    dataset: str = "custom", lookup: Callable[[str], str] | None = None,
                    warnings: list[str] | None = None) -> SubstanceCatalog:
        """Build from a toxicity frame (indexed by CAS), an optional chemicals frame (indexed by
        CAS) and list memberships (``{cas: list_ids}`` or a frame with ``cas, list_id``)."""
        tox = tox[~tox.index.duplicated(keep="first")]
        if chem is not None:
            chem = chem[~chem.index.duplicated(keep="first")]
        idx = pd.Index(list(dict.fromkeys([*map(str, tox.index),
                                           *(map(str, chem.index) if chem is not None else [])])),
                       name="cas")
        info = pd.DataFrame(index=idx)
        for col in TOX_COLUMNS:
            src = tox[col] if col in tox.columns else pd.Series(dtype=float)
            info[col] = pd.to_numeric(src, errors="coerce").reindex(idx)
        def text(col: str) -> pd.Series:
            out = pd.Series("", index=idx, dtype=object)
            if chem is not None and col in chem.columns:
                out.update(chem[col].astype(str))
            if col in tox.columns:
                fill = tox[col].astype(str).reindex(idx).fillna("")
                out = out.where(out != "", fill)
            return out.fillna("")
        info["name_zh"] = text("name_zh")
        info["name_en"] = text("name_en")
        for col in ("persistent", "bioaccumulative"):
            if chem is not None and col in chem.columns:
                info[col] = chem[col].reindex(idx).fillna(False).astype(bool)
            else:
                info[col] = False
        for col in ("log_kow", "bcf_l_kg"):
            vals = pd.Series(np.nan, index=idx)
            if chem is not None and col in chem.columns:
                vals = pd.to_numeric(chem[col], errors="coerce").reindex(idx)
            if col in tox.columns:
                vals = vals.fillna(pd.to_numeric(tox[col], errors="coerce").reindex(idx))
            info[col] = vals
        if isinstance(lists, pd.DataFrame):
            mem: dict[str, tuple[str, ...]] = {}
            for cas, g in lists.groupby("cas", sort=False):
                mem[str(cas)] = tuple(dict.fromkeys(g["list_id"].astype(str)))
        else:
            mem = {k: tuple(v) for k, v in (lists or {}).items()}
        return cls(info=info, lists=mem, dataset=dataset, warnings=list(warnings or []),
                   lookup=lookup)

    # ------------------------------------------------------------------ resolution

    def resolve(self, query: str) -> str:
        """CAS (or pseudo-id) of what a user typed: CAS number, Chinese or English name.

        Raises
        ------
        UnknownSubstance
            With up to three suggestions, if nothing in the reference data matches.
        """
        q = str(query).strip()
        if q in self.info.index:
            return q
        cas = self._keys.get(_norm(q))
        if cas is not None:
            return cas
        if self.lookup is not None:
            try:
                found = self.lookup(q)
            except LookupError:
                found = None
            if found is not None and found in self.info.index:
                return found
        if _CAS_LIKE.match(q):
            raise UnknownSubstance(q, reason=f"CAS {q} is not in the reference data "
                                   f"(chemicals table or toxicity dataset {self.dataset!r})")
        raise UnknownSubstance(q, self.suggest(q))

    def suggest(self, query: str, n: int = 3) -> list[tuple[str, str]]:
        """Up to ``n`` ``(name, cas)`` closest to ``query`` (difflib on normalised names)."""
        q = _norm(query)
        hits = difflib.get_close_matches(q, list(self._keys), n=4 * n, cutoff=0.5)
        hits += [k for k in self._keys if len(q) >= 2 and q in k]
        out: list[tuple[str, str]] = []
        for cas in dict.fromkeys(self._keys[k] for k in hits):
            row = self.info.loc[cas]
            out.append((row["name_en"] or row["name_zh"] or cas, cas))
            if len(out) == n:
                break
        return out

    # ------------------------------------------------------------------ flags

    def bioaccumulative(self, weights: ScreeningWeights) -> pd.Series:
        """Bioaccumulation flag per CAS: the chemicals table's flag, or the Stockholm
        Convention Annex D 1(c)(i) criterion (BCF > ``bcf_threshold_l_kg``; without a BCF,
        log Kow > ``log_kow_threshold``) from the table's data."""
        bcf = self.info["bcf_l_kg"]
        kow = self.info["log_kow"]
        by_data = (bcf > weights["bcf_threshold_l_kg"]) | (
            bcf.isna() & (kow > weights["log_kow_threshold"]))
        return self.info["bioaccumulative"].astype(bool) | by_data.fillna(False)

    def persistent(self) -> pd.Series:
        """Persistence flag per CAS (from the chemicals table)."""
        return self.info["persistent"].astype(bool)


def build_catalog(dataset: str = "epa-rsl") -> SubstanceCatalog:
    """The catalog from the packaged reference data.

    Tolerates tables that are not packaged yet (each missing one adds a warning): without the
    toxicity table no substance can be scored; without the chemicals table names come from the
    toxicity table and no persistence, bioaccumulation or list data are used.
    """
    from ehrisk.refdata import toxicity as tox_mod

    present = set(table_names())
    warnings: list[str] = []
    table = tox_mod.DATASETS.get(dataset)
    if table is None:
        raise KeyError(f"unknown toxicity dataset {dataset!r}; known: "
                       f"{', '.join(tox_mod.DATASETS)}")
    if table in present:
        tox = tox_mod.toxicity(dataset)
    else:
        warnings.append(f"toxicity dataset {dataset!r} is not packaged: no toxicity weights")
        tox = pd.DataFrame(columns=["cas", *TOX_COLUMNS]).set_index("cas")
    chem = lists = None
    lookup = None
    try:
        from ehrisk.refdata import chemicals as chem_mod
    except ImportError:  # pragma: no cover - module written by another part of the project
        chem_mod = None
    if chem_mod is not None and chem_mod.CHEMICALS_TABLE in present:
        chem = chem_mod.chemicals()

        def lookup(q: str) -> str:
            return str(chem_mod.lookup(q)["cas"])
        if chem_mod.LISTS_TABLE in present:
            lists = chem_mod.list_table()[["cas", "list_id"]]
        else:
            warnings.append("national list table is not packaged: no list memberships used")
    else:
        warnings.append("chemicals table is not packaged: names from the toxicity table; "
                        "no persistence, bioaccumulation or list data used")
    return SubstanceCatalog.from_frames(tox, chem, lists, dataset=dataset, lookup=lookup,
                                        warnings=warnings)
