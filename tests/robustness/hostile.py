"""Hostile attribute names and values, and the fuzz harness that pushes them through the
editor's validation and save path.

The strategies start from the compiled spec (the name pattern and lengths, the value
length: read from `AttributeNameType` and `AttributeValueType`, never re-typed) and from the
pool's schema (its names, types and custom attributes), then add what people and other
systems really paste: control characters, combining marks, right-to-left text and bidi
controls, astral characters (never lone surrogates), values one past the limit,
whitespace-only values, empty names, near-miss `custom:` prefixes, markup brackets and
terminal escapes.

`Fuzzer.check_batch` states the properties for one batch of edits made in one signed-in
`EditorSession`:

- nothing raises: `Draft.set/delete/problems`, the journal and `EditorSession.save` only
  ever return values;
- what the editor rejects, it explains: a short human sentence that names the attribute
  or the part (name or value) at fault;
- what it accepts, the spec accepts, the backend (strict) saves without recording a spec
  violation, the journal holds it byte for byte, and GetUser reads back what was sent.

Batching several edits into one save keeps each property per attribute (a single refused
attribute fails the whole save, so any disagreement still shows) while paying for one
UpdateUserAttributes per batch instead of per case.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.checker.spec import Spec
from tui.core.schema import CUSTOM_PREFIX, PoolSchema

# -- alphabets ---------------------------------------------------------------------------------


def _chars(*ranges: tuple[int, int]) -> list[str]:
    return [chr(c) for lo, hi in ranges for c in range(lo, hi + 1)]


CONTROLS = _chars((0x00, 0x1F), (0x7F, 0x9F))
WHITESPACE = list(" \t\n\r\x0b\x0c\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") + _chars(
    (0x2000, 0x200A)
)
COMBINING = _chars((0x0300, 0x036F), (0x1AB0, 0x1ABE), (0x20D0, 0x20F0), (0xFE20, 0xFE2F))
RTL = [
    *_chars((0x05D0, 0x05EA), (0x0621, 0x064A), (0x06F0, 0x06F9)),  # Hebrew, Arabic
    *["\u061c", "\u200e", "\u200f"],  # Arabic letter mark, LRM, RLM
    *_chars((0x202A, 0x202E), (0x2066, 0x2069)),  # embeddings, overrides, isolates
]
ASTRAL = _chars(
    (0x1F300, 0x1F3FF),  # emoji
    (0x1F1E6, 0x1F1FF),  # regional indicators
    (0x1D400, 0x1D433),  # mathematical letters
    (0x20000, 0x2003F),  # CJK extension B
    (0x10000, 0x1003F),  # Linear B
    (0xE0020, 0xE007F),  # tag characters (format, invisible)
    (0x10FFF0, 0x10FFFD),  # plane 16 private use
)
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufffe", "\uffff"]
MARKUP = list("[]/@=$\\'\"{}<>&;")
# Terminal escapes (clear, colour, OSC 52 clipboard write, leave the alternate screen) and
# Textual/Rich markup: text that must be shown as text, never obeyed.
ESCAPES = [
    *["\x1b[2J", "\x1b[31m", "\x1b]52;c;aGk=\x07", "\x1b[?1049l"],
    *["[/]", "[b]", "[@click=app.quit]x[/]", "[red]", "[$accent]"],
]

GROUPS: dict[str, list[str]] = {
    "controls": CONTROLS,
    "whitespace": WHITESPACE,
    "combining": COMBINING,
    "rtl": RTL,
    "astral": ASTRAL,
    "invisible": INVISIBLE,
    "markup": MARKUP,
}

# Any character but a surrogate: botocore sends JSON, and a lone surrogate is no text.
ANY_CHAR = st.characters(exclude_categories=("Cs",))
HOSTILE_ALPHABET = sorted({c for chars in GROUPS.values() for c in chars} | set("aZ09_:-.é"))


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Draw from one of the strategies with the given weights. (`one_of` drops repeated
    strategy objects, so repeating one there does not weight it.)"""
    return st.sampled_from([s for weight, s in choices for _ in range(weight)]).flatmap(lambda s: s)


