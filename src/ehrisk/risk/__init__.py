"""Health-risk engine: intakes, hazard quotients, hazard index, cancer risk, screening levels.

Pure and vectorised (numpy/pandas in, numpy/pandas out). Methods are named after their
standard: ``risk.rsl`` (US EPA Regional Screening Levels) and ``risk.hj25_3_2019``
(HJ 25.3-2019, 建设用地土壤污染风险评估技术导则).
"""
