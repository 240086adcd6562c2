import pytest

from decisions.references import InvalidReference, compact, normalise_reference


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("22 010 218", "22 010 218"),
        ("22010218", "22 010 218"),
        ("22-010-218", "22 010 218"),
        (" 22 010 218 ", "22 010 218"),
        ("24 005 859a", "24 005 859a"),
        ("24005859A", "24 005 859a"),
        ("24-005-859 a", "24 005 859a"),
        ("22.010.218", "22 010 218"),
    ],
)
def test_reference_typed_any_accepted_way_is_stored_in_one_form(typed, stored):
    assert normalise_reference(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "2201021", "220102188", "22 010 21b8", "ab 010 218", "22 010 218ab", "22/010/218"]
)
def test_malformed_reference_is_refused_with_the_expected_form(typed):
    with pytest.raises(InvalidReference, match="22 010 218"):
        normalise_reference(typed)


def test_compact_reference_matches_typed_digits():
    assert compact("22 010 218") == compact("22-010-218") == "22010218"
