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
