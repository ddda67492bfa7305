"""``ehrisk response``: local exposure-response model (本地空气质量健康风险响应模型)."""

from __future__ import annotations

from pathlib import Path

import typer

from ehrisk.commands._common import console, print_json, print_table
from ehrisk.errors import EhriskError, InputError

HELP = "Exposure-response time-series model and local AQHI / 暴露-反应模型与本地AQHI."


def _load(data: Path):
    from ehrisk.io.nmmaps import read_daily_series

    return read_daily_series(data)


def _resolve(df, names: list[str]) -> list[str]:
    from ehrisk.io.nmmaps import resolve_exposure

    out = []
    for n in names:
        for part in str(n).split(","):
            if part.strip():
                try:
                    out.append(resolve_exposure(df, part.strip()))
                except KeyError as exc:
                    raise InputError.single("--exposure", str(exc.args[0])) from None
    if not out:
        raise InputError.single("--exposure", "give at least one pollutant, e.g. --exposure pm10")
    return out


def _lag(lag: str | None, dlnm: int | None, lag_basis: str, lag_df: int | None):
    from ehrisk.air.response import LagSpec, parse_lag, standard_parameters

    if lag is not None and dlnm is not None:
        raise InputError.single("--dlnm", "give either --lag or --dlnm, not both")
    try:
        if dlnm is not None:
            df = int(standard_parameters()["dlm_lag_degree"]) if lag_df is None else lag_df
            return LagSpec("dlm", 0, int(dlnm), lag_basis, df)
        return parse_lag(lag if lag is not None else "0")
    except ValueError as exc:
        raise InputError.single("--lag" if dlnm is None else "--dlnm", str(exc)) from None


def _spec(df_time: float | None, df_temp: int | None, humidity: str | None):
    from ehrisk.air.response import HUMIDITY_CHOICES, ResponseSpec

    over = {}
    if df_time is not None:
        if df_time <= 0:
            raise InputError.single("--df-time", "must be positive")
        over["df_time_per_year"] = float(df_time)
    if df_temp is not None:
        if df_temp < 1:
            raise InputError.single("--df-temp", "must be at least 1")
        over["df_temp"] = int(df_temp)
    if humidity is not None:
        if humidity not in HUMIDITY_CHOICES:
            raise InputError.single("--humidity", f"unknown {humidity!r}; choose one of "
                                    f"{', '.join(HUMIDITY_CHOICES)}")
        over["humidity"] = humidity
    return ResponseSpec.standard(**over)


