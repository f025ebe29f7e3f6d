"""Java regular expressions (botocore's `pattern` trait) rewritten for a JSON Schema validator.

botocore copies the service's Java patterns verbatim. A JSON Schema `pattern` is read by
jsonschema-rs (fancy-regex, ECMA-flavoured) both here and in schemathesis, and the two
dialects disagree on the shorthand classes: Java's `\\s` is ASCII, ECMA's is Unicode; Java's
`.` stops at five line terminators, fancy-regex's only at `\\n`. So every construct whose
meaning differs is spelled out explicitly, and a pattern is anchored to the whole string,
which is how Cognito applies it.

Only the constructs the model uses are accepted; anything else raises `UnsupportedPattern`
so a new botocore release with an unfamiliar construct fails loudly in the tests instead of
being validated with the wrong meaning.
"""

from __future__ import annotations

import functools
import sys

__all__ = ["UnsupportedPattern", "anchored", "translate"]


class UnsupportedPattern(ValueError):
    """The pattern uses a Java construct this translator does not know."""


# Java, without UNICODE_CHARACTER_CLASS: the shorthand classes are ASCII-only.
_WORD = "A-Za-z0-9_"
_DIGIT = "0-9"
_SPACE = "\\t\\n\\x0B\\f\\r "
_SHORTHAND_IN_CLASS = {"w": _WORD, "d": _DIGIT, "s": _SPACE}
_NEGATED_SHORTHAND = {"W": _WORD, "D": _DIGIT, "S": _SPACE}
# Java's `.` (no DOTALL, no UNIX_LINES) excludes these line terminators.
_JAVA_DOT = "[^\\n\\r\\u0085\\u2028\\u2029]"
_ANY = "[\\s\\S]"
# Unicode general categories both engines know as \p{..}.
_CATEGORIES = {
    "L", "Lu", "Ll", "Lt", "Lm", "Lo",
    "M", "Mn", "Mc", "Me",
    "N", "Nd", "Nl", "No",
    "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po",
    "S", "Sm", "Sc", "Sk", "So",
    "Z", "Zs", "Zl", "Zp",
    "C", "Cc", "Cf", "Co", "Cn",
}  # fmt: skip
_SIMPLE_ESCAPES = {"t": "\\t", "n": "\\n", "r": "\\r", "f": "\\f", "e": "\\x1B", "a": "\\x07"}
# Characters that must be escaped to be literal inside a character class.
_CLASS_SPECIAL = set("\\]^-[&")
_OUTSIDE_SPECIAL = set(".^$|?*+()[]{}\\")


class _Reader:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def eof(self) -> bool:
        return self.i >= len(self.p)

    def peek(self, n: int = 0) -> str:
        j = self.i + n
        return self.p[j] if j < len(self.p) else ""

    def take(self) -> str:
        c = self.p[self.i]
        self.i += 1
        return c

    def fail(self, what: str) -> UnsupportedPattern:
        return UnsupportedPattern(f"{what} at offset {self.i} in pattern {self.p!r}")


@functools.cache
def _spans_by_category() -> dict[str, list[tuple[int, int]]]:
    """Runs of consecutive code points per two-letter general category (one pass)."""
    import unicodedata

    spans: dict[str, list[tuple[int, int]]] = {}
    category = unicodedata.category
    current, start = "", 0
    for cp in range(sys.maxunicode + 2):
        cat = category(chr(cp)) if cp <= sys.maxunicode else ""
        if cat != current:
            if current and current != "Cs":  # lone surrogates never reach a JSON string
                spans.setdefault(current, []).append((start, cp - 1))
            current, start = cat, cp
    return spans


@functools.cache
def category_ranges(category: str) -> str:
    """Every code point of a Unicode general category (`L`, or a subcategory such as `Lu`),
    spelled out as class ranges from Python's Unicode database.

    `\\p{L}` is written out rather than kept because schemathesis rewrites `\\p{..}` into
    Latin-only approximations before it validates; explicit ranges mean the checker and
    schemathesis compile the very same pattern.
    """
    runs = sorted(
        span
        for cat, spans in _spans_by_category().items()
        if cat.startswith(category)
        for span in spans
    )
    merged: list[tuple[int, int]] = []
    for lo, hi in runs:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return "".join(_span(lo, hi) for lo, hi in merged)


