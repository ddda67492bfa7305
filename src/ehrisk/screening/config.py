"""Method constants and configurable weights of the priority-pollutant screening.

Defaults come from the packaged table ``screening_weights.csv`` (each row with its source, or
marked as a documented ehrisk default). A user may override any of them (``--weights
weights.toml``); :meth:`ScreeningWeights.with_overrides` checks names and values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ehrisk.refdata import load_table

TABLE = "screening_weights"
RULE_TABLE = "screening_priority_rule"

#: Tier codes used in the table and the results.
TIER_NAMES = {1: "priority", 2: "watch", 3: "general"}
TIER_NAMES_ZH = {1: "优先控制", 2: "关注", 3: "一般"}
TIER_CODES = {v: k for k, v in TIER_NAMES.items()}

#: The weight factors moved in the stability report, and the parameter each one scales.
STABILITY_FACTORS = {
    "toxicity": "toxicity_exponent",
    "amount": "amount_exponent",
    "exposure": "exposure_exponent",
    "persistence": "persistence_factor",
    "bioaccumulation": "bioaccumulation_factor",
    "list_bonus": "list_bonus",
}

_POSITIVE = ("toxicity_exponent", "amount_exponent", "exposure_exponent", "rsei_rfd_numerator",
             "rsei_sf_denominator", "rsei_inhalation_rate_m3_day", "rsei_body_weight_kg",
             "exposure_radius_km", "earth_radius_km", "persistence_factor",
             "bioaccumulation_factor", "stability_scale_low", "stability_scale_high",
             "bcf_threshold_l_kg")
_FLAGS = ("rsei_route_fallback", "population_kernel_linear")
_SHARES = ("tier_priority_cum_share", "tier_watch_cum_share", "view_cum_share")
_FRACTIONS = ("view_min_substance_share", "view_min_share_of_total")
_COUNTS = ("view_min_n", "view_max_n", "priority_max_n")


@dataclass(frozen=True)
class ScreeningWeights:
    """All method constants of one screening run, by parameter name (units in the table).

    Attributes
    ----------
    values : dict
        ``{parameter: value}``.
    sources : dict
        ``{parameter: source}``; overridden values say ``"user override"``.
    """

    values: dict[str, float]
    sources: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> float:
        if key not in self.values:
            raise KeyError(f"unknown screening parameter {key!r}; known: {', '.join(self.values)}")
        return self.values[key]

    @property
    def medium_factors(self) -> dict[str, float]:
        """``{medium: factor}`` from the ``medium_factor_<medium>`` parameters."""
        return {k[len("medium_factor_"):]: v for k, v in self.values.items()
                if k.startswith("medium_factor_")}

    @property
    def min_tiers(self) -> dict[str, int]:
        """``{list_id: minimum tier code}`` from the ``min_tier_<list_id>`` parameters."""
        return {k[len("min_tier_"):]: int(v) for k, v in self.values.items()
                if k.startswith("min_tier_")}

    def with_overrides(self, overrides: Mapping[str, float], origin: str = "user override"
                       ) -> ScreeningWeights:
        """A copy with ``overrides`` applied and checked.

        New ``medium_factor_<medium>`` and ``min_tier_<list_id>`` keys are accepted; any other
        unknown key raises KeyError. Invalid values raise ValueError naming the key.
        """
        vals = dict(self.values)
        srcs = dict(self.sources)
        for key, value in overrides.items():
            if key not in vals and not key.startswith(("medium_factor_", "min_tier_")):
                raise KeyError(f"unknown weight {key!r}; known: {', '.join(sorted(vals))}")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"weight {key!r} must be a number, got {value!r}")
            vals[key] = float(value)
            srcs[key] = origin
        out = ScreeningWeights(vals, srcs)
        out.validate()
        return out

    def scaled(self, key: str, factor: float) -> ScreeningWeights:
        """A copy with parameter ``key`` multiplied by ``factor`` (used by the stability report)."""
        return self.with_overrides({key: self[key] * factor}, origin=f"scaled x{factor:g}")

    def validate(self) -> None:
        """Raise ValueError naming the first parameter with an impossible value."""
        v = self.values
        for key, x in v.items():
            if not math.isfinite(x):
                raise ValueError(f"weight {key!r} must be finite, got {x}")
        for key in _POSITIVE:
            if key in v and v[key] <= 0:
                raise ValueError(f"weight {key!r} must be > 0, got {v[key]:g}")
        for key in _FLAGS:
            if key in v and v[key] not in (0.0, 1.0):
                raise ValueError(f"weight {key!r} must be 0 or 1, got {v[key]:g}")
        for key in _SHARES:
            if key in v and not 0.0 < v[key] <= 1.0:
                raise ValueError(f"weight {key!r} must be in (0, 1], got {v[key]:g}")
        if v.get("tier_priority_cum_share", 0) > v.get("tier_watch_cum_share", 1):
            raise ValueError("tier_priority_cum_share must not exceed tier_watch_cum_share")
        for key, x in v.items():
            if key.startswith("medium_factor_") and x < 0:
                raise ValueError(f"weight {key!r} must be >= 0, got {x:g}")
            if key.startswith("min_tier_") and x not in (1.0, 2.0, 3.0):
                raise ValueError(f"weight {key!r} must be a tier code 1, 2 or 3, got {x:g}")
        if "list_bonus" in v and v["list_bonus"] < 0:
            raise ValueError(f"weight 'list_bonus' must be >= 0, got {v['list_bonus']:g}")
        if "stability_top_n" in v and (v["stability_top_n"] < 1
                                       or v["stability_top_n"] != int(v["stability_top_n"])):
            raise ValueError("weight 'stability_top_n' must be a whole number >= 1")
        for key in _FRACTIONS:
            if key in v and not 0.0 <= v[key] < 1.0:
                raise ValueError(f"weight {key!r} must be in [0, 1), got {v[key]:g}")
        for key in _COUNTS:
            if key in v and (v[key] < 1 or v[key] != int(v[key])):
                raise ValueError(f"weight {key!r} must be a whole number >= 1, got {v[key]:g}")
        if v.get("view_min_n", 1) > v.get("view_max_n", 1e9):
            raise ValueError("view_min_n must not exceed view_max_n")
        if "log_kow_threshold" in v and v["log_kow_threshold"] <= 0:
            raise ValueError("weight 'log_kow_threshold' must be > 0")

    def as_dict(self) -> dict:
        """``{parameter: {"value": ..., "source": ...}}`` for reports and JSON."""
        return {k: {"value": v, "source": self.sources.get(k, "")} for k, v in self.values.items()}


def default_weights() -> ScreeningWeights:
    """The packaged defaults (``refdata/tables/screening_weights.csv`` and the priority-list
    rule ``screening_priority_rule.csv``)."""
    import pandas as pd

    df = pd.concat([load_table(TABLE, numeric=["value"]),
                    load_table(RULE_TABLE, numeric=["value"])], ignore_index=True)
    w = ScreeningWeights(dict(zip(df["parameter"], df["value"].astype(float), strict=True)),
                         dict(zip(df["parameter"], df["source"], strict=True)))
    w.validate()
    return w
