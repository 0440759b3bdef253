"""KID check digits, worked by hand in the comments so the expected values are not circular."""

from __future__ import annotations

import pytest

from bkm.orders.kid import (
    is_valid_kid,
    is_valid_mod10,
    is_valid_mod11,
    make_kid,
    mod10_check_digit,
    mod11_check_digit,
)


@pytest.mark.parametrize(
    ("base", "check"),
    [
        # The textbook Luhn number. From the right, weights 2,1,2,1,…; digits of products summed:
        # 1·2=2, 7, 8·2=16→7, 9, 3·2=6, 7, 2·2=4, 9, 9·2=18→9, 7 → 67; (10 − 7) % 10 = 3.
        ("7992739871", "3"),
        # 4·2=8, 3, 2·2=4, 1 → 16; 10 − 6 = 4.
        ("1234", "4"),
        # 1·2=2, the zeros add nothing → 2; 10 − 2 = 8.
        ("0000001", "8"),
        # Sum 0 → (10 − 0) % 10 = 0.
        ("0", "0"),
        # 2·2=4, 4 → 8; 10 − 8 = 2.
        ("0000042", "2"),
        # 3·2=6, 2, 0, 0, 1·2=2, 0, 0 → 10; (10 − 0) % 10 = 0.
        ("0010023", "0"),
    ],
)
def test_mod10_check_digit(base, check):
    assert mod10_check_digit(base) == check
    assert is_valid_mod10(base + check)
    assert is_valid_kid(base + check)


@pytest.mark.parametrize(
    ("base", "check"),
    [
        # Weights 2,3,4,5,6,7 from the right: 5·2 + 4·3 + 3·4 + 2·5 + 1·6 = 50; 50 % 11 = 6 → 5.
        ("12345", "5"),
        # 7·2 + 6·3 + 5·4 + 4·5 + 3·6 + 2·7 + 1·2 (weights restart at 2) = 106; 106 % 11 = 7 → 4.
        ("1234567", "4"),
        # 3·2 + 4·3 + 1·4 = 22; 22 % 11 = 0 → check digit 0.
        ("143", "0"),
        # 1·2 + 2·3 + 1·4 = 12; 12 % 11 = 1 → "-": no valid KID can end here.
        ("121", "-"),
        # A 10-digit account-style base 1503.12.3456: 6·2+5·3+4·4+3·5+2·6+1·7+3·2+0·3+5·4+1·5
        # = 12+15+16+15+12+7+6+0+20+5 = 108; 108 % 11 = 9 → 2.
        ("1503123456", "2"),
    ],
)
def test_mod11_check_digit(base, check):
    assert mod11_check_digit(base) == check
    if check != "-":
        assert is_valid_mod11(base + check)
        assert is_valid_kid(base + check)


def test_mod11_remainder_one_gives_no_valid_kid():
    for candidate in "0123456789":
        assert not is_valid_mod11("121" + candidate)
    assert not is_valid_kid("121-")


@pytest.mark.parametrize(
    "kid",
    [
        "79927398710",  # Luhn wants 3
        "12345",  # MOD10 wants 4 after 1234, MOD11 wants 3 (4·2+3·3+2·4+1·5=30, 30 % 11 = 8 → 3)
        "1",  # too short: a KID has 2 to 25 digits
        "1" * 24 + "00",  # 26 digits
        "",
        "12 34",
        "1234a",
        "١٢٣٤٤",  # Arabic-Indic digits pass str.isdigit() but are no KID
    ],
)
def test_invalid_kids(kid):
    assert not is_valid_kid(kid)


def test_the_placeholder_bank_account_fails_its_own_mod11_check():
    # 1503.12.34567 ends in 7, but its MOD11 check digit is 2 (worked above): it can take no money.
    assert not is_valid_mod11("15031234567")
    assert is_valid_mod11("15031234562")


def test_kid_accepted_by_both_methods():
    # "00": MOD10 of "0" is 0 and MOD11 of "0" is 0.
    assert is_valid_mod10("00")
    assert is_valid_mod11("00")


def test_make_kid_from_invoice_number():
    # "0010023" + check 0 (worked above).
    assert make_kid(10023) == "00100230"
    assert make_kid("10023") == "00100230"


def test_make_kid_from_customer_and_invoice_number():
    # "000123" + "0010023" = 0001230010023. From the right with weights 2,1,…:
    # 3·2=6, 2, 0, 0, 1·2=2, 0, 0, 3, 2·2=4, 1, 0, 0, 0 → 18; 10 − 8 = 2.
    kid = make_kid(10023, customer_number=123)
    assert kid == "00012300100232"
    assert len(kid) == 14
    assert is_valid_mod10(kid)


def test_make_kid_has_a_fixed_length():
    assert {len(make_kid(n)) for n in (1, 42, 9_999_999)} == {8}


@pytest.mark.parametrize(
    ("invoice", "customer"),
    [(10_000_000, None), (1, 1_000_000), (-5, None), ("12a", None), ("", None)],
)
def test_make_kid_rejects_numbers_that_do_not_fit(invoice, customer):
    with pytest.raises(ValueError):
        make_kid(invoice, customer)


def test_check_digit_functions_reject_non_digits():
    with pytest.raises(ValueError):
        mod10_check_digit("12-3")
    with pytest.raises(ValueError):
        mod11_check_digit("")
