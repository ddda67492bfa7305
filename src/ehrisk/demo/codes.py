"""The identifier check characters used by the generator (GB 32100-2015, GB 11714-1997); the
one implementation is :mod:`ehrisk.identifiers` (base layer), shared with the store."""

from ehrisk.identifiers import (  # noqa: F401
    ORG_CHARSET,
    ORG_WEIGHTS,
    USCC_CHARSET,
    USCC_WEIGHTS,
    make_uscc,
    org_check_char,
    uscc_check_char,
    uscc_valid,
)
