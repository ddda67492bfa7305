"""Unified social credit code (统一社会信用代码) checks, GB 32100-2015.

The check-character algorithm itself lives in :mod:`ehrisk.identifiers` (one implementation
for the generator and the store); this module turns it into reasons a user can act on.
"""

from __future__ import annotations

from ehrisk.identifiers import USCC_CHARSET, org_check_char, uscc_check_char


def normalize(code: str) -> str:
    """Upper-case, strip spaces and full-width forms (a code pasted from a PDF or web page)."""
    import unicodedata

    return unicodedata.normalize("NFKC", str(code)).strip().upper().replace(" ", "")


def problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None if it is.

    Checks, in order: 18 characters; only characters of GB 32100-2015 Table 1 (digits and
    capital letters without I, O, S, V, Z); the 18th character against the modulus-31 check
    (GB 32100-2015, clause 4 / Annex: C18 = 31 - MOD(sum C_i W_i, 31), W_i = MOD(3^(i-1), 31));
    characters 9-17 against the organisation-code check (GB 11714-1997, modulus 11).

    Parameters
    ----------
    code : str
        The code as typed [-].

    Returns
    -------
    str or None
        A reason in words, naming the expected check character where that is the problem.

    References
    ----------
    GB 32100-2015 法人和其他组织统一社会信用代码编码规则; GB 11714-1997 全国组织机构代码编制规则.
    """
    s = normalize(code)
    if len(s) != 18:
        return f"a unified social credit code has 18 characters, {s!r} has {len(s)}"
    bad = sorted({c for c in s if c not in USCC_CHARSET})
    if bad:
        return (f"character(s) {''.join(bad)!r} not allowed in a unified social credit code "
                "(I, O, S, V, Z and lower-case letters are never used)")
    expected = uscc_check_char(s[:17])
    if expected != s[17]:
        return (f"check character of {s!r} is wrong: the first 17 characters give "
                f"{expected!r}, not {s[17]!r} (GB 32100-2015) - a typing error?")
    org = org_check_char(s[8:16])
    if org != s[16]:
        return (f"the organisation code part {s[8:17]!r} of {s!r} fails its check "
                f"(GB 11714-1997 gives {org!r} for character 17)")
    return None


def is_valid(code: str) -> bool:
    """True if ``code`` passes every check of :func:`problem`."""
    return problem(code) is None
