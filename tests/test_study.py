import pytest

from ehrisk.errors import InputError
from ehrisk.study import load_settings, schema_doc


def test_unknown_and_bad_keys_name_file_and_key(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[study]\nname = "x"\nseeed = 3\n[screening_levels]\ntarget_risk = 2\n',
                 encoding="utf-8")
    with pytest.raises(InputError) as ei:
        load_settings(f)
    keys = {p.column for p in ei.value.problems}
    assert keys == {"study.seeed", "screening_levels.target_risk"}
    assert all(p.file == str(f) for p in ei.value.problems)


def test_bad_toml_reports_file(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("[study\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid TOML"):
        load_settings(f)


def test_schema_doc_lists_every_key_with_description():
    rows = schema_doc()
    keys = {r["key"] for r in rows}
    assert {"study.seed", "inputs.emissions", "screening_levels.target_risk"} <= keys
    assert all(r["description"] for r in rows)


def test_cli_run_bad_study_exits_2(cli, tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("[nope]\nx = 1\n", encoding="utf-8")
    code, out, err = cli("run", str(f))
    assert code == 2
    assert "nope" in err and "Traceback" not in err


@pytest.mark.parametrize("section,key,value,needle", [
    ("health_impact", "crf", "nope", "no CRF id 'nope'"),
    ("health_impact", "value_id", "nope", "no value 'nope' in the valuation table"),
    ("forecast", "aqhi_method", "stieb-2008", "3-hour means"),
])
def test_refdata_ids_checked_when_the_study_is_read(section, key, value, needle):
    from ehrisk.errors import InputError
    from ehrisk.study import settings_from_dict

    with pytest.raises(InputError) as exc:
        settings_from_dict({section: {key: value}}, "s.toml")
    text = str(exc.value)
    assert "s.toml" in text and f"{section}.{key}" in text and needle in text


def test_unknown_park_in_health_impact_exits_2(tmp_path, cli):
    off = "\n".join(f"[{s}]\nenabled = false" for s in (
        "screening", "screening_levels", "risk", "aqi", "database", "risk_map", "grading",
        "forecast"))
    (tmp_path / "s.toml").write_text(
        f'[study]\nregion = "demo"\noutput_dir = "o"\n{off}\n[health_impact]\nparks = ["PX"]\n',
        encoding="utf-8")
    code, _, err = cli("run", tmp_path / "s.toml")
    assert code == 2
    assert "health_impact.parks" in err and "PX" in err and "P1" in err
    assert "Traceback" not in err
