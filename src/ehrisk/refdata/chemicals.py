"""Chemical identities, national list memberships and lookup by CAS or name.

Tables (packaged, each row with its ``source``):

- ``chemicals.csv``: one row per substance, keyed by ``cas`` (CAS Registry Number, or a
  documented pseudo-id ``X-...`` for substances or groups without one, e.g. ``X-PM2.5``).
  Columns: ``name_zh``, ``name_en``, ``synonyms`` (``;``-separated, Chinese and English),
  ``formula``, ``mw_g_mol`` [g/mol], ``iarc_group`` (1, 2A, 2B, 3; blank = not classified),
  ``mutagen`` (US EPA mutagenic mode of action, RSL User's Guide), ``target_organs``
  (``;``-separated), ``log_kow`` [-], ``bcf_l_kg`` [L/kg], ``persistent``,
  ``bioaccumulative``, ``medium_hint``, ``category``, ``source``, ``note``.
- ``chemical_lists.csv``: one row per (substance, list) membership: ``cas``, ``list_id``,
  ``list_name_zh``, ``batch``, ``item_no`` (as printed: ``PC001``, ``7``, ``十四``),
  ``item_name_zh`` (as written in the list), ``source`` (document number and date), ``note``.
  A list item that is a group (``镉及镉化合物``) is mapped to a representative substance and
  the ``note`` says so; one item may map to several substances.

Toxicity values are not kept here: :func:`profile` merges them from
:mod:`ehrisk.refdata.toxicity` for display, tolerating a dataset table that does not exist.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

import pandas as pd

from ehrisk.refdata import RefdataError, load_table, table_names
from ehrisk.refdata import toxicity as _toxicity

CHEMICALS_TABLE = "chemicals"
LISTS_TABLE = "chemical_lists"

NUMERIC = ("mw_g_mol", "log_kow", "bcf_l_kg")
BOOLEAN = ("mutagen", "persistent", "bioaccumulative")
MAX_SUGGESTIONS = 5


class UnknownChemicalError(RefdataError):
    """No substance matches a query; carries up to five suggestions.

    Parameters
    ----------
    query : str
        What the user typed.
    suggestions : list of tuple (str, str)
        ``(name_en, cas)`` of the closest known substances, best first.
    """

    def __init__(self, query: str, suggestions: list[tuple[str, str]] | None = None) -> None:
        self.query = query
        self.suggestions = list(suggestions or [])
        msg = f"unknown chemical {query!r}"
        if self.suggestions:
            msg += "; did you mean: " + ", ".join(f"{n} ({c})" for n, c in self.suggestions)
        else:
            msg += "; try `ehrisk chem search <text>`"
        super().__init__(msg)


# ---------------------------------------------------------------------------- normalisation

_BRACKETS = str.maketrans({"[": "(", "]": ")", "{": "(", "}": ")", "′": "'", "’": "'",
                           "‘": "'", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
                           "、": ","})
_SPACE_RE = re.compile(r"\s+")


def normalize_name(text: str) -> str:
    """Key used to compare names: NFKC (full-width to half-width, incl. ``（）``), case-folded,
    brackets unified to ``()``, dashes unified, all whitespace removed."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS).casefold()
    return _SPACE_RE.sub("", s)


# ---------------------------------------------------------------------------- tables

def _parse_bool(s: str) -> bool:
    low = str(s).strip().lower()
    if low in ("true", "1", "yes"):
        return True
    if low in ("false", "0", "no", ""):
        return False
    raise RefdataError(f"table {CHEMICALS_TABLE!r}: not true/false: {s!r}")


@lru_cache(maxsize=1)
def _chemicals() -> pd.DataFrame:
    df = load_table(CHEMICALS_TABLE, numeric=NUMERIC)
    for col in BOOLEAN:
        df[col] = [_parse_bool(v) for v in df[col]]
    return df.set_index("cas", drop=False)


def chemicals() -> pd.DataFrame:
    """All substances, indexed by ``cas`` (a copy; numeric columns float, flags bool)."""
    return _chemicals().copy()


@lru_cache(maxsize=1)
def _lists() -> pd.DataFrame:
    return load_table(LISTS_TABLE)


def list_table() -> pd.DataFrame:
    """The whole membership table (one row per substance and list), a copy."""
    return _lists().copy()


