"""ehrisk: environmental health risk management for pilots and screening studies.

Layers (imports only point down): face (cli, api, web) -> service (study, reports, store)
-> science (risk, exposure, screening, dispersion, mapping, grading, air, impact, ...)
-> base (refdata, units, geo, errors).
"""

__version__ = "0.1.0"

DEFAULT_SEED = 20261124
"""The one default seed of randomness (the demo region, Monte Carlo draws, forecast models),
for runs on any inventory, so a run repeats exactly; every run records the seed it used
(``provenance["seed"]``) and a study sets its own with ``[study] seed``."""

SYNTHETIC_LABEL = "SYNTHETIC DEMO DATA / 合成演示数据 (not a real place)"
