"""The cyclic collector kept off what the build makes in large numbers and keeps (collector.py)."""

from __future__ import annotations

import gc

from circles.collector import collector_paused, lasting


def test_what_lasts_is_frozen_before_the_collector_can_go_through_it():
    """A collection started as the block ends would go through everything made in it (the records, at
    10,000 circles twice a build for 0.16 s): they are out of its reach before it is on again."""
    young: list[int] = []

    def watch(phase: str, _info: dict) -> None:
        if phase == "start":
            young.append(len(gc.get_objects(generation=0)))

    gc.collect()
    gc.callbacks.append(watch)
    try:
        with lasting():
            kept = [[n] for n in range(20_000)]  # lists: always tracked by the collector (a dict of numbers is not)
        after = [[n] for n in range(3_000)]  # enough for the collector to start, more than once
    finally:
        gc.callbacks.remove(watch)
        gc.unfreeze()
    assert gc.isenabled() and len(kept) == 20_000 and len(after) == 3_000
    assert young, "the collector never started"
    assert max(young) < 5_000, f"a collection went through {max(young):,} young objects"


def test_the_collector_is_off_inside_and_as_it_was_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    with lasting():
        assert not gc.isenabled()
    gc.unfreeze()
    gc.disable()
    try:
        with lasting():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()
        gc.unfreeze()
