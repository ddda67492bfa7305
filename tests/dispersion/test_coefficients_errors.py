"""dispersion.coefficients: the messages a user (or a broken table) gets, and the range check
of integer stability indices. Written to kill mutants left by ``tools/mutation.py
dispersion/coefficients.py`` (docs/mutation.md)."""

from __future__ import annotations

import numpy as np
import pytest

from ehrisk.dispersion import coefficients as co
from ehrisk.refdata import RefdataError


def test_unknown_group_lists_the_known_groups():
    with pytest.raises(RefdataError, match=r"^dispersion_coefficients: no group 'nope'; "
                                           r"groups: .*sigma_briggs_rural, sigma_briggs_urban, "
                                           r"sigma_pg_y, sigma_pg_z"):
        co.rows("nope")


def test_value_names_group_key_and_class():
    with pytest.raises(RefdataError, match=r"^dispersion_coefficients: expected one row for "
                                           r"sigma_pg_y/nope/-, found 0$"):
        co.value("sigma_pg_y", "nope")
    with pytest.raises(RefdataError, match=r"for sigma_pg_y/nope/A, found 0$"):
        co.value("sigma_pg_y", "nope", "A")


def test_integer_indices_in_range_pass_through():
    np.testing.assert_array_equal(co.stability_index(np.array([0, 5, 3])), [0, 5, 3])
    assert co.stability_index(np.array([2])).dtype == np.int64


@pytest.mark.parametrize("bad", [[6], [-1], [-1, 3], [2, 7]])
def test_integer_indices_out_of_range_refused(bad):
    with pytest.raises(ValueError, match=r"^stability index must be 0\.\.5 \(A\.\.F\)$"):
        co.stability_index(np.array(bad))


def test_letters_any_case_and_unknown_ones_named():
    np.testing.assert_array_equal(co.stability_index(["a", " F ", "D"]), [0, 5, 3])
    with pytest.raises(ValueError, match=r"^unknown stability class G, H; expected one of A-F$"):
        co.stability_index(["A", "H", "G"])