# Pieces of hostile text: every character of every class, the escapes and markup, and
# sequences that only mean something together (a base and its marks, an override and its
# pop, a ZWJ emoji), which characters drawn one by one would rarely line up.
PIECES = sorted(
    set(HOSTILE_ALPHABET)
    | set(ESCAPES)
    | {
        "e\u0301",
        "a\u0300\u0301\u0302\u0303\u0304",
        "\u202eabc\u202c",
        "\u2067\u05e9\u05dc\u05d5\u05dd\u2069",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        "\U0001f1fa\U0001f1f8",
        "custom:",
        "Ada",
        "x@y.z",
    }
)


def hostile_text(min_size: int = 0, max_size: int = 24) -> st.SearchStrategy[str]:
    """Hostile characters one by one, a few hostile pieces, or any characters but
    surrogates; at most `max_size` code points."""
    alphabet = st.sampled_from(HOSTILE_ALPHABET) | ANY_CHAR
    chars = st.text(alphabet, min_size=min_size, max_size=max_size)
    pieces = st.lists(st.sampled_from(PIECES), min_size=min(min_size, 1), max_size=6).map("".join)
    mixed = weighted((2, chars), (2, pieces), (1, st.text(ANY_CHAR, max_size=12)))
    return mixed.map(lambda t: t[:max_size]).filter(lambda t: len(t) >= min_size)


