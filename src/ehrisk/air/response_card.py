"""Model card of a fitted exposure-response model: Markdown + self-contained HTML with plots.

The card states the data (period, days used, summary), the specification, the estimates, the
diagnostics (overdispersion, residual partial autocorrelation) and plots: lag-response
(distributed lag), exposure-response (natural spline of the exposure) and the sensitivity of
the estimate to the df of time and temperature. Plots use matplotlib's Agg backend; the HTML
embeds them as base64 PNG so it is a single file.

References
----------
Mitchell M et al. (2019). Model cards for model reporting. FAT* '19, 220-229.
Bhaskaran K et al. (2013). Time series regression studies in environmental epidemiology.
Int J Epidemiol 42:1187-1195 (what to report).
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ehrisk.air.response import (
    ResponseFit,
    exposure_response_curve,
    residual_diagnostics,
    sensitivity,
)


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    _plt().close(fig)
    return buf.getvalue()


def plot_lag_response(curve: pd.DataFrame, exposure: str, increment: float) -> bytes:
    """Lag-response curve (ER % per ``increment`` at each lag) with its 95 % band."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.fill_between(curve["lag"], curve["ci_low"], curve["ci_high"], color="0.85")
    ax.plot(curve["lag"], curve["er_percent"], "-o", ms=3)
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set_xlabel("lag (days)")
    ax.set_ylabel(f"ER % per {increment:g} units")
    ax.set_title(f"Lag-response: {exposure}")
    return _png(fig)