def list_ids() -> pd.DataFrame:
    """One row per list: ``list_id``, ``list_name_zh``, ``n_items`` (distinct item numbers),
    ``n_substances`` and the list's ``source``."""
    df = _lists().copy()
    # an unnumbered item (blank item_no, e.g. a partially known list) counts as its own item
    blank = df["item_no"].str.strip() == ""
    df.loc[blank, "item_no"] = [f"_row{i}" for i in df.index[blank]]
    g = df.groupby("list_id", sort=False)
    return pd.DataFrame({
        "list_id": list(g.groups),
        "list_name_zh": g["list_name_zh"].first().to_numpy(),
        "n_items": g["item_no"].nunique().to_numpy(),
        "n_substances": g["cas"].nunique().to_numpy(),
        "source": g["source"].first().to_numpy(),
    })


def list_memberships(cas: str) -> pd.DataFrame:
    """Lists a substance is on (rows of ``chemical_lists``); empty if on none.

    Raises :class:`UnknownChemicalError` if ``cas`` is not in the chemicals table.
    """
    cas = cas.strip()
    if cas not in _chemicals().index:
        raise UnknownChemicalError(cas, suggest(cas))
    df = _lists()
    return df[df["cas"] == cas].reset_index(drop=True)


def members(list_id: str) -> pd.DataFrame:
    """Substances on one list, in list order, with their names and the list's item columns.

    Raises :class:`RefdataError` naming the known lists if ``list_id`` is unknown.
    """
    df = _lists()
    sel = df[df["list_id"] == list_id]
    if sel.empty:
        known = ", ".join(dict.fromkeys(df["list_id"]))
        raise RefdataError(f"unknown list {list_id!r}; known lists: {known}")
    chem = _chemicals()[["cas", "name_zh", "name_en", "category"]].reset_index(drop=True)
    out = sel.merge(chem, on="cas", how="left", suffixes=("", "_chem"))
    cols = ["list_id", "item_no", "item_name_zh", "cas", "name_zh", "name_en", "category",
            "batch", "source", "note"]
    return out[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------- lookup

@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], dict[str, str]]:
    """(normalised key -> cas, normalised key -> display form). CAS and primary names win over
    synonyms when two substances share a key."""
    chem = _chemicals()
    keys: dict[str, str] = {}
    display: dict[str, str] = {}
    passes = (("cas", False), ("name_en", False), ("name_zh", False), ("synonyms", True))
    for col, split in passes:
        for cas, value in zip(chem["cas"], chem[col], strict=True):
            names = [v for v in str(value).split(";")] if split else [str(value)]
            for name in names:
                k = normalize_name(name)
                if k and k not in keys:
                    keys[k] = cas
                    display[k] = name.strip()
    return keys, display


def name_keys() -> dict[str, str]:
    """Every normalised name, synonym and CAS mapped to its CAS (for checks and completion)."""
    return dict(_index()[0])


def suggest(query: str, n: int = MAX_SUGGESTIONS) -> list[tuple[str, str]]:
    """Up to ``n`` ``(name_en, cas)`` closest to ``query`` over all names, Chinese too
    (difflib ratio on normalised names; substring hits first)."""
    keys, _ = _index()
    q = normalize_name(query)
    if not q:
        return []
    chem = _chemicals()
    ranked: list[str] = []
    cutoff = 0.5 if len(q) <= 3 else 0.6  # one wrong character in a 2-character Chinese name
    for k in difflib.get_close_matches(q, list(keys), n=4 * n, cutoff=cutoff):
        ranked.append(keys[k])
    if len(q) >= 2:
        ranked.extend(keys[k] for k in keys if q in k)
    out: list[tuple[str, str]] = []
    for cas in dict.fromkeys(ranked):
        out.append((chem.at[cas, "name_en"], cas))
        if len(out) == n:
            break
    return out


def lookup(query: str) -> pd.Series:
    """One substance by CAS, Chinese or English name, or synonym.

    Matching ignores case, full-/half-width form (``（）`` = ``()``), bracket style
    (``[a]`` = ``(a)``) and whitespace.

    Parameters
    ----------
    query : str
        CAS number (``71-43-2``), pseudo-id (``X-PM2.5``), name (``苯``, ``benzene``) or
        synonym (``BaP``, ``TCE``, ``二甲苯``).

    Returns
    -------
    pandas.Series
        The substance's row of :func:`chemicals`.

    Raises
    ------
    UnknownChemicalError
        With up to five suggestions, if nothing matches.
    """
    keys, _ = _index()
    cas = keys.get(normalize_name(query))
    if cas is None:
        raise UnknownChemicalError(query, suggest(query))
    return _chemicals().loc[cas].copy()


