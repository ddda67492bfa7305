"""Screening levels by parameter set, through an explicit registry (no guessing by arguments).

``"epa-rsl"`` -> :func:`ehrisk.risk.rsl.screening_level` (US EPA RSL User's Guide, Nov 2024);
``"hj25.3-2019"`` -> ``ehrisk.risk.hj25_3_2019.screening_level`` (HJ 25.3-2019, GB 36600-2018),
imported lazily so that a checkout without that module still serves the RSL.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ehrisk.errors import EhriskError
from ehrisk.risk.types import ScreeningLevel


def _rsl(cas, medium, receptor, land_use, target_risk, target_hq):
    from ehrisk.risk import rsl

    return rsl.screening_level(cas, medium, receptor=receptor, land_use=land_use,
                               target_risk=target_risk, target_hq=target_hq)


def _hj25_3(cas, medium, receptor, land_use, target_risk, target_hq):
    try:
        mod = importlib.import_module("ehrisk.risk.hj25_3_2019")
    except ModuleNotFoundError as exc:
        if exc.name != "ehrisk.risk.hj25_3_2019":
            raise
        raise EhriskError("parameter set 'hj25.3-2019' is not available in this installation "
                          "(module ehrisk.risk.hj25_3_2019 missing)") from None
    return mod.screening_level(cas, medium=medium, land_use=land_use or "first-class",
                               target_risk=target_risk, target_hq=target_hq)


REGISTRY: dict[str, Callable[..., ScreeningLevel]] = {
    "epa-rsl": _rsl,
    "hj25.3-2019": _hj25_3,
}


def screening_level(cas: str, medium: str, receptor: str = "resident", params: str = "epa-rsl",
                    land_use: str | None = None, target_risk: float = 1e-6,
                    target_hq: float = 1.0) -> ScreeningLevel:
    """Screening level of ``cas`` in ``medium`` for ``receptor`` under parameter set ``params``.

    Parameters
    ----------
    cas : str
        CAS number (or pseudo-id) of the substance.
    medium : {"air", "tapwater", "soil"}
    receptor : str
        ``"resident"`` / ``"worker"`` (RSL); ignored by HJ 25.3 (land use decides).
    params : {"epa-rsl", "hj25.3-2019"}
    land_use : str, optional
        HJ 25.3-2019 land use (``"first-class"`` / ``"second-class"``).
    target_risk : float
        Target excess lifetime cancer risk [-].
    target_hq : float
        Target hazard quotient [-].

    References
    ----------
    US EPA RSL User's Guide (November 2024), section 4; HJ 25.3-2019, Annex A.
    """
    if params not in REGISTRY:
        raise KeyError(f"unknown parameter set {params!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[params](cas, medium, receptor, land_use, target_risk, target_hq)
