"""The stand-ins run in processes of their own, on the real clock."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine


@contextmanager
def on_the_real_clock() -> Iterator[None]:
    """The suite may run with its clock shifted (--clock-shift-days), but a stand-in's process keeps the real one
    and, like the real services, refuses time stamps and tokens far off it: talk to it on the real clock."""
    if not time_machine.escape_hatch.is_travelling():
        yield
        return
    real_now = datetime.datetime.fromtimestamp(time_machine.escape_hatch.time.time(), datetime.UTC)
    with time_machine.travel(real_now, tick=True):
        yield
