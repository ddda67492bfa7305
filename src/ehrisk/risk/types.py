"""Result types shared by the risk methods."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class ScreeningLevel:
    """A back-calculated screening level for one chemical, medium and receptor.

    Attributes
    ----------
    cas : str
    medium : str
        ``"air"``, ``"tapwater"`` or ``"soil"``.
    receptor : str
        ``"resident"``, ``"worker"`` (RSL), or HJ 25.3 land use receptor
        (``"first-class"`` / ``"second-class"``).
    cancer_sl : float
        Level at the target cancer risk [unit]; NaN if the chemical has no cancer value.
    noncancer_sl : float
        Level at the target hazard quotient [unit]; NaN if it has no non-cancer value.
    sl : float
        The lower of the two [unit].
    unit : str
        ``"ug/m3"`` (air), ``"ug/L"`` (tap water) or ``"mg/kg"`` (soil).
    params : str
        Exposure-factor set used (``"epa-rsl"``, ``"hj25.3-2019"``).
    target_risk, target_hq : float
    details : dict
        Per-pathway levels and intermediate factors (e.g. VF, PEF), for the report.
    risk_based_sl : float, optional
        The risk-based level before any saturation cap [unit] (HJ 25.3 sets it; None where
        the method does not report it separately).
    csat_mg_kg : float, optional
        Soil saturation limit Csat [mg/kg] (HJ 25.3 soil; None where not computed).
    limited_by_saturation : bool, optional
        True where ``sl`` is Csat rather than the risk-based level (None: not assessed).
    """

    cas: str
    medium: str
    receptor: str
    cancer_sl: float
    noncancer_sl: float
    sl: float
    unit: str
    params: str
    target_risk: float = 1e-6
    target_hq: float = 1.0
    details: dict = field(default_factory=dict)
    risk_based_sl: float | None = None
    csat_mg_kg: float | None = None
    limited_by_saturation: bool | None = None

    def as_dict(self) -> dict:
        d = asdict(self)
        for k in ("cancer_sl", "noncancer_sl", "sl", "risk_based_sl", "csat_mg_kg"):
            if isinstance(d[k], float) and math.isnan(d[k]):
                d[k] = None
        return d
