"""Enterprise grading (企业分级): HJ 941-2018 emergency risk level, the environmental health
risk code (环境健康风险码, red/yellow/green) with reasons, the whitelist, problem lists, the
graded supervision list and the code change history. See docs/grading.md.
"""

from ehrisk.grading.hj941_2018 import (
    critical_quantities,
    e_code,
    grade_hj941_2018,
    m_band,
    m_score,
    matrix_level,
    q_band,
    q_ratio,
    written_code,
)
from ehrisk.grading.lists import compare_codes, problem_list, supervision_list, whitelist
from ehrisk.grading.risk_code import (
    RiskCodeRules,
    ScenarioRisk,
    assign_codes,
    build_criteria,
    load_rules,
    risk_codes,
)

__all__ = [
    "RiskCodeRules", "ScenarioRisk", "assign_codes", "build_criteria", "compare_codes",
    "critical_quantities", "e_code", "grade_hj941_2018", "load_rules", "m_band", "m_score",
    "matrix_level", "problem_list", "q_band", "q_ratio", "risk_codes", "supervision_list",
    "whitelist", "written_code",
]