def _science(call, what: str):
    try:
        return call()
    except (KeyError, ValueError) as exc:
        msg = exc.args[0] if exc.args else str(exc)
        raise EhriskError(f"{what}: {msg}") from None


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help=HELP, no_args_is_help=True)

    @sub.command("fit")
    def fit_cmd(
        data: Path = typer.Option(..., "--data", help="Daily series: CSV/XLSX or NMMAPS .rda."),
        outcome: str = typer.Option("death", "--outcome", help="death | cvd | resp"),
        exposure: list[str] = typer.Option(..., "--exposure",
                                           help="Pollutant (repeat for multi-pollutant)."),
        lag: str = typer.Option(None, "--lag", help="Single lag 'N' or moving average 'A-B'."),
        dlnm: int = typer.Option(None, "--dlnm", help="Distributed lag 0..L (cross-basis)."),
        lag_basis: str = typer.Option("poly", "--lag-basis", help="poly | ns | integer"),
        lag_df: int = typer.Option(None, "--lag-df", help="Degree (poly) or df (ns)."),
        df_time: float = typer.Option(None, "--df-time", help="df per year for time (7)."),
        df_temp: int = typer.Option(None, "--df-temp", help="df for temperature (6)."),
        humidity: str = typer.Option(None, "--humidity",
                                     help="auto | rh_pct | dewpoint_c | none"),
        card: Path = typer.Option(None, "--card", help="Write a model card to this folder."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Fit the quasi-Poisson time-series model; ER per 10 units with 95 % CI."""
        from ehrisk.air.response import fit_response

        df = _load(data)
        exps = _resolve(df, exposure)
        lg = _lag(lag, dlnm, lag_basis, lag_df)
        spec = _spec(df_time, df_temp, humidity)
        if outcome not in df.columns:
            raise InputError.single("--outcome", f"no outcome {outcome!r} in {data}; available: "
                                    + ", ".join(c for c in ("death", "cvd", "resp")
                                                if c in df.columns))
        fit = _science(lambda: fit_response(df, outcome, exps, lg, spec), "model fit")
        out = fit.summary()
        if card is not None:
            from ehrisk.air.response_card import write_card

            paths = _science(lambda: write_card(df, fit, card), "model card")
            out["card"] = {k: str(v) for k, v in paths.items()}
        if as_json:
            print_json(out)
            return
        console.print(f"[bold]{fit.outcome}[/] ~ {', '.join(exps)} ({lg.label}); "
                      f"{spec.describe(fit.info.get('humidity'))}; n_days = {fit.n_days}")
        print_table(fit.estimates[["exposure", "er_percent", "ci_low", "ci_high", "p_value"]]
                    .to_dict(orient="records"), title="ER % per 10 units / 每升高10单位超额风险")
        if "card" in out:
            console.print(f"model card: {out['card']['html']}")

    @sub.command("sensitivity")
    def sensitivity_cmd(
        data: Path = typer.Option(..., "--data"),
        outcome: str = typer.Option("death", "--outcome"),
        exposure: list[str] = typer.Option(..., "--exposure"),
        lag: str = typer.Option(None, "--lag"),
        dlnm: int = typer.Option(None, "--dlnm"),
        lag_basis: str = typer.Option("poly", "--lag-basis"),
        lag_df: int = typer.Option(None, "--lag-df"),
        humidity: str = typer.Option(None, "--humidity"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """ER as the df of time (4-10 per year) and of temperature (3-8) vary."""
        from ehrisk.air.response import sensitivity

        df = _load(data)
        exps = _resolve(df, exposure)
        lg = _lag(lag, dlnm, lag_basis, lag_df)
        spec = _spec(None, None, humidity)
        tab = _science(lambda: sensitivity(df, outcome, exps, lg, spec), "sensitivity")
        if as_json:
            print_json({"rows": tab.to_dict(orient="records"), "lag": lg.label})
            return
        print_table(tab.to_dict(orient="records"), title="df sensitivity / 自由度敏感性分析")

    @sub.command("derive-aqhi")
    def derive_cmd(
        data: Path = typer.Option(..., "--data"),
        exposures: str = typer.Option(..., "--exposures", help="Comma list, e.g. pm10,o3"),
        outcome: str = typer.Option("death", "--outcome"),
        lag: str = typer.Option("0", "--lag"),
        multi: bool = typer.Option(False, "--multi-pollutant",
                                   help="Betas from one multi-pollutant model."),
        humidity: str = typer.Option(None, "--humidity"),
        compare_aqi: bool = typer.Option(True, "--compare-aqi/--no-compare-aqi"),
        out_file: Path = typer.Option(None, "--out", help="Write the coefficient set (.json or "
                                      ".toml) for 'ehrisk aqhi --coefficients' and "
                                      "'ehrisk forecast run --aqhi-coefficients'."),
        name: str = typer.Option(None, "--name", help="Name of the written set "
                                 "(default: local AQHI (<data file>))."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Derive local AQHI coefficients (Stieb 2008) and compare with the AQI."""
        from ehrisk import __version__
        from ehrisk.air.aqhi_set import SUFFIXES, write_set
        from ehrisk.air.derive_aqhi import (
            aqhi_values,
            aqi_for_comparison,
            coefficient_file,
            compare_indices,
            short_name,
            stieb_2008,
        )

        if out_file is not None and out_file.suffix.lower() not in SUFFIXES:
            raise InputError.single("--out", f"{out_file}: use a .json or .toml file name "
                                    "(写入系数文件须为 .json 或 .toml)")
        df = _load(data)
        exps = _resolve(df, [exposures])
        lg = _lag(lag, None, "poly", None)
        spec = _spec(None, None, humidity)
        der = _science(lambda: stieb_2008(df, outcome, exps, lg, spec, multi), "derive AQHI")
        out = der.as_dict()
        if out_file is not None:
            content = coefficient_file(der, str(data), __version__, name)
            try:
                write_set(content, out_file)
            except OSError as exc:
                raise InputError.single("--out", f"cannot write {out_file}: {exc}") from None
            out["coefficients_file"] = str(out_file)
        if compare_aqi:
            cols = {short_name(c): c for c in exps}
            aqhi = aqhi_values(df, der, cols)
            aqi, notes = _science(lambda: aqi_for_comparison(df, exps), "AQI")
            cmp = _science(lambda: compare_indices(df, outcome, {"aqhi": aqhi, "aqi": aqi},
                                                   lg, spec), "index comparison")
            out["comparison"] = cmp.to_dict(orient="records")
            out["comparison_notes"] = notes
        if as_json:
            print_json(out)
            return
        console.print(der.formula())
        print_table(der.fits[["exposure", "beta", "er_percent", "ci_low", "ci_high"]]
                    .to_dict(orient="records"), title="betas / 暴露-反应系数")
        if compare_aqi:
            print_table(out["comparison"], title="AQHI vs AQI (ER % per IQR)")
        if out_file is not None:
            console.print(f"系数文件已写入 / coefficient set written: {out_file} "
                          f"(ehrisk aqhi --coefficients {out_file})")

    app.add_typer(sub, name="response")
