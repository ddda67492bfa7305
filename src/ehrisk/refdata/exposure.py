"""Exposure-factor sets keyed by standard and edition.

Tables ``exposure_factors_<slug>.csv`` (long format): ``set, receptor, land_use, parameter,
value, unit, source, note``. ``receptor`` names the exposed group within a set (e.g.
``resident``, ``resident_child``, ``resident_adult``, ``worker``; for the China handbook
``adult_male`` ...); ``land_use`` is blank unless the set distinguishes it (HJ 25.3-2019:
``first-class`` / ``second-class``).

Known sets: ``epa-rsl`` (US EPA RSL User's Guide defaults), ``hj25.3-2019`` (HJ 25.3-2019
Annex G defaults), ``china-exposure-factors`` (中国人群暴露参数手册).
"""

from __future__ import annotations

from ehrisk.refdata import RefdataError, load_table

SETS = {
    "epa-rsl": "exposure_factors_epa_rsl",
    "hj25.3-2019": "exposure_factors_hj25_3_2019",
    "china-exposure-factors": "exposure_factors_china_handbook",
}


def _table(set_name: str):
    if set_name not in SETS:
        raise RefdataError(f"unknown exposure-factor set {set_name!r}; known: {', '.join(SETS)}")
    return load_table(SETS[set_name], numeric=["value"])


def exposure_factor_table(set_name: str):
    """The whole long table of one set (DataFrame), with its sources."""
    return _table(set_name)


def receptors(set_name: str, land_use: str | None = None) -> list[str]:
    """Receptor names available in a set (optionally for one land use)."""
    df = _table(set_name)
    if land_use is not None:
        df = df[df["land_use"] == land_use]
    return sorted(df["receptor"].unique())


def exposure_factors(set_name: str, receptor: str, land_use: str | None = None) -> dict[str, float]:
    """Parameters of one receptor in one set as ``{parameter: value}`` (units in the names).

    Rows with blank ``land_use`` apply to every land use; a row for the given land use wins.
    Raises :class:`RefdataError` naming what exists if the receptor or land use is unknown.
    """
    df = _table(set_name)
    sel = df[df["receptor"] == receptor]
    if sel.empty:
        raise RefdataError(f"set {set_name!r} has no receptor {receptor!r}; "
                           f"known: {', '.join(receptors(set_name))}")
    if land_use is not None:
        lu = sel[sel["land_use"] == land_use]
        if lu.empty and (sel["land_use"] != "").all():
            known = sorted(set(sel["land_use"]))
            raise RefdataError(f"set {set_name!r}, receptor {receptor!r} has no land use "
                               f"{land_use!r}; known: {', '.join(known)}")
        generic = sel[sel["land_use"] == ""]
        out = dict(zip(generic["parameter"], generic["value"], strict=True))
        out.update(zip(lu["parameter"], lu["value"], strict=True))
        return out
    return dict(zip(sel["parameter"], sel["value"], strict=False))
