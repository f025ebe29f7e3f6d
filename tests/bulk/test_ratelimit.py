"""The token bucket all bulk workers share: exact pacing, fairness across threads, and the
adaptive cut and recovery when the service throttles anyway."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from tui.core.bulk import TokenBucket
from tui.core.bulk.ratelimit import CUT, STEP, WINDOW


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_requests_are_spread_evenly_at_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(10, clock=clock, sleep=clock.sleep)
    start = clock.now
    times = []
    for _ in range(21):
        assert bucket.acquire()
        times.append(clock.now - start)
    assert times[0] == 0.0
    assert times[-1] == pytest.approx(2.0)  # 20 intervals of 1/10 s, no burst
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap == pytest.approx(0.1) for gap in gaps)


def test_idle_time_earns_at_most_the_burst():
    clock = FakeClock()
    bucket = TokenBucket(10, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        bucket.acquire()
    clock.now += 60  # a long pause does not bank 600 requests
    waits = [bucket.reserve() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(0.1) and waits[4] == pytest.approx(0.2)


def test_many_threads_together_hold_the_rate():
    bucket = TokenBucket(200)
    done: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            bucket.acquire()
            with lock:
                done.append(time.monotonic())

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = max(done) - start
    assert len(done) == 200
    assert elapsed >= 199 / 200 * 0.95  # never faster than the rate
    assert elapsed < 3.0


def test_stop_interrupts_a_wait():
    bucket = TokenBucket(0.5)
    bucket.acquire()
    stop = threading.Event()
    threading.Timer(0.05, stop.set).start()
    start = time.monotonic()
    assert bucket.acquire(stop) is False
    assert time.monotonic() - start < 1.0


def test_throttling_cuts_the_rate_once_per_window_and_successes_restore_it():
    clock = FakeClock()
    bucket = TokenBucket(20, adaptive=True, clock=clock, sleep=clock.sleep)
    bucket.throttled()
    bucket.throttled()  # the same burst of refusals: one cut
    assert bucket.rate == pytest.approx(20 * CUT)
    clock.now += WINDOW
    bucket.throttled()
    assert bucket.rate == pytest.approx(20 * CUT * CUT)
    steps = 0
    while bucket.rate < 20:
        bucket.succeeded()
        steps += 1
    assert bucket.rate == 20
    assert steps == pytest.approx((20 - 20 * CUT * CUT) / (20 * STEP), abs=1)


def test_a_fixed_bucket_ignores_throttling_and_the_floor_holds():
    fixed = TokenBucket(20)
    fixed.throttled()
    assert fixed.rate == 20
    clock = FakeClock()
    adaptive = TokenBucket(20, adaptive=True, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        clock.now += WINDOW
        adaptive.throttled()
    assert adaptive.rate == adaptive.floor > 0


def test_nonsense_is_refused():
    with pytest.raises(ValueError):
        TokenBucket(0)
    with pytest.raises(ValueError):
        TokenBucket(5, burst=0.5)
