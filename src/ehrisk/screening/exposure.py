"""Population near each emitting enterprise, the population part of the exposure potential.

Two ways in: a table that gives each enterprise's population within 5 km directly, or a
population grid (cell centres with persons) summed around each enterprise within a radius,
each cell weighted by distance (see :func:`population_near_sources`).
"""

from __future__ import annotations

import numpy as np

_CHUNK_PAIRS = 4_000_000  # enterprise x cell pairs per block (bounds memory to ~100 MB)


def haversine_km(lon1_deg, lat1_deg, lon2_deg, lat2_deg, earth_radius_km: float):
    """Great-circle distance on a sphere (haversine formula).

    Parameters
    ----------
    lon1_deg, lat1_deg, lon2_deg, lat2_deg : array_like
        Longitudes and latitudes [degrees], broadcastable.
    earth_radius_km : float
        Sphere radius [km] (mean Earth radius, Moritz 2000: 6371.0088 km).

    Returns
    -------
    ndarray
        Distance [km].

    References
    ----------
    Sinnott R.W. (1984), "Virtues of the haversine", Sky and Telescope 68(2):159.
    """
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float))
                              for a in (lon1_deg, lat1_deg, lon2_deg, lat2_deg))
    a = (np.sin((lat2 - lat1) / 2.0) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2.0) ** 2)
    return 2.0 * earth_radius_km * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def population_near_sources(src_lon_deg, src_lat_deg, cell_lon_deg, cell_lat_deg,
                            cell_population, radius_km: float, earth_radius_km: float,
                            linear_kernel: bool = True):
    """Distance-weighted population within ``radius_km`` of each source.

    ``P_e = sum_c pop_c * w(d_ec)`` with ``w(d) = 1 - d / R`` for ``d <= R`` (linear kernel)
    or ``w(d) = 1`` for ``d <= R`` (uniform kernel), and 0 beyond ``R``.

    Parameters
    ----------
    src_lon_deg, src_lat_deg : array_like, shape (E,)
        Source (enterprise) coordinates [degrees, WGS84/CGCS2000].
    cell_lon_deg, cell_lat_deg : array_like, shape (C,)
        Population cell centres [degrees].
    cell_population : array_like, shape (C,)
        Persons in each cell [persons].
    radius_km : float
        Radius [km] (default table value 5 km).
    earth_radius_km : float
        Sphere radius for distances [km].
    linear_kernel : bool
        Linear decline with distance (True) or a plain count within the radius (False).

    Returns
    -------
    ndarray, shape (E,)
        Weighted population [persons].

    References
    ----------
    ehrisk method choice, documented in docs/screening.md (kernel and radius are configurable
    table values); distances by the haversine formula (Sinnott 1984).
    """
    slon = np.atleast_1d(np.asarray(src_lon_deg, dtype=float))
    slat = np.atleast_1d(np.asarray(src_lat_deg, dtype=float))
    clon = np.atleast_1d(np.asarray(cell_lon_deg, dtype=float))
    clat = np.atleast_1d(np.asarray(cell_lat_deg, dtype=float))
    pop = np.atleast_1d(np.asarray(cell_population, dtype=float))
    if not (slon.shape == slat.shape and clon.shape == clat.shape == pop.shape):
        raise ValueError("coordinate and population arrays must have matching shapes")
    if radius_km <= 0:
        raise ValueError(f"radius_km must be > 0, got {radius_km}")
    out = np.zeros(slon.shape[0])
    step = max(1, _CHUNK_PAIRS // max(1, clon.shape[0]))
    for i in range(0, slon.shape[0], step):
        d = haversine_km(slon[i:i + step, None], slat[i:i + step, None], clon[None, :],
                         clat[None, :], earth_radius_km)
        if linear_kernel:
            w = np.clip(1.0 - d / radius_km, 0.0, None)
        else:
            w = (d <= radius_km).astype(float)
        out[i:i + step] = w @ pop
    return out