def _span(lo: int, hi: int) -> str:
    return _codepoint(lo) if lo == hi else f"{_codepoint(lo)}-{_codepoint(hi)}"


def _read_category(r: _Reader, negated: bool) -> tuple[str, bool]:
    if r.peek() != "{":
        name = r.take()  # \pL form
    else:
        r.take()
        end = r.p.find("}", r.i)
        if end < 0:
            raise r.fail("unterminated \\p{")
        name = r.p[r.i : end]
        r.i = end + 1
    if name.startswith("Is") and name[2:] in _CATEGORIES:
        name = name[2:]
    if name not in _CATEGORIES:
        raise r.fail(f"unknown Unicode class \\p{{{name}}}")
    return category_ranges(name), negated


def _read_hex(r: _Reader) -> str:
    if r.peek() == "{":
        end = r.p.find("}", r.i)
        if end < 0:
            raise r.fail("unterminated \\x{")
        code = int(r.p[r.i + 1 : end], 16)
        r.i = end + 1
    else:
        digits = r.p[r.i : r.i + 2]
        if len(digits) != 2:
            raise r.fail("short \\x escape")
        code = int(digits, 16)
        r.i += 2
    return _codepoint(code)


def _read_unicode(r: _Reader) -> str:
    digits = r.p[r.i : r.i + 4]
    if len(digits) != 4:
        raise r.fail("short \\u escape")
    r.i += 4
    return _codepoint(int(digits, 16))


def _codepoint(code: int) -> str:
    return (
        f"\\x{code:02X}"
        if code < 0x100
        else f"\\u{code:04X}"
        if code < 0x10000
        else (f"\\U{code:08X}")
    )


def _literal(c: str, special: set[str]) -> str:
    if c in special:
        return "\\" + c
    if ord(c) < 0x20 or ord(c) == 0x7F:
        return _codepoint(ord(c))
    return c


def _class_escape(r: _Reader) -> tuple[str, bool]:
    """One escape inside [...]: (translated item, whether it can be a range endpoint)."""
    c = r.take()
    if c in _SHORTHAND_IN_CLASS:
        return _SHORTHAND_IN_CLASS[c], False
    if c in _NEGATED_SHORTHAND:
        raise r.fail(f"negated class \\{c} mixed into a character class")
    if c in "pP":
        ranges, negated = _read_category(r, c == "P")
        if negated:
            raise r.fail("negated \\P{..} inside a character class")
        return ranges, False
    if c == "x":
        return _read_hex(r), True
    if c == "u":
        return _read_unicode(r), True
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], True
    if c.isalnum():
        raise r.fail(f"unknown escape \\{c} in a character class")
    return _literal(c, _CLASS_SPECIAL), True


def _read_class(r: _Reader) -> str:
    """Translate a [...] class; the opening bracket is already consumed."""
    negated = False
    if r.peek() == "^":
        r.take()
        negated = True
    # A class holding only a negated shorthand, like [\S], is that shorthand's complement.
    if r.peek() == "\\" and r.peek(1) in _NEGATED_SHORTHAND and r.peek(2) == "]" and not negated:
        body = _NEGATED_SHORTHAND[r.peek(1)]
        r.i += 3
        return f"[^{body}]"
    items: list[str] = []
    first = True
    while True:
        if r.eof():
            raise r.fail("unterminated character class")
        c = r.take()
        if c == "]" and not first:
            break
        first = False
        if c == "[":
            raise r.fail("nested character class (Java union)")
        if c == "&" and r.peek() == "&":
            raise r.fail("character class intersection")
        if c == "\\":
            item, rangeable = _class_escape(r)
        else:
            item, rangeable = _literal(c, _CLASS_SPECIAL), True
        # A range: item '-' endpoint, unless the '-' is last before ']'.
        if rangeable and r.peek() == "-" and r.peek(1) not in ("]", ""):
            r.take()
            e = r.take()
            if e == "\\":
                end, end_ok = _class_escape(r)
                if not end_ok:
                    raise r.fail("a class shorthand cannot end a range")
            elif e == "[":
                raise r.fail("nested character class (Java union)")
            else:
                end = _literal(e, _CLASS_SPECIAL)
            items.append(f"{item}-{end}")
        else:
            items.append(item)
    return ("[^" if negated else "[") + "".join(items) + "]"


