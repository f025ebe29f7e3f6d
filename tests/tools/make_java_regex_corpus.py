"""Record how Java itself judges every pattern of the installed cognito-idp model.

Run by hand when botocore adds patterns (needs a JDK): it writes
tests/data/java_regex_corpus.json, which test_javaregex.py compares the translator against.
The probes are chosen where Java and ECMA/Python disagree: ASCII-only shorthands, line
terminators, Unicode spaces, marks, symbols, astral characters.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from contracts.checker.model import load_service_model

HERE = Path(__file__).parent
OUT = HERE.parent / "data" / "java_regex_corpus.json"

CHARS = [
    "a", "Z", "0", "9", "_", "-", ".", "@", "+", "=", "/", ",", ":", "*", "#", "{", "}", "!",
    "~", "$", "[", "]", "\\", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x00", "\x7f", "\x85",
    "\xa0", "\u2028", "\u2029", "\u200b", "\u3000", "é", "ß", "\u0301", "Ж", "名", "١", "²",
    "€", "©", "\U0001f600", "\U00010400", "\ufeff",
]  # fmt: skip

EXTRA = [
    "",
    "abc",
    "custom:department",
    "email_verified",
    "a b",
    "abc\n",
    "\nabc",
    "user@example.com",
    "us-east-1_AbCdEf123",
    "arn:aws:iam::123456789012:role/x",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret/name",
    "https://example.com/cb",
    "https://exa mple.com",
    "Level3",
    "{####}",
    "x{####}y",
    "{##Click##}",
    "tkn0123456789abcdefghijklmnop",
    "0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
    "import-Ab12",
    "cognito:english",
    "terms-of-use",
    "a.b",
    "ab.",
    "x-y_z",
    "A-_+/=.",
]


def probes() -> list[str]:
    out = list(EXTRA)
    for c in CHARS:
        out += [c, "a" + c, c + "a", c * 3]
    return list(dict.fromkeys(out))


def hexed(text: str) -> str:
    return " ".join(f"{ord(c):x}" for c in text)


def main() -> int:
    model = load_service_model()
    patterns = sorted({s["pattern"] for s in model["shapes"].values() if "pattern" in s})
    cases = [(p, s) for p in patterns for s in probes()]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["javac", "-d", tmp, str(HERE / "JavaRegexOracle.java")], check=True)
        feed = "".join(f"{hexed(p)}\t{hexed(s)}\n" for p, s in cases)
        run = subprocess.run(
            ["java", "-cp", tmp, "JavaRegexOracle"],
            input=feed.encode(),
            capture_output=True,
            check=True,
        )
        version = subprocess.run(
            ["java", "-version"], capture_output=True, text=True, check=True
        ).stderr.splitlines()[0]
    verdicts = run.stdout.decode().split()
    assert len(verdicts) == len(cases)
    table = probes()
    corpus = {
        "java": version,
        "probes": table,
        # one string of 1/0 per pattern, aligned with "probes"
        "verdicts": {
            p: "".join(verdicts[i * len(table) : (i + 1) * len(table)])
            for i, p in enumerate(patterns)
        },
    }
    OUT.write_text(json.dumps(corpus, ensure_ascii=True, indent=1) + "\n")
    print(f"{len(cases)} cases from {len(patterns)} patterns -> {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