def resolve_cas(query: str) -> str:
    """The CAS number (or pseudo-id) of one substance by CAS, name or synonym, matched as in
    :func:`lookup` (which returns the whole row); raises ``UnknownChemicalError``."""
    keys, _ = _index()
    cas = keys.get(normalize_name(query))
    if cas is None:
        raise UnknownChemicalError(query, suggest(query))
    return cas


def search(text: str, limit: int = 20) -> pd.DataFrame:
    """Substances whose CAS, names or synonyms contain ``text`` (normalised), then fuzzy
    matches; columns ``cas, name_zh, name_en, matched`` (the name that matched)."""
    keys, display = _index()
    q = normalize_name(text)
    rows: list[dict] = []
    seen: set[str] = set()
    chem = _chemicals()

    def add(k: str) -> None:
        cas = keys[k]
        if cas in seen:
            return
        seen.add(cas)
        rows.append({"cas": cas, "name_zh": chem.at[cas, "name_zh"],
                     "name_en": chem.at[cas, "name_en"], "matched": display[k]})

    if q:
        exact = [k for k in keys if k == q]
        prefix = [k for k in keys if k.startswith(q) and k != q]
        inner = [k for k in keys if q in k and not k.startswith(q)]
        for k in exact + sorted(prefix, key=len) + sorted(inner, key=len):
            add(k)
        if not rows:  # nothing contains the text: fall back to close spellings
            for k in difflib.get_close_matches(q, list(keys), n=limit, cutoff=0.6):
                add(k)
    return pd.DataFrame(rows[:limit], columns=["cas", "name_zh", "name_en", "matched"])


# ---------------------------------------------------------------------------- profile

def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in r.items()} for r in df.to_dict(orient="records")]


def _plain(v):
    if isinstance(v, float) and v != v:  # NaN
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def toxicity_for(cas: str) -> tuple[dict[str, dict], list[str]]:
    """Toxicity rows of one substance from every dataset in
    :data:`ehrisk.refdata.toxicity.DATASETS` whose table exists.

    Returns ``({dataset: {column: value}}, [datasets whose table is not packaged])``;
    a dataset that exists but has no row for ``cas`` is left out of the first.
    """
    present = set(table_names())
    values: dict[str, dict] = {}
    missing: list[str] = []
    for dataset, table in _toxicity.DATASETS.items():
        if table not in present:
            missing.append(dataset)
            continue
        df = _toxicity.toxicity(dataset)
        if cas in df.index:
            row = df.loc[cas]
            if isinstance(row, pd.DataFrame):  # duplicate CAS in a dataset: first row
                row = row.iloc[0]
            values[dataset] = {k: _plain(v) for k, v in row.items() if not _blank(v)}
    return values, missing


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v)


def profile(cas: str) -> dict:
    """Everything known about one substance, for display and JSON.

    Parameters
    ----------
    cas : str
        CAS number or pseudo-id; any name :func:`lookup` accepts also works.

    Returns
    -------
    dict
        ``identity`` (the chemicals row; ``synonyms`` and ``target_organs`` as lists),
        ``lists`` (memberships), ``toxicity`` (``{dataset: values}`` from each packaged
        toxicity dataset that has the substance), ``toxicity_datasets_missing`` (datasets
        whose table is not packaged yet).
    """
    table = _chemicals()
    row = table.loc[cas] if cas in table.index else lookup(cas)
    ident = {k: _plain(v) for k, v in row.items()}
    for col in ("synonyms", "target_organs"):
        ident[col] = [s.strip() for s in str(ident.get(col) or "").split(";") if s.strip()]
    lists = _records(list_memberships(ident["cas"]).drop(columns=["cas"]))
    tox, missing = toxicity_for(ident["cas"])
    return {"cas": ident["cas"], "identity": ident, "lists": lists, "toxicity": tox,
            "toxicity_datasets_missing": missing}


def clear_cache() -> None:
    """Forget the cached tables (after a table file changed in a running process)."""
    _chemicals.cache_clear()
    _lists.cache_clear()
    _index.cache_clear()
