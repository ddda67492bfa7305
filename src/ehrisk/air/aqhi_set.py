"""AQHI coefficient sets from files (JSON or TOML): a city's published formula or a locally
derived one, applied like the packaged methods of :mod:`ehrisk.air.aqhi`.

A set holds everything the Stieb et al. (2008) construction needs::

    AQHI = scale x sum_i 100 (exp(beta_i C_i) - 1)      (largest ER of each max-group only)

with ``C_i`` the ``averaging_h``-hour mean of pollutant ``i`` (24 = daily mean), banded into
levels with category names and health messages. The file format (``docs/air.md``)::

    {"format": "ehrisk-aqhi-coefficients/1",          # optional
     "name": "Shanghai AQHI (Chen et al. 2012)",       # required
     "source": "Chen RJ et al. 2012, Chin J Prev Med 46(5):443-446",   # required
     "note": "...",                                    # optional (confidence etc.)
     "pollutants": {"pm10": {"beta": 0.000153, "unit": "ug/m3"},
                    "no2": {"beta": 0.000662, "unit": "ug/m3"}},
     "averaging_h": 24, "min_valid_h": 20,             # min_valid_h optional for 1 and 24
     "scale": "10/17",                                 # or a number [index per % ER]
     "max_groups": [["pm10", "pm25"]],                 # optional
     "bands": "stieb-2008",                            # or a list, see below; default
     "band_upper_inclusive": false,                    # optional, only with a band list
     "messages": "stieb-2008",                         # hk-epd-2013 | none; default
     "derivation": {...}}                              # optional, kept as is

A band list has one entry per level, ``{"level", "upper", "category_en", "category_zh"}``,
``upper`` on every band but the last (open-ended) one, optionally with inline messages
``general_zh, general_en, sensitive_zh, sensitive_en`` (all four). Files are read with
:func:`load_set`; every problem is collected and raised as one
:class:`ehrisk.errors.InputError` naming the file and key.

References
----------
Stieb DM et al. (2008). J Air Waste Manag Assoc 58(3):435-450 (AQHI construction).
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ehrisk.air import aqhi_base as aqhi_mod
from ehrisk.errors import InputError, Problem
from ehrisk.exposure.response_function import LogLinear
from ehrisk.refdata import load_table

FORMAT_ID = "ehrisk-aqhi-coefficients/1"
#: pollutant -> units its coefficient may be given per (first: preferred)
POLLUTANT_UNITS = {"pm25": ("ug/m3",), "pm10": ("ug/m3",), "no2": ("ug/m3", "ppb"),
                   "so2": ("ug/m3", "ppb"), "o3": ("ug/m3", "ppb"), "o3_8h": ("ug/m3", "ppb"),
                   "co": ("mg/m3",)}
POLLUTANT_ALIASES = {"pm2.5": "pm25", "pm2_5": "pm25", "o3-8h": "o3_8h", "o38h": "o3_8h"}
UNIT_SUFFIX = {"ug/m3": "ug_m3", "ppb": "ppb", "mg/m3": "mg_m3"}
PACKAGED_BANDS = ("stieb-2008", "chen-2012-shanghai", "hk-epd-2013")
DEFAULT_BANDS = "stieb-2008"
DEFAULT_MESSAGES = "stieb-2008"
MESSAGE_KEYS = ("general_zh", "general_en", "sensitive_zh", "sensitive_en")
TOP_KEYS = ("format", "name", "source", "note", "pollutants", "averaging_h", "min_valid_h",
            "scale", "max_groups", "bands", "band_upper_inclusive", "messages", "derivation")
POLLUTANT_KEYS = ("beta", "unit", "source", "note")
BAND_KEYS = ("level", "upper", "category_en", "category_zh", *MESSAGE_KEYS)
SUFFIXES = (".json", ".toml")


@dataclass
class CoefficientSet:
    """A validated AQHI coefficient set (see the module docstring for the file form).

    Attributes
    ----------
    name, source, note : str
        Label, citation (required) and free note.
    betas : dict
        ``{pollutant: beta}`` [1/unit of ``units[pollutant]``], beta >= 0.
    units : dict
        ``{pollutant: "ug/m3" | "ppb" | "mg/m3"}``.
    averaging_h, min_valid_h : int
        Averaging window of the concentrations [h] (24 = daily mean) and the hours it needs.
    scale : float
        Index per % excess risk [1/%].
    max_groups : list of tuple
        Pollutants of which only the largest ER counts.
    levels, uppers, category_en, category_zh : list
        Bands: labels, upper bounds of all but the last band [index], category names.
    upper_inclusive : bool
        A value equal to a bound falls in the band below (True) or above (False).
    band_messages : list of dict
        Per band ``general_zh/en``, ``sensitive_zh/en`` (empty dict: none).
    bands_from, messages_from : str
        Packaged band / message set used, or ``"file"`` / ``"none"``.
    file : str
        Where the set was read from (``""`` for packaged methods).
    """

    name: str
    source: str
    betas: dict[str, float]
    units: dict[str, str]
    averaging_h: int
    min_valid_h: int
    scale: float
    levels: list[str]
    uppers: list[float]
    category_en: list[str]
    category_zh: list[str]
    band_messages: list[dict]
    upper_inclusive: bool = False
    max_groups: list[tuple[str, ...]] = field(default_factory=list)
    bands_from: str = DEFAULT_BANDS
    messages_from: str = DEFAULT_MESSAGES
    note: str = ""
    scale_text: str = ""
    file: str = ""
    derivation: dict | None = None

    @property
    def inputs(self) -> dict[str, str]:
        """``{pollutant: input column}`` in ehrisk names, e.g. ``{"no2": "no2_ppb"}``."""
        return {p: f"{p}_{UNIT_SUFFIX[u]}" for p, u in self.units.items()}

    @property
    def required_inputs(self) -> list[list[str]]:
        """Input columns needed: each inner list needs at least one (max-groups)."""
        grouped = {p for g in self.max_groups for p in g}
        need = [[self.inputs[p]] for p in self.betas if p not in grouped]
        need += [[self.inputs[p] for p in g] for g in self.max_groups]
        return need

    @property
    def daily(self) -> bool:
        """Defined on daily (24-hour) means."""
        return self.averaging_h == 24

    @property
    def canada_bands(self) -> bool:
        """Bands equal to the packaged Canadian ones (index 1-10, 10+ from 10.5), so that the
        continuous value is on the scale of the ``aqhi-hc`` warning thresholds."""
        c = aqhi_mod.categories(DEFAULT_BANDS)
        return (not self.upper_inclusive and self.levels == c["level"].tolist()
                and np.allclose(self.uppers, c["value_low"].to_numpy(float)[1:]))

    def band(self, value) -> np.ndarray:
        """Level label of each value (``""`` where NaN)."""
        return aqhi_mod.band_by_upper(value, self.uppers, self.levels, self.upper_inclusive)

    def summary(self) -> dict:
        """JSON-ready description (name, source, formula, averaging, file)."""
        return {"name": self.name, "source": self.source, "note": self.note or None,
                "file": self.file or None, "formula": self.formula(),
                "averaging_h": self.averaging_h, "min_valid_h": self.min_valid_h,
                "inputs": self.inputs, "bands": self.bands_from,
                "messages": self.messages_from}

    def formula(self) -> str:
        terms = " + ".join(f"(exp({b:.6g} x {p}[{self.units[p]}]) - 1)"
                           for p, b in self.betas.items())
        s = self.scale_text or f"{self.scale:.6g}"
        return f"AQHI = {s} x 100 x [{terms}]"

    def response_functions(self) -> dict[str, LogLinear]:
        """The set's betas as response functions, ``{pollutant: LogLinear}``.

        Each gives RR = exp(beta C) at the ``averaging_h``-hour mean ``C`` [``units[p]``]
        above zero, so that the set's excess risk is ``100 (rr(C) - 1)`` [%]; the reference
        is the set's ``source``. No interval: the sets publish central betas only.

        References
        ----------
        Stieb DM et al. (2008). J Air Waste Manag Assoc 58(3):435-450 (ER = 100 (exp(beta C)
        - 1) per pollutant).
        """
        return {p: LogLinear(b, name=f"{self.name} {p} ({self.averaging_h}-h mean)",
                             reference=self.source, unit=self.units[p])
                for p, b in self.betas.items()}


# --- parsing ------------------------------------------------------------------------------

class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, key: str, reason: str) -> None:
        where = f"key {key!r}: " if key else ""
        self.problems.append(Problem(self.file, where + reason))


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _whole(pc: _Collector, key: str, v, lo: int, hi: int) -> int | None:
    if not _is_number(v) or float(v) != int(v):
        pc.add(key, f"must be a whole number of hours, not {v!r}")
        return None
    if not lo <= int(v) <= hi:
        pc.add(key, f"must lie in {lo}..{hi}, not {v!r}")
        return None
    return int(v)


def _text(pc: _Collector, obj: dict, key: str, required: bool, path: str = "") -> str:
    v = obj.get(key)
    name = f"{path}{key}"
    if v is None:
        if required:
            pc.add(name, "missing (required)")
        return ""
    if not isinstance(v, str) or not v.strip():
        pc.add(name, "must be a non-empty text")
        return ""
    return v.strip()


def _pollutant_name(name: str) -> str:
    k = str(name).strip().lower().replace(" ", "")
    return POLLUTANT_ALIASES.get(k, k)


def _unit(u) -> str:
    s = str(u).strip().lower().replace("µ", "u").replace("μ", "u").replace("³", "3")
    return {"ug/m^3": "ug/m3", "mg/m^3": "mg/m3"}.get(s, s)


def _scale(pc: _Collector, v) -> tuple[float | None, str]:
    if _is_number(v):
        if v <= 0:
            pc.add("scale", f"must be positive, not {v!r}")
            return None, ""
        return float(v), ""
    if isinstance(v, str) and v.count("/") == 1:
        a, b = (x.strip() for x in v.split("/"))
        try:
            num, den = float(a), float(b)
        except ValueError:
            num = den = float("nan")
        if math.isfinite(num) and math.isfinite(den) and num > 0 and den > 0:
            return num / den, f"{a}/{b}"
    pc.add("scale", f"must be a positive number or a fraction such as \"10/17\" "
                    f"(index per % excess risk), not {v!r}")
    return None, ""


def _pollutants(pc: _Collector, obj) -> tuple[dict[str, float], dict[str, str]]:
    betas: dict[str, float] = {}
    units: dict[str, str] = {}
    if obj is None:
        pc.add("pollutants", "missing (required): e.g. {\"pm10\": {\"beta\": 0.000153, "
                             "\"unit\": \"ug/m3\"}}")
        return betas, units
    if not isinstance(obj, dict) or not obj:
        pc.add("pollutants", "must be a non-empty table of pollutant -> {beta, unit}")
        return betas, units
    for raw, spec in obj.items():
        key = f"pollutants.{raw}"
        p = _pollutant_name(raw)
        if p not in POLLUTANT_UNITS:
            pc.add(key, f"unknown pollutant {raw!r}; known: {', '.join(POLLUTANT_UNITS)}")
            continue
        if p in betas:
            pc.add(key, f"pollutant {p!r} given twice")
            continue
        if not isinstance(spec, dict):
            pc.add(key, "must be a table with 'beta' and 'unit'")
            continue
        for k in spec:
            if k not in POLLUTANT_KEYS:
                pc.add(f"{key}.{k}", f"unknown key; known: {', '.join(POLLUTANT_KEYS)}")
        b = spec.get("beta")
        ok = True
        if b is None:
            pc.add(f"{key}.beta", "missing (required)")
            ok = False
        elif not _is_number(b):
            pc.add(f"{key}.beta", f"must be a number, not {b!r}")
            ok = False
        elif b < 0:
            pc.add(f"{key}.beta", f"must not be negative ({b!r}): a pollutant cannot lower "
                                  "the index (Stieb et al. 2008 keep positive associations); "
                                  "leave the pollutant out instead")
            ok = False
        u = spec.get("unit")
        allowed = POLLUTANT_UNITS[p]
        if u is None:
            pc.add(f"{key}.unit", f"missing (required): the concentration unit the beta is "
                                  f"per, one of {', '.join(allowed)}")
            ok = False
        elif _unit(u) not in allowed:
            pc.add(f"{key}.unit", f"{u!r} not accepted for {p}; use {' or '.join(allowed)}")
            ok = False
        for k in ("source", "note"):
            if k in spec and not isinstance(spec[k], str):
                pc.add(f"{key}.{k}", "must be text")
        if ok:
            betas[p] = float(b)
            units[p] = _unit(u)
    if betas and not any(b > 0 for b in betas.values()):
        pc.add("pollutants", "every beta is zero: the index would always be 0")
    return betas, units


def _max_groups(pc: _Collector, v, betas: dict) -> list[tuple[str, ...]]:
    if v is None:
        return []
    if not isinstance(v, list) or not all(isinstance(g, list) for g in v):
        pc.add("max_groups", "must be a list of lists of pollutants, e.g. [[\"pm10\", \"pm25\"]]")
        return []
    out, seen = [], set()
    for i, g in enumerate(v):
        names = [_pollutant_name(x) for x in g]
        key = f"max_groups[{i}]"
        if len(names) < 2:
            pc.add(key, "a group needs at least two pollutants")
        bad = [n for n in names if n not in betas]
        if bad:
            pc.add(key, f"{', '.join(bad)} not among the pollutants of the set")
        twice = [n for n in names if n in seen]
        if twice:
            pc.add(key, f"{', '.join(twice)} in more than one group")
        seen.update(names)
        out.append(tuple(names))
    return out


def _packaged_bands(name: str):
    c = aqhi_mod.categories(name)
    return (c["level"].tolist(), [float(x) for x in c["value_low"].to_numpy(float)[1:]],
            c["category_en"].tolist(), c["category_zh"].tolist(),
            c["closed"].iloc[0] == "right")


def _band_list(pc: _Collector, v: list):
    levels, uppers, en, zh, msgs = [], [], [], [], []
    if len(v) < 2:
        pc.add("bands", "give at least two bands (the last one open-ended)")
    for i, b in enumerate(v):
        key = f"bands[{i}]"
        if not isinstance(b, dict):
            pc.add(key, "must be a table with level, upper, category_en, category_zh")
            continue
        for k in b:
            if k not in BAND_KEYS:
                pc.add(f"{key}.{k}", f"unknown key; known: {', '.join(BAND_KEYS)}")
        lv = b.get("level")
        if isinstance(lv, bool) or not isinstance(lv, (str, int)) or not str(lv).strip():
            pc.add(f"{key}.level", "missing or not a label (e.g. \"1\", \"10+\")")
            lv = ""
        lv = str(lv).strip()
        if lv and lv in levels:
            pc.add(f"{key}.level", f"level {lv!r} given twice")
        levels.append(lv)
        last = i == len(v) - 1
        up = b.get("upper")
        if last:
            if up is not None:
                pc.add(f"{key}.upper", "the last band is open-ended: remove 'upper' (values "
                                       "above the previous bound fall in it)")
        elif up is None:
            pc.add(f"{key}.upper", "missing: every band but the last needs an upper bound")
        elif not _is_number(up):
            pc.add(f"{key}.upper", f"must be a number, not {up!r}")
        else:
            if uppers and up <= uppers[-1]:
                pc.add(f"{key}.upper", f"bounds must increase: {up!r} is not above the previous "
                                       f"bound {uppers[-1]!r}")
            uppers.append(float(up))
        en.append(_text(pc, b, "category_en", True, f"{key}."))
        zh.append(_text(pc, b, "category_zh", True, f"{key}."))
        given = [k for k in MESSAGE_KEYS if k in b]
        if given and len(given) < len(MESSAGE_KEYS):
            pc.add(key, "inline messages need all of " + ", ".join(MESSAGE_KEYS))
        msgs.append({k: _text(pc, b, k, True, f"{key}.") for k in MESSAGE_KEYS} if given
                    else {})
    return levels, uppers, en, zh, msgs


def _message_sets() -> list[str]:
    return sorted(set(load_table("aqhi_messages")["method"]))


def parse_set(obj, file: str = "<coefficient set>") -> CoefficientSet:
    """Validate a coefficient set given as a dict (the parsed file).

    Parameters
    ----------
    obj : dict
        File content (see the module docstring).
    file : str
        Name used in error messages.

    Raises
    ------
    InputError
        Every problem found, each naming the file and key.

    References
    ----------
    Stieb DM et al. (2008). J Air Waste Manag Assoc 58(3):435-450.
    """
    pc = _Collector(file)
    if not isinstance(obj, dict):
        raise InputError([Problem(file, "must hold one table/object at the top level")])
    for k in obj:
        if k not in TOP_KEYS:
            pc.add(k, f"unknown key; known: {', '.join(TOP_KEYS)}")
    fmt = obj.get("format")
    if fmt is not None and fmt != FORMAT_ID:
        pc.add("format", f"{fmt!r} is not {FORMAT_ID!r}")
    name = _text(pc, obj, "name", True)
    if obj.get("source") is None:
        pc.add("source", "missing (required): cite the paper with its table/equation and "
                         "year, or say how the set was derived")
        source = ""
    else:
        source = _text(pc, obj, "source", True)
    note = _text(pc, obj, "note", False)
    betas, units = _pollutants(pc, obj.get("pollutants"))
    avg = obj.get("averaging_h")
    averaging = None
    if avg is None:
        pc.add("averaging_h", "missing (required): hours of the concentration means the "
                              "betas apply to (3 = 3-hour moving mean, 24 = daily mean)")
    else:
        averaging = _whole(pc, "averaging_h", avg, 1, 24)
    min_valid = None
    if obj.get("min_valid_h") is not None:
        if averaging is not None:
            min_valid = _whole(pc, "min_valid_h", obj["min_valid_h"], 1, averaging)
    elif averaging == 24:
        from ehrisk.air import aqi
        min_valid = int(aqi.rules(aqi.VALIDITY)["min_hours_24h"])   # GB 3095-2012 Table 4
    elif averaging == 1:
        min_valid = 1
    elif averaging is not None:
        pc.add("min_valid_h", f"missing: how many of the {averaging} hours a mean needs "
                              "(required unless averaging_h is 1 or 24)")
    scale, scale_text = (None, "")
    if obj.get("scale") is None:
        pc.add("scale", "missing (required): index per % excess risk, e.g. \"10/17\"")
    else:
        scale, scale_text = _scale(pc, obj["scale"])
    groups = _max_groups(pc, obj.get("max_groups"), betas)
    bands = obj.get("bands", DEFAULT_BANDS)
    inclusive = obj.get("band_upper_inclusive")
    if inclusive is not None and not isinstance(inclusive, bool):
        pc.add("band_upper_inclusive", "must be true or false")
    if isinstance(bands, str):
        if inclusive is not None:
            pc.add("band_upper_inclusive", "only with a list of bands")
        if bands not in PACKAGED_BANDS:
            pc.add("bands", f"unknown packaged bands {bands!r}; known: "
                            f"{', '.join(PACKAGED_BANDS)}, or give a list")
            levels = uppers = en = zh = msgs = []
            inclusive = False
        else:
            levels, uppers, en, zh, inclusive = _packaged_bands(bands)
            msgs = [{} for _ in levels]
        bands_from = bands
    elif isinstance(bands, list):
        levels, uppers, en, zh, msgs = _band_list(pc, bands)
        inclusive = bool(inclusive)
        bands_from = "file"
    else:
        pc.add("bands", "must be the name of packaged bands or a list of bands")
        levels = uppers = en = zh = msgs = []
        bands_from, inclusive = "file", False
    messages_from = obj.get("messages", DEFAULT_MESSAGES)
    known_msg = _message_sets()
    if messages_from != "none" and messages_from not in known_msg:
        pc.add("messages", f"unknown message set {messages_from!r}; known: "
                           f"{', '.join(known_msg)}, none")
    elif messages_from != "none":
        table = load_table("aqhi_messages")
        have = set(table.loc[table["method"] == messages_from, "category_en"])
        lack = sorted({c for c, m in zip(en, msgs, strict=False) if c and not m} - have)
        if lack:
            pc.add("messages", f"message set {messages_from!r} has no messages for "
                               f"categor{'y' if len(lack) == 1 else 'ies'} "
                               f"{', '.join(map(repr, lack))} (its categories: "
                               f"{', '.join(sorted(have))}); give inline messages in those "
                               "bands or set \"messages\": \"none\"")
    deriv = obj.get("derivation")
    if deriv is not None and not isinstance(deriv, dict):
        pc.add("derivation", "must be a table")
    if pc.problems:
        raise InputError(pc.problems)
    if messages_from != "none":
        msgs = [m or aqhi_mod.messages_from_set(messages_from, c) for c, m in
                zip(en, msgs, strict=True)]
    return CoefficientSet(name=name, source=source, betas=betas, units=units,
                          averaging_h=averaging, min_valid_h=min_valid, scale=scale,
                          levels=levels, uppers=uppers, category_en=en, category_zh=zh,
                          band_messages=msgs, upper_inclusive=inclusive, max_groups=groups,
                          bands_from=bands_from, messages_from=messages_from, note=note,
                          scale_text=scale_text, file=file, derivation=deriv)


def read_file(path: str | Path) -> dict:
    """Parse a ``.json`` or ``.toml`` file into a dict (InputError naming file and line)."""
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        raise InputError.single(str(p), f"unknown file type {p.suffix!r}; use "
                                        f"{' or '.join(SUFFIXES)}")
    if not p.is_file():
        raise InputError.single(str(p), "file not found")
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(str(p), f"not UTF-8 text ({exc.reason})") from None
    try:
        if p.suffix.lower() == ".json":
            return json.loads(text)
        return tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(str(p), f"not valid JSON: {exc.msg}", row=exc.lineno) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError.single(str(p), f"not valid TOML: {exc}") from None


def load_set(path: str | Path) -> CoefficientSet:
    """Read and validate a coefficient-set file (``.json`` or ``.toml``)."""
    return parse_set(read_file(path), str(path))


# --- registry -----------------------------------------------------------------------------
#: The one registry of AQHI coefficient sets: the packaged methods (built from tables
#: ``aqhi_coefficients``/``aqhi_categories``/``aqhi_messages`` when first asked for) and any set
#: a caller registers (e.g. one read from a file or derived from a local model).
_REGISTRY: dict[str, CoefficientSet] = {}


def packaged_set(method: str) -> CoefficientSet:
    """A packaged method (``stieb-2008``, ``hk-epd-2013``, ``chen-2012-shanghai``; aliases as
    :data:`ehrisk.air.aqhi.METHOD_ALIASES`) as a set, from the registry.

    References
    ----------
    As the rows of tables ``aqhi_coefficients`` and ``aqhi_categories`` name.
    """
    m = aqhi_mod.resolve_method(method)
    if m == "aqhi-plus":
        raise ValueError("aqhi-plus bands 1-hour PM2.5 directly; it is not a coefficient set")
    if m not in _REGISTRY:
        _REGISTRY[m] = _build_packaged(m)
    return _REGISTRY[m]


def register(cs: CoefficientSet) -> CoefficientSet:
    """Add a set to the registry under ``cs.name`` (a packaged method's name is refused)."""
    key = cs.name.strip().lower()
    if key in aqhi_mod.METHOD_ALIASES:
        raise ValueError(f"{cs.name!r} is a packaged AQHI method; give the set another name")
    _REGISTRY[key] = cs
    return cs


def get_set(name: str) -> CoefficientSet:
    """The registered set of a name: a packaged method (or alias) or a registered set."""
    key = str(name).strip().lower()
    if key in aqhi_mod.METHOD_ALIASES:
        return packaged_set(key)
    if key in _REGISTRY:
        return _REGISTRY[key]
    known = [k for k in aqhi_mod.METHOD_ALIASES if k != "aqhi-plus"] + sorted(
        k for k in _REGISTRY if k not in aqhi_mod.METHOD_ALIASES)
    raise KeyError(f"unknown AQHI coefficient set {name!r}; known: {', '.join(known)}")


def registered() -> list[str]:
    """Names of every set the registry can give (packaged methods first)."""
    packaged = [m for m in aqhi_mod.METHODS if m != "aqhi-plus"]
    return packaged + sorted(k for k in _REGISTRY if k not in packaged)


def _build_packaged(m: str) -> CoefficientSet:
    """A packaged method (``stieb-2008``, ``hk-epd-2013``, ``chen-2012-shanghai``) as a set.

    References
    ----------
    As the rows of tables ``aqhi_coefficients`` and ``aqhi_categories`` name.
    """
    c = aqhi_mod.coefficients(m)
    rows = load_table("aqhi_coefficients")
    rows = rows[(rows["method"] == m) & rows["term"].str.startswith("beta_")]
    units = {r.term[5:]: _unit(r.unit.replace("1/", "").strip("()")) for r in
             rows.itertuples(index=False)}
    levels, uppers, en, zh, inclusive = _packaged_bands(m)
    msg_set = c.get("messages", m)
    return CoefficientSet(
        name=m, source=rows["source"].iloc[0], betas=aqhi_mod.betas(m), units=units,
        averaging_h=int(c["averaging_h"]), min_valid_h=int(c["min_valid_h"]),
        scale=aqhi_mod.scale(m), levels=levels, uppers=uppers, category_en=en, category_zh=zh,
        band_messages=[aqhi_mod.messages_from_set(msg_set, x) for x in en],
        upper_inclusive=inclusive, max_groups=aqhi_mod.max_groups(m), bands_from=m,
        messages_from=msg_set, scale_text=f"{c['scale_numerator']}/{c['scale_denominator']}")


# --- writing ------------------------------------------------------------------------------

def _toml_key(k: str) -> str:
    return k if k and all(ch.isalnum() or ch in "_-" for ch in k) and k.isascii() \
        else json.dumps(k, ensure_ascii=False)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError("TOML output cannot hold NaN or infinity")
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()
                               if x is not None) + "}"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def to_toml(obj: dict, prefix: str = "") -> str:
    """A dict as TOML text: scalars and arrays first, then sub-tables and arrays of tables."""
    lines, later = [], []
    for k, v in obj.items():
        if v is None:
            continue
        key = _toml_key(str(k))
        if isinstance(v, dict):
            body = to_toml(v, f"{prefix}{key}.")
            only_tables = bool(v) and all(isinstance(x, dict) for x in v.values())
            later.append(body if only_tables else f"\n[{prefix}{key}]\n" + body)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for x in v:
                later.append(f"\n[[{prefix}{key}]]\n" + to_toml(x, f"{prefix}{key}."))
        else:
            lines.append(f"{key} = {_toml_value(v)}")
    return "\n".join(lines) + ("\n" if lines else "") + "".join(later)