def exact_length(units: st.SearchStrategy[str], lengths: list[int]) -> st.SearchStrategy[str]:
    """A unit repeated to exactly n code points (a unit may be several, e.g. e + U+0301)."""

    def build(unit: str, n: int) -> str:
        text = unit * (n // max(len(unit), 1) + 1)
        return text[:n]

    return st.builds(build, units, st.sampled_from(lengths))


# -- what the spec and the pool say ------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Read from the compiled spec: the editor and the backend must agree on these."""

    name_min: int
    name_max: int
    name_pattern: str
    value_max: int

    @classmethod
    def from_spec(cls, spec: Spec) -> Limits:
        name = spec.defs["AttributeNameType"]
        value = spec.defs["AttributeValueType"]
        return cls(
            name_min=int(name.get("minLength", 1)),
            name_max=int(name["maxLength"]),
            name_pattern=str(name["pattern"]),
            value_max=int(value["maxLength"]),
        )


def near_misses(name: str) -> list[str]:
    """Ways people and spreadsheets get `custom:department` almost right."""
    bare = name[len(CUSTOM_PREFIX) :] if name.startswith(CUSTOM_PREFIX) else name
    return [
        bare,
        "Custom:" + bare,
        "CUSTOM:" + bare,
        "custom:" + bare.capitalize(),
        "custom_" + bare,
        "custom::" + bare,
        "custom: " + bare,
        " custom:" + bare,
        "custom:" + bare + " ",
        "custom:" + bare + "\t",
        "custom\uff1a" + bare,  # fullwidth colon
        "\u0441ustom:" + bare,  # Cyrillic es
        "custom:\u200d" + bare,  # zero-width joiner
        "custom:" + bare[:-1],
        "custom:" + bare + "s",
        "custom:" + bare.upper(),
        "dev:custom:" + bare,
        "custom:",
        "custom",
        unicodedata.normalize("NFD", "custom:" + bare + "\u00e9"),
    ]


def other_names(schema: PoolSchema, limits: Limits, spec: Spec) -> st.SearchStrategy[str]:
    """Names that are not the pool's: near misses of its custom attributes, boundaries of
    the model's limits, names drawn from the model's own pattern, and hostile text."""
    from tests.contracts.strategies import Strategies

    custom = schema.custom_names or ["custom:department"]
    misses = sorted({m for n in custom for m in near_misses(n)})
    boundary = [
        "",
        "custom:" + "a" * (limits.name_max - len(CUSTOM_PREFIX)),
        "custom:" + "a" * (limits.name_max - len(CUSTOM_PREFIX) + 1),
        "a" * limits.name_max,
        "a" * (limits.name_max + 1),
        "\U0001f600" * limits.name_max,
        "identities",
        "cognito:username",
        "given_name ",
        " given_name",
        "Given_Name",
    ]
    return weighted(
        (2, st.sampled_from(misses)),
        (1, st.sampled_from(boundary)),
        (1, Strategies(spec).shape("AttributeNameType")),
        (2, hostile_text(0, limits.name_max + 4)),
    )


def _digits_variants() -> st.SearchStrategy[str]:
    return st.sampled_from(
        [" 5", "5 ", "+5", "5_0", "\u0665", "\u00b2", "05", "5.0", "1e1", "-0", "\uff15",
         "99999999999999999999", "-99999999999999999999", "0x5", "\t7", "", "NaN", "Infinity"]
    )  # fmt: skip


def value_strategy(name: str, limits: Limits, schema: PoolSchema) -> st.SearchStrategy[str]:
    """Values shaped for the attribute (so that many are accepted), plus hostile ones."""
    attr = schema.get(name)
    kind = attr.data_type if attr is not None else "String"
    shaped: list[st.SearchStrategy[str]] = []
    if name == "email":
        local = st.one_of(st.from_regex(r"[a-z0-9._%+-]{1,12}", fullmatch=True), hostile_text(1, 6))
        domain = st.one_of(st.from_regex(r"[a-z0-9-]{1,10}\.[a-z]{2,6}", fullmatch=True))
        shaped += [
            st.builds(lambda a, b: f"{a}@{b}", local, domain),
            st.sampled_from(["a@b", "@b.c", "a@@b.c", "a b@c.d", "a@b.c ", "ä@ü.example"]),
        ]
    elif name == "phone_number":
        digits = st.text("0123456789", min_size=0, max_size=17)
        shaped += [
            st.builds(lambda d: "+" + d, digits),
            st.builds(lambda d: "+" + d, st.text("0123456789\u0660\u0661 -()", max_size=12)),
            st.sampled_from(["+1", "+12", "+123", "+1234", "15555550123", "+0123456"]),
        ]
    elif kind == "Number" or name == "updated_at":
        low = (attr.min_value if attr and attr.min_value is not None else 0) - 2
        high = (attr.max_value if attr and attr.max_value is not None else 2_000_000_000) + 2
        shaped += [st.integers(low, high).map(str), _digits_variants()]
    elif kind == "Boolean":
        shaped.append(st.sampled_from(["true", "false", "True", "TRUE", "1", "0", "yes", " true"]))
    elif name == "birthdate":
        odd = ["0000-02-29", "2023-02-29", "1990-13-01", "\u0661\u0669\u0669\u0660-01-01"]
        shaped += [st.dates().map(lambda d: d.isoformat()), st.sampled_from(odd)]
    elif name == "address":
        keys = st.sampled_from(["formatted", "street_address", "locality", "country", "zip"])
        shaped += [
            st.dictionaries(keys, st.one_of(hostile_text(0, 8), st.integers()), max_size=4).map(
                lambda d: json.dumps(d, ensure_ascii=False)
            ),
            st.sampled_from(["{", "[]", "null", '{"locality": null}', '"x"']),
        ]
    elif name in ("picture", "profile", "website"):
        shaped += [
            st.builds(lambda t: "https://example.com/" + t, hostile_text(0, 10)),
            st.sampled_from(["http://x", "javascript:alert(1)", "https://", "https://a b", "ftp://x"]),
        ]  # fmt: skip
    elif name == "locale":
        shaped += [st.from_regex(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,2}", fullmatch=True)]
    if attr is not None and attr.max_length is not None:
        n = attr.max_length
        shaped.append(exact_length(st.sampled_from(["x", "\U0001f600", "e\u0301"]), [n, n + 1]))
    n = limits.value_max
    # long values: a run of one piece, or a short hostile text repeated
    long_units = st.sampled_from(PIECES) | hostile_text(1, 8)
    return weighted(
        *[(3, strategy) for strategy in shaped],  # values of the attribute's own form
        (2, st.text(max_size=20)),
        (3, hostile_text(0, 30)),
        (1, st.text(st.sampled_from(WHITESPACE), min_size=1, max_size=8)),
        (1, st.just("")),
        (1, exact_length(long_units, [n - 1, n, n + 1, n + 2])),
    )


Case = tuple[str, str, str | None]  # ("set", name, value) or ("delete", name, None)


def batch_strategy(
    schema: PoolSchema, limits: Limits, spec: Spec, size: int
) -> st.SearchStrategy[list[Case]]:
    """`size` edits with distinct names (one save sends one value per name): 60% name one
    of the pool's attributes (with a value of its own form or a hostile one), 40% other
    names; nineteen in twenty set a value, one deletes.

    The names are drawn first, unique, then an edit for each: with `unique_by` on whole
    edits, every collision among two dozen picks from two dozen attributes would redraw a
    value too, and that cost most of the time."""

    def edits(values: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str | None]]:
        return weighted((19, values.map(lambda v: ("set", v))), (1, st.just(("delete", None))))

    # built once per name: hypothesis validates a strategy the first time it draws from it
    own = {name: edits(value_strategy(name, limits, schema)) for name in schema.attributes}
    other = edits(value_strategy("", limits, schema))
    names = weighted(
        (6, st.sampled_from(sorted(schema.attributes))),
        (4, other_names(schema, limits, spec)),
    )

    def for_names(picked: list[str]) -> st.SearchStrategy[list[Case]]:
        each = st.tuples(*(own.get(name, other) for name in picked))
        return each.map(lambda kvs: [(k, n, v) for n, (k, v) in zip(picked, kvs, strict=True)])

    return st.lists(names, min_size=size, max_size=size, unique=True).flatmap(for_names)


# -- the harness -------------------------------------------------------------------------------


@dataclass
class FuzzStats:
    cases: int = 0
    batches: int = 0
    accepted: int = 0  # sent to the backend and saved
    unchanged: int = 0  # equal to the server's value: nothing to send
    rejected: int = 0  # refused by the editor, with an explanation
    saves: int = 0
    groups: Counter[str] = field(default_factory=Counter)  # hostile classes seen
    reasons: Counter[str] = field(default_factory=Counter)  # why edits were refused
    seen: set[int] = field(default_factory=set)  # hashes of the distinct cases run

    @property
    def distinct(self) -> int:
        return len(self.seen)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "distinct_cases": self.distinct,
            "batches": self.batches,
            "accepted_and_saved": self.accepted,
            "unchanged": self.unchanged,
            "rejected_with_explanation": self.rejected,
            "saves": self.saves,
            "hostile_classes_seen": dict(sorted(self.groups.items())),
            "refusals_by_reason": dict(self.reasons.most_common()),
        }


