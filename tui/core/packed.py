"""Compact columns of text: no Python object per value (used by the users list, which
may hold a whole pool, and by the search's cache of fetched users)."""

from __future__ import annotations

from array import array


class PackedStrings:
    """A column of strings without a Python object per value.

    `coded=True` stores each distinct value once and an unsigned 16-bit code per row (for
    columns of few distinct values: status, enabled); otherwise the UTF-8 bytes of every
    value go into one bytearray with each value's end offset in an array of 64-bit ints.
    """

    __slots__ = ("_codes", "_data", "_ends", "_index", "_values", "coded")

    def __init__(self, coded: bool = False) -> None:
        self.coded = coded
        self._data = bytearray()
        self._ends = array("q")
        self._codes = array("H")
        self._values: list[str] = []
        self._index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._codes) if self.coded else len(self._ends)

    def append(self, value: str) -> None:
        if self.coded:
            code = self._index.get(value)
            if code is None:
                if len(self._values) >= 0xFFFF:  # too many distinct values: store as text
                    self._uncode()
                    self.append(value)
                    return
                code = self._index[value] = len(self._values)
                self._values.append(value)
            self._codes.append(code)
            return
        self._data += value.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def _uncode(self) -> None:
        values = [self._values[c] for c in self._codes]
        self.coded = False
        self._codes, self._values, self._index = array("H"), [], {}
        for value in values:
            self.append(value)

    def __getitem__(self, row: int) -> str:
        if self.coded:
            return self._values[self._codes[row]]
        start = self._ends[row - 1] if row else 0
        return self._data[start : self._ends[row]].decode("utf-8", "surrogatepass")

    def distinct(self) -> list[str]:
        """The distinct values of a coded column, in order of first appearance ([] when
        not coded)."""
        return list(self._values)

    def clear(self) -> None:
        self._data = bytearray()
        self._ends = array("q")
        self._codes = array("H")
        self._values.clear()
        self._index.clear()

    def nbytes(self) -> int:
        """Bytes held by the packed buffers (not counting the distinct values)."""
        return len(self._data) + self._ends.itemsize * len(self._ends) + 2 * len(self._codes)
