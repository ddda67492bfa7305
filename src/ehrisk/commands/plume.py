"""``ehrisk plume``: Gaussian plume point queries (高斯烟羽)."""

from __future__ import annotations

import math

import typer

from ehrisk.commands._common import print_json, print_table
from ehrisk.errors import EhriskError


def register(app: typer.Typer) -> None:
    plume = typer.Typer(help="Gaussian plume dispersion / 高斯烟羽扩散", no_args_is_help=True)

    @plume.command("point")
    def point(
        q_g_s: float = typer.Option(..., "--q-g-s", help="Emission rate [g/s]"),
        wind_m_s: float = typer.Option(..., "--wind-m-s", help="Wind speed at release height [m/s]"),
        effective_height_m: float = typer.Option(..., "--effective-height-m",
                                                 help="Effective height [m] (no plume rise added)"),
        stability: str = typer.Option(..., "--stability", help="Pasquill-Gifford class A-F"),
        x_m: float = typer.Option(..., "--x-m", help="Downwind distance [m]"),
        y_m: float = typer.Option(0.0, "--y-m", help="Crosswind distance [m]"),
        z_m: float = typer.Option(0.0, "--z-m", help="Receptor height [m]"),
        terrain: str = typer.Option("rural", "--terrain", help="rural | urban (Briggs sigmas)"),
        sigma: str = typer.Option("", "--sigma",
                                  help="briggs_rural | briggs_urban | pasquill_gifford "
                                       "(default: Briggs for --terrain)"),
        mixing_height_m: float = typer.Option(math.inf, "--mixing-height-m",
                                              help="Mixing height [m] (default unlimited)"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON only"),
    ) -> None:
        """Concentration at one receptor from one point source (ISC3 eqs. 1-1, 1-50)."""
        from ehrisk.dispersion.gaussian import point_conc_ug_m3
        from ehrisk.dispersion.sigma import SIGMA_METHODS

        problems = []
        if terrain not in ("rural", "urban"):
            problems.append(f"--terrain must be rural or urban, not {terrain!r}")
        method = sigma or f"briggs_{terrain}"
        if method not in SIGMA_METHODS:
            problems.append(f"--sigma must be one of {', '.join(SIGMA_METHODS)}, not {sigma!r}")
        if stability.strip().upper() not in tuple("ABCDEF"):
            problems.append(f"--stability must be one of A-F, not {stability!r}")
        if wind_m_s <= 0:
            problems.append("--wind-m-s must be > 0")
        if q_g_s < 0:
            problems.append("--q-g-s must be >= 0")
        if effective_height_m < 0 or z_m < 0:
            problems.append("heights must be >= 0 m")
        if not (mixing_height_m > 0):
            problems.append("--mixing-height-m must be > 0")
        if problems:
            raise EhriskError("; ".join(problems))
        c = float(point_conc_ug_m3(q_g_s, wind_m_s, x_m, y_m, z_m, effective_height_m,
                                   stability.strip().upper(), method, mixing_height_m))
        res = {"conc_ug_m3": c, "sigma_method": method, "stability": stability.upper(),
               "x_m": x_m, "y_m": y_m, "z_m": z_m, "effective_height_m": effective_height_m}
        if as_json:
            print_json(res)
        else:
            print_table([res], title="Gaussian plume point / 高斯烟羽单点浓度")

    app.add_typer(plume, name="plume")
