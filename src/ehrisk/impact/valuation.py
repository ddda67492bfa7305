"""Economic valuation of health impacts: value of statistical life (VSL) by benefit transfer
and cost of illness (COI)."""

from __future__ import annotations

import numpy as np

from ehrisk.refdata import RefdataError, load_table


def valuation_table():
    """The ``valuation`` reference table (DataFrame), with sources and notes."""
    return load_table("valuation", numeric=["value", "income_elasticity"])


def vsl_transfer(vsl_base, income_target, income_base, elasticity):
    """Income-adjusted VSL by unit-value transfer.

    Parameters
    ----------
    vsl_base : float
        VSL at the reference population [currency].
    income_target, income_base : float
        Income (e.g. GDP per capita, PPP) of the target and reference populations, same
        currency and year [currency/person/yr].
    elasticity : float
        Income elasticity of VSL [-].

    Returns
    -------
    float
        VSL_target = VSL_base * (Y_target / Y_base) ** elasticity [currency].

    References
    ----------
    OECD 2012, Mortality Risk Valuation in Environment, Health and Transport Policies, ch. 6
    (benefit-transfer formula).
    """
    if income_target <= 0 or income_base <= 0:
        raise ValueError("incomes must be positive")
    return float(vsl_base) * (float(income_target) / float(income_base)) ** float(elasticity)


def vsl_from_table(value_id: str, income_target: float, income_base: float) -> float:
    """Transfer the VSL ``value_id`` of the ``valuation`` table to a target income."""
    t = valuation_table()
    row = t[t["value_id"] == value_id]
    if row.empty:
        raise RefdataError(f"no valuation {value_id!r}; known: {', '.join(t['value_id'])}")
    r = row.iloc[0]
    return vsl_transfer(r["value"], income_target, income_base, r["income_elasticity"])


def value_of_cases(cases, unit_value):
    """Monetary value [currency] = cases [cases] x value per case [currency/case]
    (VSL for deaths, cost of illness for morbidity; BenMAP-CE User Manual ch. 4)."""
    return np.asarray(cases, dtype=float) * float(unit_value)
