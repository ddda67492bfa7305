"""Unified social credit code checks against GB 32100-2015 and GB 11714-1997."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehrisk.demo.codes import USCC_CHARSET
from ehrisk.identifiers import uscc_valid
from ehrisk.store.credit_code import is_valid, problem

from .conftest import CODES


def test_gb32100_worked_example_check_character():
    # GB 32100-2015 worked example (校验码计算方法实例) for 91350100M000100Y4?: the character
    # values C_i of the first 17 characters and the weights W_i = 3^(i-1) mod 31 are listed,
    # sum C_i*W_i = 1640, 1640 mod 31 = 28, C18 = 31 - 28 = 3.  Recomputed here by hand:
    c = [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]   # M = 21, Y = 30 (Table 1)
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]   # Table 2
    total = sum(a * b for a, b in zip(c, w, strict=True))
    assert total == 1640
    assert 31 - total % 31 == 3
    assert problem("91350100M000100Y43") is None
    # the standard's example of a wrong code: 18th character Z (not even in the charset)
    assert "not allowed" in problem("91350100M000100Y4Z")


def test_wrong_check_character_names_expected():
    msg = problem("91350100M000100Y44")
    assert "'3'" in msg and "check character" in msg


def test_length_and_case_and_fullwidth():
    assert "18 characters" in problem("91350100M000100Y4")
    assert problem("91350100m000100y43") is None       # lower case typed
    assert problem("９１３５０１００Ｍ０００１００Ｙ４３") is None   # full-width digits/letters


# Independent check-character arithmetic typed from the standards (not imported from the
# package): GB 32100-2015 character values (31 characters, no I O S V Z, values 0-30) and
# weights W_i = 3^(i-1) mod 31 (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, as listed in
# the standard's worked example, see the first test);
# GB 11714-1997: digits 0-9, letters A-Z = 10-35, weights 3 7 9 10 5 8 4 2, C9 = 11 - (sum mod
# 11), 10 written X and 11 written 0.
GB32100_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB32100_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
GB11714_W = (3, 7, 9, 10, 5, 8, 4, 2)
EXAMPLE = "91350100M000100Y43"        # GB 32100-2015 worked example


def _gb32100_c18(first17: str) -> str:
    total = sum(GB32100_CHARS.index(c) * w for c, w in zip(first17, GB32100_W, strict=True))
    return GB32100_CHARS[(31 - total % 31) % 31]


def _gb11714_c9(body8: str) -> str:
    vals = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in body8]
    c9 = 11 - sum(v * w for v, w in zip(vals, GB11714_W, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def test_independent_arithmetic_reproduces_the_worked_example():
    # GB 11714-1997 on M000100Y (M = 22, Y = 34): 22*3 + 1*5 + 34*2 = 139; 139 mod 11 = 7;
    # 11 - 7 = 4 -> '4', the example's 17th character; GB 32100 then gives '3' (18th).
    assert _gb11714_c9("M000100Y") == "4"
    assert _gb32100_c18(EXAMPLE[:17]) == "3"


@pytest.mark.parametrize("ch", [c for c in GB32100_CHARS if c != EXAMPLE[16]])
def test_wrong_organisation_check_character_is_refused(ch):
    # Change the 17th character (the GB 11714 check of the organisation code M000100Y) and
    # give the code a *correct* GB 32100 18th character for the new first 17, so only the
    # organisation-code check can catch it.
    first17 = EXAMPLE[:16] + ch
    code = first17 + _gb32100_c18(first17)
    assert _gb11714_c9(EXAMPLE[8:16]) != ch
    msg = problem(code)
    assert msg is not None, code
    assert "GB 11714" in msg and "'4'" in msg, msg
    assert not is_valid(code)
    assert not uscc_valid(code)          # the generator-side check (ehrisk.identifiers)


@pytest.mark.parametrize("ch", [c for c in GB32100_CHARS if c != EXAMPLE[17]])
def test_wrong_18th_check_character_is_refused(ch):
    code = EXAMPLE[:17] + ch
    msg = problem(code)
    assert msg is not None and "GB 32100" in msg and "'3'" in msg, msg
    assert not is_valid(code)
    assert not uscc_valid(code)


@pytest.mark.parametrize("code", CODES[:5])
def test_fixture_codes_every_wrong_17th_and_18th_refused(code):
    assert problem(code) is None and uscc_valid(code)
    for ch in GB32100_CHARS:
        if ch != code[16]:
            first17 = code[:16] + ch
            bad = first17 + _gb32100_c18(first17)
            assert not is_valid(bad) and not uscc_valid(bad), (code, ch)
        if ch != code[17]:
            bad = code[:17] + ch
            assert not is_valid(bad) and not uscc_valid(bad), (code, ch)


@given(st.sampled_from(CODES), st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_any_single_substitution_is_detected(code, pos, ch):
    # weights 3^(i-1) mod 31 are never 0 and 31 is prime, so changing one of the first 17
    # characters changes the weighted sum mod 31; changing the 18th breaks the equality.
    if code[pos] == ch:
        return
    bad = code[:pos] + ch + code[pos + 1:]
    assert not is_valid(bad)