def write_set(content: dict, path: str | Path) -> CoefficientSet:
    """Validate ``content`` as a coefficient set and write it as JSON or TOML (by suffix).

    Returns the validated set; raises InputError (nothing written) when it does not validate.
    """
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        raise InputError.single(str(p), f"unknown file type {p.suffix!r}; use "
                                        f"{' or '.join(SUFFIXES)}")
    cs = parse_set(content, str(p))
    if p.suffix.lower() == ".json":
        text = json.dumps(content, ensure_ascii=False, indent=2) + "\n"
    else:
        text = to_toml(content)
    p.write_text(text, encoding="utf-8")
    return cs


# --- applying -----------------------------------------------------------------------------

def evaluate(cs: CoefficientSet, conc: dict) -> pd.DataFrame:
    """AQHI level, category and messages from averaged concentrations, one row per value.

    Parameters
    ----------
    cs : CoefficientSet
        The set.
    conc : dict
        Concentrations keyed by the set's input columns (``cs.inputs``, e.g. ``no2_ppb``),
        already averaged over ``cs.averaging_h`` hours [unit in the key].

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`ehrisk.air.aqhi.aqhi`: ``value`` (continuous index),
        ``er_total_pct``, ``level``, ``aqhi_plus`` (always ``""``), ``category_en/zh``,
        ``general_en/zh``, ``sensitive_en/zh``.

    References
    ----------
    Stieb DM et al. (2008). J Air Waste Manag Assoc 58(3):435-450, AQHI equation.
    """
    cc = {p: conc[col] for p, col in cs.inputs.items() if conc.get(col) is not None}
    er, _ = aqhi_mod.excess_risk_pct(cc, cs.betas, cs.max_groups)
    er = np.atleast_1d(er)
    value = er * cs.scale
    level = cs.band(value)
    pos = {lv: i for i, lv in enumerate(cs.levels)}
    rows = []
    for k in range(len(level)):
        i = pos.get(level[k])
        msg = cs.band_messages[i] if i is not None else {}
        rows.append({"value": float(value[k]), "er_total_pct": float(er[k]),
                     "level": level[k], "aqhi_plus": "",
                     "category_en": cs.category_en[i] if i is not None else "",
                     "category_zh": cs.category_zh[i] if i is not None else "",
                     **{f"{a}_{lang}": msg.get(f"{a}_{lang}", "")
                        for a in ("general", "sensitive") for lang in ("en", "zh")}})
    return pd.DataFrame(rows)


def from_hourly(df: pd.DataFrame, cs: CoefficientSet, time_col: str = "time") -> pd.DataFrame:
    """AQHI for every hour of one station's hourly series with the set's moving means.

    Each hour gets the trailing ``averaging_h``-hour mean (valid with ``min_valid_h`` hours);
    for a 24-hour set the value at 23:00 is that calendar day's mean.

    Returns
    -------
    pandas.DataFrame
        ``time``, ``<column>_<h>h`` means and the :func:`evaluate` columns.

    References
    ----------
    Stieb DM et al. (2008) (3-hour means); Chen RJ et al. (2012) Chin J Prev Med 46(5):443-446
    (daily means).
    """
    if "o3_8h" in cs.betas:
        raise ValueError("the set uses the daily maximum 8-hour O3 (o3_8h), which hourly "
                         "moving means cannot give; compute it per day and give daily values")
    out, conc, _data, t = aqhi_mod.hourly_means(df, cs.inputs.values(), cs.averaging_h,
                                                cs.min_valid_h, time_col)
    res = evaluate(cs, conc)
    out = pd.concat([out, res], axis=1)
    return out[out["time"].isin(t)].reset_index(drop=True)
