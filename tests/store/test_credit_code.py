"""Unified social credit code checks against GB 32100-2015 and GB 11714-1997."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ehrisk.demo.codes import USCC_CHARSET
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


def test_organisation_code_part_checked():
    # GB 11714-1997: weights 3,7,9,10,5,8,4,2 on M000100Y (M=22, Y=34 in the 36-char set):
    # 22*3 + 1*5 + 34*2 = 139; 139 mod 11 = 7; 11 - 7 = 4 -> '4' (the 17th character)
    assert (22 * 3 + 1 * 5 + 34 * 2) % 11 == 7
    assert problem("91350100M000100Y43") is None


@given(st.sampled_from(CODES), st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_any_single_substitution_is_detected(code, pos, ch):
    # weights 3^(i-1) mod 31 are never 0 and 31 is prime, so changing one of the first 17
    # characters changes the weighted sum mod 31; changing the 18th breaks the equality.
    if code[pos] == ch:
        return
    bad = code[:pos] + ch + code[pos + 1:]
    assert not is_valid(bad)