def _read_group_open(r: _Reader, flags: dict[str, bool]) -> tuple[str, dict[str, bool] | None]:
    """After '(': returns the translated opener and, for a flag-only group, new flags."""
    if r.peek() != "?":
        return "(", None
    r.take()
    c = r.peek()
    if c in (":", "=", "!"):
        r.take()
        return "(?" + c, None
    if c == "<" and r.peek(1) in ("=", "!"):
        r.take()
        d = r.take()
        return "(?<" + d, None
    if c == "<":
        raise r.fail("named group")
    # Inline flags: (?s) or (?s:...). Only DOTALL is understood; it is applied by this
    # translator to each '.', so the flag itself is not emitted.
    on = True
    new = dict(flags)
    while not r.eof() and r.peek() not in (")", ":"):
        f = r.take()
        if f == "-":
            on = False
        elif f == "s":
            new["s"] = on
        else:
            raise r.fail(f"inline flag {f!r}")
    if r.eof():
        raise r.fail("unterminated group")
    end = r.take()
    if end == ")":
        return "", new  # a flag directive: applies to the rest of the enclosing group
    return "(?:", new


def _translate(r: _Reader, flags: dict[str, bool], depth: int) -> str:
    out: list[str] = []
    flag_stack: list[dict[str, bool]] = []
    while not r.eof():
        c = r.take()
        if c == "\\":
            e = r.take() if not r.eof() else ""
            if e == "":
                raise r.fail("trailing backslash")
            if e in _SHORTHAND_IN_CLASS:
                out.append(f"[{_SHORTHAND_IN_CLASS[e]}]")
            elif e in _NEGATED_SHORTHAND:
                out.append(f"[^{_NEGATED_SHORTHAND[e]}]")
            elif e in "pP":
                ranges, negated = _read_category(r, e == "P")
                out.append(("[^" if negated else "[") + ranges + "]")
            elif e == "x":
                out.append(_read_hex(r))
            elif e == "u":
                out.append(_read_unicode(r))
            elif e in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[e])
            elif e == "b":
                out.append("\\b")
            elif e.isalnum():
                raise r.fail(f"unknown escape \\{e}")
            else:
                out.append(_literal(e, _OUTSIDE_SPECIAL))
        elif c == "[":
            out.append(_read_class(r))
        elif c == ".":
            out.append(_ANY if flags.get("s") else _JAVA_DOT)
        elif c == "(":
            opener, new_flags = _read_group_open(r, flags)
            if opener == "":
                flags = new_flags or flags
                continue
            flag_stack.append(flags)
            inner_flags = new_flags if new_flags is not None else flags
            out.append(opener + _translate(r, inner_flags, depth + 1) + ")")
            flags = flag_stack.pop()
        elif c == ")":
            if depth == 0:
                raise r.fail("unbalanced ')'")
            return "".join(out)
        elif c in "^$":
            # Patterns are applied to the whole string, so edge anchors are redundant; an
            # anchor in the middle of a pattern keeps its (end-of-input) meaning.
            out.append(c)
        elif c == "{":
            end = r.p.find("}", r.i)
            body = r.p[r.i : end] if end >= 0 else ""
            if end >= 0 and body and all(ch.isdigit() or ch == "," for ch in body):
                out.append("{" + body + "}")
                r.i = end + 1
            else:
                out.append("\\{")
        elif c == "}":
            out.append("\\}")
        elif c in "*+?":
            out.append(c)
            if r.peek() == "+":
                raise r.fail("possessive quantifier")
            if r.peek() == "?":
                out.append(r.take())
        elif c == "|":
            out.append(c)
        else:
            out.append(_literal(c, set()))
    if depth:
        raise r.fail("unterminated group")
    return "".join(out)


@functools.cache
def translate(pattern: str) -> str:
    """The pattern with Java's meaning spelled out for jsonschema-rs, not yet anchored."""
    return _translate(_Reader(pattern), {"s": False}, 0)


@functools.cache
def anchored(pattern: str) -> str:
    """The translated pattern, matching only the whole string."""
    return f"^(?:{translate(pattern)})$"