MAX_MESSAGE = 300


def explanation_problems(name: str, messages: list[str]) -> list[str]:
    """Why a list of messages does not explain a refusal ([] when it does)."""
    if not messages:
        return ["no message"]
    out = []
    for msg in messages:
        if not isinstance(msg, str) or not msg.strip():
            out.append(f"empty message {msg!r}")
        elif len(msg) > MAX_MESSAGE:
            out.append(f"message of {len(msg)} characters (echoes the input?)")
        elif not any(ch.isalpha() for ch in msg) or "Traceback" in msg:
            out.append(f"not a sentence: {msg!r}")
        elif not (msg.startswith(("name:", "value:")) or (name and name in msg)):
            out.append(f"does not name the attribute or the part at fault: {msg!r}")
    return out


def reason(name: str, message: str) -> str:
    """A refusal's kind, for the report: the message without the attribute and the
    specifics (counts, characters, positions)."""
    text = "<attribute>" + message[len(name) :] if name and message.startswith(name) else message
    text = re.sub(r"\(.*", "", text)
    text = re.sub(r"[0-9]+", "N", text)
    return text.strip()[:60]


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_GROUP_OF = {c: group for group, chars in GROUPS.items() for c in chars}


def classes_of(text: str) -> set[str]:
    """The hostile classes present in `text` (for the report: what was exercised)."""
    found = {_GROUP_OF[c] for c in set(text) if c in _GROUP_OF}
    if _ASTRAL.search(text):
        found.add("astral")
    return found


