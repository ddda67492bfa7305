"""The modelled field of an :class:`~ehrisk.inventory.Inventory` (:func:`build_field`, used by
the health-impact service).

The risk map itself is :func:`ehrisk.mapping.compute.compute_risk_map` (compute) and
:func:`ehrisk.mapping.outputs.write_risk_map` (writer), run as the service
:func:`ehrisk.services.risk_map.run_risk_map`. Compute only; nothing here writes files.
"""

from __future__ import annotations

from ehrisk.inventory import Inventory
from ehrisk.mapping.compute import model_field, points, population_to_cells
from ehrisk.mapping.field import ConcentrationField

_points = points

__all__ = ["build_field", "points", "population_to_cells"]


def build_field(region: Inventory, resolution_m: float = 250.0, substances=None, cutoff_m: float = 20_000.0,
                year: int | None = None, progress=None) -> ConcentrationField:
    """Long-term modelled field with its SRM (see :func:`ehrisk.mapping.compute.model_field`).

    The inventory's metric CRS, time zone and (when ``year`` is None) inventory year are used;
    there is no default CRS.
    """
    if not isinstance(region, Inventory):
        raise TypeError("build_field takes an ehrisk.inventory.Inventory")
    return model_field(region.stacks, region.emissions, region.enterprises,
                       region.meteorology, region.population_grid, crs=region.metric_crs,
                       year=region.year if year is None else year,
                       resolution_m=resolution_m, cutoff_m=cutoff_m, substances=substances,
                       timezone=region.timezone, progress=progress)
