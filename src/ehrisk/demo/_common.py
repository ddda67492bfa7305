"""Shared helpers of the demo generator: seeded streams, cited magnitudes, projection.

Every number the generator bases its magnitudes on is read from the packaged reference table
``demo_magnitudes`` (``src/ehrisk/refdata/tables/demo_magnitudes.csv``), whose rows each name a
source; nothing here hard-codes a reference value.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from pyproj import Transformer

from ehrisk.refdata import load_table

MAGNITUDES_TABLE = "demo_magnitudes"

# Independent random streams, one per component. Order is part of the format: append only.
STREAMS = (
    "geography", "population", "receptors", "enterprises", "stacks", "emissions", "storages",
    "meteorology", "monitoring", "voc", "health", "codes",
)

# Metric projection of the study area: UTM zone 51N (120E-126E) on WGS 84.
METRIC_CRS = "EPSG:32651"
GEO_CRS = "EPSG:4326"

# First and last local day of the hourly series (China Standard Time, UTC+8).
SERIES_START = "2023-01-01"
SERIES_END = "2025-12-31"
TIMEZONE = "Asia/Shanghai"


def streams(seed: int) -> dict[str, np.random.Generator]:
    """Independent generators for each component, split from one seed.

    Parameters
    ----------
    seed : int
        Master seed [-].

    Returns
    -------
    dict of str to numpy.random.Generator
        One generator per name in :data:`STREAMS` (``SeedSequence.spawn``), so adding draws to
        one component never changes another.
    """
    children = np.random.SeedSequence(int(seed)).spawn(len(STREAMS))
    return {name: np.random.default_rng(ss) for name, ss in zip(STREAMS, children, strict=True)}


@lru_cache(maxsize=1)
def magnitudes() -> pd.DataFrame:
    """The cited magnitudes table (``demo_magnitudes``) with numeric value/low/high."""
    return load_table(MAGNITUDES_TABLE, numeric=["value", "low", "high"])


def mag(key: str) -> float:
    """Value of one row of ``demo_magnitudes`` by key (KeyError naming the key if absent)."""
    df = magnitudes()
    sel = df.loc[df["key"] == key, "value"]
    if sel.empty:
        raise KeyError(f"demo_magnitudes has no key {key!r}")
    return float(sel.iloc[0])


def mag_range(key: str) -> tuple[float, float]:
    """``(low, high)`` of one row of ``demo_magnitudes`` by key."""
    df = magnitudes()
    sel = df.loc[df["key"] == key]
    if sel.empty:
        raise KeyError(f"demo_magnitudes has no key {key!r}")
    return float(sel["low"].iloc[0]), float(sel["high"].iloc[0])


def mag_group(group: str) -> pd.DataFrame:
    """All rows of one group (``emission``, ``storage``, ``stack``, ...)."""
    df = magnitudes()
    return df[df["group"] == group].reset_index(drop=True)


@lru_cache(maxsize=2)
def _transformer(inverse: bool) -> Transformer:
    if inverse:
        return Transformer.from_crs(METRIC_CRS, GEO_CRS, always_xy=True)
    return Transformer.from_crs(GEO_CRS, METRIC_CRS, always_xy=True)


def to_lonlat(x_m, y_m) -> tuple[np.ndarray, np.ndarray]:
    """UTM 51N easting/northing [m] -> longitude/latitude [deg, WGS 84]."""
    lon, lat = _transformer(True).transform(np.asarray(x_m, float), np.asarray(y_m, float))
    return np.round(np.asarray(lon), 6), np.round(np.asarray(lat), 6)


def to_xy(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude [deg, WGS 84] -> UTM 51N easting/northing [m]."""
    x, y = _transformer(False).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def hourly_index() -> pd.DatetimeIndex:
    """Hourly local timestamps (Asia/Shanghai) from SERIES_START 00:00 to SERIES_END 23:00."""
    return pd.date_range(f"{SERIES_START} 00:00", f"{SERIES_END} 23:00", freq="h", tz=TIMEZONE)


def ar1(rng: np.random.Generator, n: int, phi: float, sd: float, size: int = 1) -> np.ndarray:
    """Stationary AR(1) series of length ``n`` (rows) with lag-1 autocorrelation ``phi`` and
    marginal standard deviation ``sd``; shape ``(n, size)``.

    x_t = phi x_{t-1} + e_t, e_t ~ N(0, sd^2 (1 - phi^2)); x_0 ~ N(0, sd^2). Vectorised with
    ``scipy.signal.lfilter``.
    """
    from scipy.signal import lfilter

    e = rng.standard_normal((n, size)) * sd * np.sqrt(1.0 - phi * phi)
    e[0] = rng.standard_normal(size) * sd
    return lfilter([1.0], [1.0, -phi], e, axis=0)

DATASET_TAG = "ehrisk demo (synthetic)"
"""Value of the ``dataset`` column written as the first column of every CSV."""
