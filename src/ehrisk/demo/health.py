"""Daily death counts (non-accidental, cardiovascular, respiratory) for the district population
from a Poisson model with seasonality, temperature effects and a KNOWN PM2.5 effect, so that a
response model (time-series Poisson regression) can be demonstrated and checked against the
truth, which is returned with the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.demo._common import mag

OUTCOMES = ("nonaccidental", "cardiovascular", "respiratory")


def daily_exposures(met: pd.DataFrame, aq: pd.DataFrame) -> pd.DataFrame:
    """Daily mean temperature [degC] and district PM2.5 [ug/m3] (mean of the station daily means,
    a day counting at a station with >= 18 valid hours).

    Returns
    -------
    DataFrame
        date, temp_mean_c, pm25_ug_m3, pm25_lag01_ug_m3 (mean of day and day before).
    """
    m = met.assign(date=met["time"].dt.date)
    temp = m.groupby("date")["temp_c"].mean()
    a = aq.assign(date=aq["time"].dt.date)
    g = a.groupby(["station_id", "date"])["pm25_ug_m3"]
    daily = g.mean().where(g.count() >= 18)
    pm = daily.groupby(level="date").mean()
    pm = pm.reindex(temp.index).interpolate(limit_direction="both")
    out = pd.DataFrame({"date": pd.to_datetime(temp.index), "temp_mean_c": temp.to_numpy(),
                        "pm25_ug_m3": pm.to_numpy()})
    lag1 = out["pm25_ug_m3"].shift(1).fillna(out["pm25_ug_m3"].iloc[0])
    out["pm25_lag01_ug_m3"] = (out["pm25_ug_m3"] + lag1) / 2.0
    return out


def true_coefficients() -> dict:
    """The effect sizes the generator uses (from ``demo_magnitudes``, group ``health``).

    Returns
    -------
    dict
        Per outcome: ``er_pct_per_10ug`` (excess risk [%] per 10 ug/m3 of lag 0-1 PM2.5),
        ``beta_per_ug_m3`` = ln(1 + ER/100) / 10 [per ug/m3], and the model's other terms.
    """
    out = {}
    for o in OUTCOMES:
        er = mag(f"health.pm25_er_pct_per_10ug.{o}")
        out[o] = {"er_pct_per_10ug": er, "beta_per_ug_m3": float(np.log1p(er / 100.0) / 10.0),
                  "exposure": "pm25_lag01_ug_m3 (mean of lag 0 and lag 1 daily PM2.5)"}
    out["model"] = {
        "form": "deaths ~ Poisson(mu); log mu = log(base) + s(season) + f(temperature) + beta * "
                "pm25_lag01",
        "season": "winter excess: exp(a * cos(2 pi (doy - 15) / 365.25)), a = "
                  f"{mag('health.winter_excess_fraction')}",
        "temperature": {
            "mmt_percentile": mag("health.temp.mmt_percentile"),
            "cold_pct_per_k": mag("health.temp.cold_pct_per_k"),
            "cold_exposure": "mean temperature lag 0-13",
            "heat_pct_per_k": mag("health.temp.heat_pct_per_k"),
            "heat_exposure": "mean temperature lag 0-2",
        },
        "baseline": "normalised so that, without the PM2.5 term, mean daily deaths = population x "
                    "crude death rate / 365.25 x cause fraction",
    }
    return out


def daily_deaths(exp_: pd.DataFrame, population: int, rng: np.random.Generator) -> pd.DataFrame:
    """Daily death counts by cause.

    Parameters
    ----------
    exp_ : DataFrame from :func:`daily_exposures`
    population : int
        Residents [persons].
    rng : numpy.random.Generator

    Returns
    -------
    DataFrame
        date, deaths_nonaccidental, deaths_cardiovascular, deaths_respiratory,
        expected_nonaccidental (the Poisson mean, for checks), temp_mean_c, pm25_ug_m3,
        pm25_lag01_ug_m3.

    Notes
    -----
    Baseline rate: crude death rate (``health.crude_death_rate_per_1000_yr``, Ningbo 2023)
    times cause fractions (``health.*_fraction``). PM2.5: log-linear, excess risk per 10 ug/m3
    from Chen et al. (2017) for each cause. Cardiovascular and respiratory deaths are drawn as
    a multinomial split of the non-accidental deaths, which makes each count Poisson with its
    own mean (Poisson thinning) and keeps them consistent (subsets of non-accidental).

    References
    ----------
    Chen R. et al. 2017, Am J Respir Crit Care Med 196(1):73-81.
    Gasparrini A. et al. 2015, Lancet 386:369-375 (minimum-mortality temperature).
    """
    doy = exp_["date"].dt.dayofyear.to_numpy().astype(float)
    t = exp_["temp_mean_c"]
    t_cold = t.rolling(14, min_periods=1).mean().to_numpy()
    t_heat = t.rolling(3, min_periods=1).mean().to_numpy()
    mmt = float(np.percentile(t, mag("health.temp.mmt_percentile")))
    log_temp = (np.log1p(mag("health.temp.cold_pct_per_k") / 100.0) * np.clip(mmt - t_cold, 0, None)
                + np.log1p(mag("health.temp.heat_pct_per_k") / 100.0)
                * np.clip(t_heat - mmt, 0, None))
    log_season = mag("health.winter_excess_fraction") * np.cos(2 * np.pi * (doy - 15.0) / 365.25)
    shape = np.exp(log_temp + log_season)
    shape = shape / shape.mean()
    daily_all = population * mag("health.crude_death_rate_per_1000_yr") / 1000.0 / 365.25
    coefs = true_coefficients()
    pm = exp_["pm25_lag01_ug_m3"].to_numpy()
    mu = {}
    for o in OUTCOMES:
        frac = mag(f"health.{o}_fraction")
        mu[o] = daily_all * frac * shape * np.exp(coefs[o]["beta_per_ug_m3"] * pm)
    na = rng.poisson(mu["nonaccidental"])
    p_cvd = mu["cardiovascular"] / mu["nonaccidental"]
    p_resp = mu["respiratory"] / mu["nonaccidental"]
    p = np.stack([p_cvd, p_resp, 1.0 - p_cvd - p_resp], axis=1)
    split = np.stack([rng.multinomial(k, pi) for k, pi in zip(na, p, strict=True)])
    return pd.DataFrame({
        "date": exp_["date"].dt.strftime("%Y-%m-%d"),
        "deaths_nonaccidental": na,
        "deaths_cardiovascular": split[:, 0],
        "deaths_respiratory": split[:, 1],
        "expected_nonaccidental": np.round(mu["nonaccidental"], 4),
        "temp_mean_c": np.round(exp_["temp_mean_c"].to_numpy(), 2),
        "pm25_ug_m3": np.round(exp_["pm25_ug_m3"].to_numpy(), 2),
        "pm25_lag01_ug_m3": np.round(pm, 2),
    })