def plot_exposure_response(curve: pd.DataFrame, exposure: str) -> bytes:
    """Exposure-response (RR vs the 1st percentile) with its 95 % band."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.fill_between(curve["conc"], curve["rr_low"], curve["rr_high"], color="0.85")
    ax.plot(curve["conc"], curve["rr"])
    ax.axhline(1, color="0.4", lw=0.8)
    ax.set_xlabel(exposure)
    ax.set_ylabel("RR")
    ax.set_title(f"Exposure-response: {exposure}")
    return _png(fig)


def plot_sensitivity(tab: pd.DataFrame) -> bytes:
    """ER and CI against the df of time and of temperature."""
    plt = _plt()
    params = list(dict.fromkeys(tab["parameter"]))
    fig, axes = plt.subplots(1, len(params), figsize=(5 * len(params), 3.3), squeeze=False)
    for ax, par in zip(axes[0], params, strict=True):
        sel = tab[tab["parameter"] == par]
        for ex, g in sel.groupby("exposure", sort=False):
            ax.errorbar(g["value"], g["er_percent"],
                        yerr=[g["er_percent"] - g["ci_low"], g["ci_high"] - g["er_percent"]],
                        fmt="o-", capsize=3, label=ex)
        ax.axhline(0, color="0.4", lw=0.8)
        ax.set_xlabel(par)
        ax.set_ylabel("ER % per 10 units")
        ax.legend(fontsize=8)
    return _png(fig)


def plot_pacf(diag: dict) -> bytes:
    """Partial autocorrelation of the deviance residuals with the +-1.96/sqrt(n) bounds."""
    plt = _plt()
    pa = np.asarray(diag["pacf"])
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(np.arange(1, pa.size + 1), pa, width=0.6)
    ax.axhline(diag["pacf_bound"], color="r", ls="--", lw=0.8)
    ax.axhline(-diag["pacf_bound"], color="r", ls="--", lw=0.8)
    ax.set_xlabel("lag (days)")
    ax.set_ylabel("PACF")
    ax.set_title("Residual partial autocorrelation")
    return _png(fig)


def _md_table(df: pd.DataFrame, digits: int = 4) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in df.itertuples(index=False):
        cells = [f"{v:.{digits}g}" if isinstance(v, float) else str(v) for v in r]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def card_sections(data: pd.DataFrame, fit: ResponseFit, with_sensitivity: bool = True
                  ) -> tuple[list[tuple[str, str]], dict[str, bytes], dict]:
    """The card as (title, markdown body) sections plus named PNG plots and diagnostics."""
    from ehrisk.io.nmmaps import data_summary

    diag = residual_diagnostics(fit)
    plots: dict[str, bytes] = {}
    d0, d1 = fit.dates.min().date(), fit.dates.max().date()
    secs = [("Data", f"Source: `{data.attrs.get('source', '')}`. Calendar "
             f"{pd.to_datetime(data['date']).min().date()} to "
             f"{pd.to_datetime(data['date']).max().date()} ({len(data)} days); days used in "
             f"the model: **{fit.n_days}** ({d0} to {d1}); days with a missing value in any "
             f"model variable or lag are dropped.\n\n"
             + _md_table(data_summary(data).round(3)))]
    secs.append(("Specification", f"Quasi-Poisson GLM (log link, Pearson dispersion) of "
                 f"`{fit.outcome}` on {', '.join(f'`{e}`' for e in fit.exposures)} at "
                 f"{fit.lag.label}, adjusted for {fit.spec.describe(fit.info.get('humidity'))}. "
                 f"Time spline df: "
                 f"{fit.info.get('df_time')}; humidity term: {fit.info.get('humidity')}; "
                 f"holiday term: {fit.info.get('holiday')}. Parameters: {fit.n_params}. "
                 "Natural-spline knots at equally spaced quantiles (as R `ns`)."))
    est = fit.estimates[["exposure", "beta", "se", "er_percent", "ci_low", "ci_high",
                         "p_value"]]
    secs.append(("Estimates", f"Excess risk (ER, %) per {fit.increment:g}-unit increase, "
                 f"{100 * fit.info.get('ci_level', 0.95):g} % CI"
                 + (" (overall cumulative effect over the lag range)"
                    if fit.lag.kind == "dlm" else "") + ".\n\n" + _md_table(est)))
    for ex, curve in fit.lag_curves.items():
        plots[f"lag_response_{ex}"] = plot_lag_response(curve, ex, fit.increment)
    ex0 = fit.exposures[0]
    try:
        er = exposure_response_curve(data, fit.outcome, ex0, fit.lag, fit.spec)
        plots[f"exposure_response_{ex0}"] = plot_exposure_response(er, ex0)
    except ValueError as exc:  # e.g. too few distinct exposure values for the spline
        secs.append(("Exposure-response", f"not plotted: {exc}"))
    if with_sensitivity:
        tab = sensitivity(data, fit.outcome, fit.exposures, fit.lag, fit.spec)
        plots["sensitivity"] = plot_sensitivity(tab)
        secs.append(("Sensitivity", _md_table(tab[["parameter", "value", "exposure",
                                                   "er_percent", "ci_low", "ci_high",
                                                   "qaic"]])))
    plots["pacf"] = plot_pacf(diag)
    secs.append(("Diagnostics", f"Dispersion (Pearson chi2 / df): {diag['dispersion']:.4g}; "
                 f"deviance / df: {diag['deviance_per_df']:.4g}; QAIC: {fit.qaic:.6g}; "
                 f"residual PACF, lags 1-{len(diag['pacf'])}: max |PACF| = "
                 f"{diag['max_abs_pacf']:.3f}, {diag['n_pacf_outside']} lag(s) outside "
                 f"+-{diag['pacf_bound']:.3f}; aliased confounder columns dropped: "
                 f"{', '.join(diag['aliased_columns']) or 'none'}."))
    return secs, plots, diag


def write_card(data: pd.DataFrame, fit: ResponseFit, out_dir: str | Path,
               with_sensitivity: bool = True) -> dict[str, Path]:
    """Write ``model_card.md`` (+ PNG files) and a self-contained ``model_card.html``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    secs, plots, _ = card_sections(data, fit, with_sensitivity)
    title = f"Model card: {fit.outcome} ~ {', '.join(fit.exposures)} ({fit.lag.label})"
    md = [f"# {title}", ""]
    for name, body in secs:
        md += [f"## {name}", "", body, ""]
    md += ["## Plots", ""]
    for name, png in plots.items():
        (out / f"{name}.png").write_bytes(png)
        md += [f"![{name}]({name}.png)", ""]
    (out / "model_card.md").write_text("\n".join(md), encoding="utf-8")
    h = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
         "</title><style>body{font-family:sans-serif;max-width:60em;margin:auto}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
         "</style></head><body>", f"<h1>{html.escape(title)}</h1>"]
    for name, body in secs:
        h.append(f"<h2>{html.escape(name)}</h2>{_md_to_html(body)}")
    h.append("<h2>Plots</h2>")
    for name, png in plots.items():
        b64 = base64.b64encode(png).decode("ascii")
        h.append(f"<figure><img alt='{name}' src='data:image/png;base64,{b64}'>"
                 f"<figcaption>{html.escape(name)}</figcaption></figure>")
    h.append("</body></html>")
    (out / "model_card.html").write_text("\n".join(h), encoding="utf-8")
    return {"markdown": out / "model_card.md", "html": out / "model_card.html"}


def _md_to_html(body: str) -> str:
    """Tiny Markdown subset: paragraphs, pipe tables, **bold**, `code`."""
    import re

    out, table = [], []

    def inline(s: str) -> str:
        s = html.escape(s)
        s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
        return re.sub(r"`(.+?)`", r"<code>\1</code>", s)

    def flush():
        if table:
            rows = [r for r in table if not set(r.replace("|", "").strip()) <= {"-"}]
            cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
            out.append("<table>" + "".join(
                "<tr>" + "".join(f"<{'th' if i == 0 else 'td'}>{inline(c)}"
                                 f"</{'th' if i == 0 else 'td'}>" for c in row) + "</tr>"
                for i, row in enumerate(cells)) + "</table>")
            table.clear()

    for line in body.split("\n"):
        if line.startswith("|"):
            table.append(line)
            continue
        flush()
        if line.strip():
            out.append(f"<p>{inline(line)}</p>")
    flush()
    return "\n".join(out)
