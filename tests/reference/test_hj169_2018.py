"""Critical quantities against HJ 169-2018 Table B.1 (as compiled in
../shared/refdata/standards-facts.md §1.1, source: machine extraction of Table B.1).

HJ 941-2018 Appendix A itself was not available; HJ 169-2018 B.1 is the documented proxy.
"""

from __future__ import annotations

import re

import pytest

from ehrisk.grading.hj941_2018 import critical_quantities

TOLERANCE_T = 0.0  # critical quantities are exact table values [t]


def _facts_table(shared_dir):
    text = (shared_dir / "refdata" / "standards-facts.md").read_text(encoding="utf-8")
    sec = text.split("### 1.1", 1)[1].split("### 1.2", 1)[0]
    out = {}
    for line in sec.splitlines():
        m = re.match(r"\|\s*[^|]+\|\s*(\d{2,7}-\d{2}-\d)\s*\|\s*([\d.]+)", line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out


def test_critical_quantities_match_hj169_b1(shared_dir):
    facts = _facts_table(shared_dir)
    assert len(facts) >= 20
    cq = critical_quantities().set_index("cas")["critical_quantity_t"]
    for cas, q in facts.items():
        assert cas in cq.index, cas
        assert cq[cas] == pytest.approx(q, abs=TOLERANCE_T), cas
