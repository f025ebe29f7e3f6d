"""A shutdown that hangs must not keep the editor alive after its terminal is gone.

Seen once in the tmux tests: after SIGHUP, Textual's driver close waited forever on its
output thread, and the editor outlived its session with no terminal. `leave_on_signals`
hands the exit to the event loop and also arms a watchdog that ends the process after a
grace period. Here the "app" is one whose exit never finishes (as a hung shutdown), in a
process of its own running an event loop: SIGHUP and SIGTERM must still end it, with
status 128 + the signal, about `grace` seconds later.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

HUNG = """
import asyncio, sys
from tui.launch import leave_on_signals

class Hung:
    def exit(self):
        pass  # a shutdown that never completes

leave_on_signals(Hung(), grace=0.5)

async def main():
    print("ready", flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=lambda s: s.name)
def test_a_hung_shutdown_still_ends_the_process(sig):
    proc = subprocess.Popen([sys.executable, "-c", HUNG], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        started = time.monotonic()
        proc.send_signal(sig)
        code = proc.wait(timeout=10)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 128 + sig
    assert 0.4 < took < 5, f"left after {took:.1f} s"
