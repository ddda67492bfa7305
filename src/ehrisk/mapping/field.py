"""Concentration fields (浓度场): grid cells x substances, from unit-emission source-receptor
matrices (dispersion) or from monitoring.

A :class:`ConcentrationField` keeps, besides the concentrations, the pieces that made them: the
source-receptor matrix ``srm`` [ug/m3 per g/s] (cells x sources, scipy.sparse), the emission
matrix ``emission_g_s`` (sources x substances) and each source's enterprise. Because the plume is
linear in the emission rate, ``conc = srm @ emission_g_s`` and any what-if scenario or per-source
attribution is a sparse product (superposition).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ehrisk.refdata import load_table

MODELLED = "modelled"


@dataclass
class ConcentrationField:
    """Annual-mean air concentrations on grid cells.

    Attributes
    ----------
    cells : DataFrame
        ``cell_id, x_m, y_m, row, col`` (cell centres in the metric CRS ``crs``).
    cas : list of str
        Substances (columns of ``conc_ug_m3``).
    conc_ug_m3 : ndarray (n_cells, n_substances)
        Concentration [ug/m3].
    resolution_m : float
        Cell size [m].
    crs : str
        Metric CRS of ``x_m, y_m`` (the inventory's ``metric_crs``, e.g. a UTM zone).
    srm : scipy.sparse matrix (n_cells, n_sources) or None
        Unit-emission source-receptor matrix [ug/m3 per g/s].
    emission_g_s : ndarray (n_sources, n_substances) or None
        Emission rates [g/s].
    sources : DataFrame or None
        ``source_id, credit_code, kind`` (stack / fugitive) per SRM column.
    basis : str
        How the field was made: ``"modelled"`` or a description of the monitoring blend.
    meta : dict
        Free provenance (blend stations, parameters).
    """

    cells: pd.DataFrame
    cas: list[str]
    conc_ug_m3: np.ndarray
    resolution_m: float
    crs: str
    srm: sp.csr_matrix | None = None
    emission_g_s: np.ndarray | None = None
    sources: pd.DataFrame | None = None
    basis: str = MODELLED
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        c = np.asarray(self.conc_ug_m3, dtype=float)
        if c.ndim != 2 or c.shape != (len(self.cells), len(self.cas)):
            raise ValueError(f"conc_ug_m3 must have shape ({len(self.cells)}, {len(self.cas)}), "
                             f"got {c.shape}")
        if np.any(c < 0) or not np.all(np.isfinite(c)):
            raise ValueError("concentrations must be finite and >= 0 ug/m3")
        self.conc_ug_m3 = c
        self.cas = [str(x) for x in self.cas]

    @property
    def has_sources(self) -> bool:
        """True when the field keeps its source-receptor matrix (attribution is possible)."""
        return self.srm is not None and self.emission_g_s is not None

    def subset(self, cas: list[str]) -> ConcentrationField:
        """The same field restricted to substances ``cas`` (in that order)."""
        idx = [self.cas.index(c) for c in cas]
        em = None if self.emission_g_s is None else self.emission_g_s[:, idx]
        return replace(self, cas=list(cas), conc_ug_m3=self.conc_ug_m3[:, idx], emission_g_s=em)


def from_srm(cells: pd.DataFrame, srm: sp.spmatrix, sources: pd.DataFrame,
             emission_g_s: np.ndarray, cas: list[str], resolution_m: float,
             crs: str) -> ConcentrationField:
    """Field from a unit-emission SRM and an emission matrix: C = SRM Q (superposition).

    Parameters
    ----------
    cells : DataFrame
        Cell centres (``cell_id, x_m, y_m``) [m].
    srm : sparse (n_cells, n_sources)
        [ug/m3 per g/s].
    sources : DataFrame
        ``source_id, credit_code`` per SRM column.
    emission_g_s : ndarray (n_sources, n_substances)
        [g/s].
    cas : list of str
    resolution_m : float
        [m].
    crs : str

    References
    ----------
    ISC3 User's Guide vol. II (EPA-454/B-95-003b): the Gaussian plume is linear in the emission
    rate, so concentrations from many sources add (superposition).
    """
    srm = sp.csr_matrix(srm)
    q = np.asarray(emission_g_s, float)
    if q.shape != (srm.shape[1], len(cas)):
        raise ValueError(f"emission_g_s must be ({srm.shape[1]}, {len(cas)}), got {q.shape}")
    conc = np.asarray(srm @ q)
    return ConcentrationField(cells.reset_index(drop=True), list(cas), conc, float(resolution_m),
                              crs, srm, q, sources.reset_index(drop=True), MODELLED)


def fugitive_defaults(rule_set: str = "default") -> dict[str, float]:
    """Volume-source dimensions for fugitive emissions (table ``zoning_rules``, group
    ``fugitive``): ``release_height_m``, ``side_m``, ``vertical_dim_m`` [m]."""
    df = load_table("zoning_rules", numeric=["lower"])
    df = df[(df["rule_set"] == rule_set) & (df["group"] == "fugitive")]
    return dict(zip(df["key"], df["lower"].astype(float), strict=True))


def emission_sources(stacks: pd.DataFrame, emissions: pd.DataFrame,
                     enterprises: pd.DataFrame, cas: list[str] | None = None,
                     year: int | None = None) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Dispersion sources and their emission matrix from an inventory.

    Stack emissions go to their stack; emissions to air without a stack (fugitive, 无组织) go to
    one ISC3 volume source per enterprise at its location, with the dimensions of
    :func:`fugitive_defaults`.

    Parameters
    ----------
    stacks : DataFrame
        ``stack_id, credit_code, x_m, y_m, height_m, diameter_m, exit_velocity_m_s,
        exit_temp_k`` [m, m/s, K].
    emissions : DataFrame
        ``credit_code, stack_id, cas, medium, emission_g_s`` [g/s] and optional ``year``.
    enterprises : DataFrame
        ``credit_code, x_m, y_m`` [m] (for fugitive sources).
    cas : list of str, optional
        Substances to keep (default: all emitted to air).
    year : int, optional
        Inventory year (default: the latest).

    Returns
    -------
    sources : DataFrame
        :mod:`ehrisk.dispersion.sources` columns plus ``credit_code`` and ``kind``.
    emission_g_s : ndarray (n_sources, n_substances)
        [g/s].
    cas : list of str
    """
    from ehrisk.dispersion import sources as dsrc

    em = emissions[emissions["medium"] == "air"].copy()
    if "year" in em.columns and len(em):
        em = em[em["year"] == (int(em["year"].max()) if year is None else int(year))]
    if cas is not None:
        em = em[em["cas"].isin(cas)]
    cas_list = list(cas) if cas is not None else sorted(em["cas"].unique())
    em["stack_id"] = em["stack_id"].fillna("").astype(str)
    st = stacks[stacks["stack_id"].isin(set(em["stack_id"]))]
    parts = []
    if len(st):
        s = dsrc.stacks(st)
        s["credit_code"] = st["credit_code"].to_numpy()
        s["kind"] = "stack"
        parts.append(s)
    fug = em[em["stack_id"] == ""]
    if len(fug):
        d = fugitive_defaults()
        ent = enterprises.set_index("credit_code")
        codes = sorted(fug["credit_code"].unique())
        missing = [c for c in codes if c not in ent.index]
        if missing:
            raise KeyError(f"fugitive emissions of enterprises without a location: {missing[:5]}")
        vs = pd.concat([dsrc.volume_source(f"{c}-FUG", float(ent.at[c, "x_m"]),
                                           float(ent.at[c, "y_m"]), d["release_height_m"],
                                           d["side_m"], d["vertical_dim_m"], 1.0)
                        for c in codes], ignore_index=True)
        vs["credit_code"] = codes
        vs["kind"] = "fugitive"
        parts.append(vs)
    if not parts:
        raise ValueError("no emissions to air for the selected substances and year")
    src = pd.concat(parts, ignore_index=True)
    em["source_id"] = np.where(em["stack_id"] == "", em["credit_code"] + "-FUG", em["stack_id"])
    piv = em.pivot_table(index="source_id", columns="cas", values="emission_g_s", aggfunc="sum",
                         fill_value=0.0)
    piv = piv.reindex(index=src["source_id"], columns=cas_list, fill_value=0.0)
    src["emission_g_s"] = 1.0
    return src, piv.to_numpy(float), cas_list
