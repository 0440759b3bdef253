"""The distinct-visitor sketch: close to exact when small, within its error when large, and
merging sketches counts the union (a visitor on many days counts once)."""

from __future__ import annotations

import random

import pytest

from analytics import sketch


def ids(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.getrandbits(128):032x}" for _ in range(n)]


@pytest.mark.parametrize("n", [0, 1, 2, 5, 17, 30])
def test_small_counts_are_exact_after_rounding(n):
    assert round(sketch.estimate(sketch.sketch_of(ids(n, n)))) == n


@pytest.mark.parametrize("n", [100, 1_000, 10_000, 60_000])
def test_large_counts_are_within_three_standard_errors(n):
    standard_error = 1.04 / sketch.REGISTERS**0.5  # 1.6 %
    for seed in range(3):
        estimate = sketch.estimate(sketch.sketch_of(ids(n, seed)))
        assert abs(estimate - n) / n < 3 * standard_error, (n, seed, estimate)


def test_merging_days_counts_each_visitor_once():
    people = ids(3_000, 7)
    days = [sketch.sketch_of(random.Random(day).sample(people, 1_000)) for day in range(30)]
    merged = sketch.estimate(sketch.merge(days))
    summed = sum(sketch.estimate(day) for day in days)
    assert abs(merged - 3_000) / 3_000 < 0.05  # every one of the 3 000 came at least once
    assert summed > 9 * merged  # what adding up the days would have claimed


def test_a_sketch_survives_the_database_round_trip_and_holds_no_id():
    people = ids(50, 1)
    data = sketch.to_bytes(sketch.sketch_of(people))
    assert len(data) == sketch.REGISTERS
    assert all(person.encode() not in data for person in people)
    assert round(sketch.estimate(sketch.from_bytes(data))) == 50
    with pytest.raises(ValueError):
        sketch.from_bytes(b"\x00" * 10)