class Fuzzer:
    """One signed-in session, its pool schema, the strict backend and the spec."""

    def __init__(self, session: Any, backend: Any, spec: Spec) -> None:
        self.session = session
        self.backend = backend
        self.spec = spec
        self.schema: PoolSchema = session.pool_schema
        assert self.schema is not None and self.schema.attributes, "load the pool schema first"
        self.limits = Limits.from_spec(spec)
        self.stats = FuzzStats()

    def batches(self, size: int) -> st.SearchStrategy[list[Case]]:
        return batch_strategy(self.schema, self.limits, self.spec, size)

    def run(self, examples: int, size: int = 12, seed: int | None = None) -> FuzzStats:
        """`examples` batches of `size` cases through hypothesis (no example database);
        `seed` fixes the draw (the tests: one per shard, so shards differ), None draws anew
        (the bench)."""

        @settings(
            max_examples=examples,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(self.batches(size))
        def property_holds(batch: list[Case]) -> None:
            self.check_batch(batch)

        if seed is not None:
            property_holds = hypothesis.seed(seed)(property_holds)
        property_holds()
        return self.stats

    def check_batch(self, batch: list[Case]) -> None:
        try:
            self._check_batch(batch)
        finally:
            self.session.discard()  # a failed example (or hypothesis shrinking) starts clean

    def _check_batch(self, batch: list[Case]) -> None:
        session, draft, schema = self.session, self.session.draft, self.schema
        self.stats.batches += 1
        for kind, name, value in batch:
            self.stats.cases += 1
            self.stats.seen.add(hash((kind, name, value)))
            self.stats.groups.update(classes_of(name + (value or "")))
            if kind == "set":
                assert value is not None
                draft.set(name, value)
            else:
                draft.delete(name)
        problems = draft.problems(schema)
        for name, messages in problems.items():
            wrong = explanation_problems(name, messages)
            assert not wrong, f"refusing {name!r} is not explained: {wrong}"
            self.stats.reasons[reason(name, messages[0])] += 1
            draft.undo(name)
        self.stats.rejected += len(problems)
        sets, deletes = dict(draft.sets), sorted(draft.deletes)
        self.stats.unchanged += len(batch) - len(problems) - len(sets) - len(deletes)
        if not draft.pending:
            return
        self._check_spec(sets, deletes)
        session.persist()
        record = session.journal.read() if session.journal else None
        assert record is not None and record["draft"] == draft.to_journal(), (
            "the journal does not hold the pending edits exactly"
        )
        before = len(self.backend.spec_violations)
        result = session.save()
        self.stats.saves += 1
        assert result.ok, (
            f"the editor accepted what the backend refused: sets={_show(sets)} "
            f"deletes={deletes}: {result.error.code}: {result.error.aws_message}"
        )
        assert self.backend.spec_violations[before:] == [], self.backend.spec_violations[before:]
        assert not draft.pending and session.journal.read() is None
        self.stats.accepted += len(sets) + len(deletes)
        user = session.load()
        for name, value in sets.items():
            if name in schema.verify_before_update:
                continue  # kept pending at the server until the code is verified
            got = user.attributes.get(name)
            # an empty value deletes the attribute, as on AWS (evidence corpus:
            # update-user-attributes-blank-value-deletes-documented,
            # admin-update-user-attributes-blank-deletes-optional)
            expected = None if value == "" else value
            assert got == expected, f"{name}: sent {value!r:.80}, read back {got!r:.80}"
        for name in deletes:
            assert name not in user.attributes, f"{name} was deleted but reads back"

    def _check_spec(self, sets: dict[str, str], deletes: list[str]) -> None:
        token = self.session.tokens.access_token
        if sets:
            body = {
                "AccessToken": token,
                "UserAttributes": [{"Name": n, "Value": v} for n, v in sets.items()],
            }
            found = self.spec.validate("UpdateUserAttributes", "input", body)
            assert found == [], f"accepted but the spec refuses: {[str(v) for v in found]}"
        if deletes:
            body = {"AccessToken": token, "UserAttributeNames": deletes}
            found = self.spec.validate("DeleteUserAttributes", "input", body)
            assert found == [], f"accepted but the spec refuses: {[str(v) for v in found]}"


def _show(values: dict[str, str]) -> str:
    short = {n: v if len(v) <= 40 else f"{v[:20]!r}…({len(v)} chars)" for n, v in values.items()}
    return repr(short)


def signed_in_session(backend: Any, journal_folder: Any, make_user: Callable[..., Any]) -> Any:
    """An EditorSession signed in as a fresh user, with the pool schema from
    DescribeUserPool (the IAM side of the local credentials)."""
    from tests.tui.support import LOCAL, settings_for
    from tui.core.session import EditorSession

    username, password = make_user(backend)
    session = EditorSession(settings_for(backend), credentials=LOCAL, journal_folder=journal_folder)
    session.sign_in(username, password)
    assert session.load_pool_schema() is not None
    session.load()
    return session
