"""Identifier codes: unified social credit code (GB 32100-2015) and organisation code
(GB 11714-1997), with their check digits.

Both are needed to make the demo's enterprise identifiers pass the checks a real registry
applies; they are also useful to validate user input.
"""

from __future__ import annotations

import numpy as np

# GB 32100-2015, Table 2: the 31 characters of the code (no I, O, S, V, Z), values 0..30.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015, clause 5.2 / Annex: weights W_i = 3^(i-1) mod 31 for positions 1..17.
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 11714-1997: organisation code body weights for positions 1..8.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def uscc_check_char(first17: str) -> str:
    """Check character of a unified social credit code.

    Parameters
    ----------
    first17 : str
        The first 17 characters (registration authority, organisation type, 6-digit division
        code, 9-character organisation code).

    Returns
    -------
    str
        The 18th character: C18 = 31 - (sum(C_i * W_i) mod 31), with 31 written as ``0``.

    References
    ----------
    GB 32100-2015 法人和其他组织统一社会信用代码编码规则, clause 4 and Annex (check-character
    algorithm, modulus 31, weights 3^(i-1) mod 31).
    """
    s = first17.strip().upper()
    if len(s) != 17:
        raise ValueError(f"need 17 characters, got {len(s)}: {first17!r}")
    bad = [c for c in s if c not in USCC_CHARSET]
    if bad:
        raise ValueError(f"characters not allowed in a credit code: {''.join(bad)!r}")
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(s, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    """True if ``code`` is an 18-character unified social credit code with a valid check
    character (GB 32100-2015) and a valid embedded organisation-code check (GB 11714-1997)."""
    s = str(code).strip().upper()
    if len(s) != 18 or any(c not in USCC_CHARSET for c in s):
        return False
    if uscc_check_char(s[:17]) != s[17]:
        return False
    return org_check_char(s[8:16]) == s[16]


def org_check_char(body8: str) -> str:
    """Check character of a 9-character organisation code.

    Parameters
    ----------
    body8 : str
        The first 8 characters (digits or capital letters; letters count 10..35).

    Returns
    -------
    str
        C9 = 11 - (sum(C_i * W_i) mod 11), W = (3, 7, 9, 10, 5, 8, 4, 2); 10 is written ``X``
        and 11 is written ``0``.

    References
    ----------
    GB 11714-1997 全国组织机构代码编制规则, clause 5 (check-digit algorithm, modulus 11).
    """
    s = body8.strip().upper()
    if len(s) != 8 or any(c not in ORG_CHARSET for c in s):
        raise ValueError(f"need 8 digits/capital letters, got {body8!r}")
    total = sum(ORG_CHARSET.index(c) * w for c, w in zip(s, ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else ("0" if c9 == 11 else str(c9))


def make_uscc(rng: np.random.Generator, division_code: str, authority: str = "9",
              org_type: str = "1") -> str:
    """A random but valid unified social credit code registered in ``division_code``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    division_code : str
        6-digit administrative division code of the registering authority [-].
    authority, org_type : str
        Registration-authority code (``9`` = market regulation) and organisation type (``1`` =
        enterprise), GB 32100-2015 Table 1.

    Returns
    -------
    str
        18 characters; position 17 is the GB 11714 check of the organisation code and position 18
        the GB 32100 check character. Letter ``X`` may appear at position 17, as in real codes.
    """
    if len(division_code) != 6 or not division_code.isdigit():
        raise ValueError(f"division code must be 6 digits: {division_code!r}")
    body = "MA" + "".join(rng.choice(list("0123456789ABCDEFGHJKLMNPQRTUWXY"), 6))
    first17 = authority + org_type + division_code + body + org_check_char(body)
    return first17 + uscc_check_char(first17)
