"""A mailbox API stand-in for `record --code-command`: prints the newest code sent to an
address, read from the JSON-lines mailbox a remote-like embedded backend writes.

    python tests/contracts/mailbox_reader.py MAILBOX ADDRESS

Waits up to 10 s for a message to ADDRESS; exits 1 (printing nothing) when none came.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def newest_code(mailbox: Path, address: str) -> str | None:
    if not mailbox.exists():
        return None
    found = None
    for line in mailbox.read_text(encoding="utf-8").splitlines():
        message = json.loads(line)
        if message.get("to") == address:
            found = str(message["code"])
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: mailbox_reader.py MAILBOX ADDRESS\n")
        return 2
    mailbox, address = Path(argv[0]), argv[1]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        code = newest_code(mailbox, address)
        if code is not None:
            sys.stdout.write(code + "\n")
            return 0
        time.sleep(0.1)
    sys.stderr.write(f"no message to {address} in {mailbox}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
