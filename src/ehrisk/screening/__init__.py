"""Priority-pollutant screening (筛): the ranked priority control pollutant list
(优先控制污染物清单) from an emissions inventory.

Score per substance = RSEI-style toxicity weight x amount emitted x exposure potential
(population near the source, medium), times persistence, bioaccumulation and national-list
factors; tiers by cumulative share; a stability report for +-50 % moves of each weight.
See docs/screening.md.
"""

from ehrisk.screening.catalog import SubstanceCatalog, UnknownSubstance, build_catalog
from ehrisk.screening.config import ScreeningWeights, default_weights
from ehrisk.screening.ranking import (
    ScreeningResult,
    assign_tiers,
    build_components,
    screen,
    substance_scores,
)
from ehrisk.screening.stability import jaccard, stability_report, top_n
from ehrisk.screening.toxicity_weights import rsei_toxicity_weights

__all__ = [
    "ScreeningResult", "ScreeningWeights", "SubstanceCatalog", "UnknownSubstance",
    "assign_tiers", "build_catalog", "build_components", "default_weights", "jaccard",
    "rsei_toxicity_weights", "screen", "stability_report", "substance_scores", "top_n",
]
