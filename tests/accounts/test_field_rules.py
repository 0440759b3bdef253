"""The shared field rules of bkm/forms.py: postcode, phone, organisation number."""

import pytest

from bkm.forms import (
    format_phone,
    has_control_characters,
    is_valid_org_number,
    is_valid_phone,
    is_valid_postcode,
    normalise_org_number,
    normalise_phone,
)


@pytest.mark.parametrize("value", ["2411", "0181", "9990"])
def test_four_digits_are_a_postcode(value):
    assert is_valid_postcode(value)


@pytest.mark.parametrize("value", ["", "123", "12345", "abcd", "24 1", "２４１１", "2411\n"])
def test_anything_else_is_not_a_postcode(value):
    assert not is_valid_postcode(value)


@pytest.mark.parametrize(
    "value",
    ["974408597", "923609016", "910000071", "000000000"],  # the shop's own, a real AS, made up
)
def test_org_numbers_with_the_right_check_digit_are_valid(value):
    assert is_valid_org_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "974408598",  # last digit off by one
        "974408591",
        "97440859",  # eight digits
        "9744085970",
        "abcdefghi",
        "97440859a",
        "",
        "١٢٣٤٥٦٧٨٩",  # Arabic-Indic digits are digits to Python, not to us
    ],
)
def test_org_numbers_with_a_wrong_check_digit_or_shape_are_invalid(value):
    assert not is_valid_org_number(value)


def test_org_number_whose_remainder_is_one_has_no_valid_check_digit():
    base = "40000000"  # weighted sum 3*4 = 12, remainder 1
    assert not any(is_valid_org_number(base + str(d)) for d in range(10))


def test_org_number_is_normalised_to_nine_digits():
    assert normalise_org_number(" 974 408 597 ") == "974408597"
    assert normalise_org_number("974.408.597") == "974408597"
    with pytest.raises(ValueError):
        normalise_org_number("974 408 598")


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("41234567", "+4741234567", "41 23 45 67"),
        ("412 34 567", "+4741234567", "41 23 45 67"),
        ("+47 412 34 567", "+4741234567", "41 23 45 67"),
        ("0047 62 41 79 05", "+4762417905", "62 41 79 05"),
        ("+46 70 123 45 67", "+46701234567", "+46 70 123 45 67"),
    ],
)
def test_phone_numbers_are_stored_as_e164_and_shown_the_norwegian_way(typed, stored, shown):
    assert normalise_phone(typed) == stored
    assert format_phone(stored) == shown


@pytest.mark.parametrize("value", ["123", "1234567", "abc", "", "4123456789012", "+47 " + "1" * 60])
def test_impossible_or_invalid_phone_numbers_are_refused(value):
    assert not is_valid_phone(value)
    with pytest.raises(ValueError):
        normalise_phone(value)


def test_control_characters_are_found():
    assert has_control_characters("Kari\x00")
    assert has_control_characters("Storgata\n12")
    assert not has_control_characters("Øystein Løken-Ås")


def test_org_number_is_shown_in_groups_of_three():
    from bkm.forms import format_org_number

    assert format_org_number("974408597") == "974 408 597"
    assert format_org_number(None) == ""
