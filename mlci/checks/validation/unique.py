"""``unique`` across a whole file read in chunks, in memory that does not grow with the file.

Each present value becomes a 64-bit hash kept with its row number (16 bytes a row). Past
``SPILL_ROWS`` pairs (16 MiB) they go to a temporary file, grouped by the hash's top bits, so
the final duplicate search holds one group at a time: peak memory stays flat however long
the file; the disk holds 16 bytes a row until the check ends. A file of up to 1M rows never
touches the disk.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from mlci.checks.validation.arrow_text import arrow_strings, python_values
from mlci.checks.validation.results import MAX_EXAMPLES, ViolationResult, json_safe

if TYPE_CHECKING:
    import pandas as pd

    from mlci.checks.validation.typed import Typed

__all__ = ["UniqueTracker", "FetchRows", "SPILL_ROWS", "typed_hashes", "value_hashes"]

# (column, 0-based row numbers) -> the original values at those rows
FetchRows = Callable[[str, list[int]], list[object]]

SPILL_ROWS = 1 << 20  # pairs held in memory before spilling (16 MiB)
_GROUP_BITS = 6
_SALT = np.uint64(0x9E3779B97F4A7C15)  # keeps keys of different kinds apart


class UniqueTracker:
    """Feed chunks, merge partials fed on other rows, then ``finish`` finds every duplicate.

    A duplicate is a row whose value appeared on an earlier row (pandas ``duplicated()``
    over the whole file, by global row number, whatever order chunks and partials came in).
    Missing values are never duplicates of each other.

    A partial costs 16 bytes per present value (a 64-bit hash and a 64-bit row number).
    Pickled, it carries them all (read back from its spill file, which cannot travel), so
    a worker's partial can be merged on the client.
    """

    def __init__(self, column: str, expected: str) -> None:
        self.column = column
        self.expected = expected
        self._hashes: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []
        self._held = 0
        self._spill: _Spill | None = None

    def feed(self, values: pd.Series, present: pd.Series | np.ndarray) -> None:
        """Values of a pandas Series where ``present``; rows are its index."""
        present = np.asarray(present, dtype=bool)
        if not present.any():
            return
        kept = values if present.all() else values[present]
        self.add(value_hashes(kept), kept.index.to_numpy(dtype=np.int64))

    def feed_typed(self, typed: Typed, rows: np.ndarray) -> None:
        """The valid values of a typed chunk; ``rows`` are their global row numbers."""
        present = typed.valid
        if present.any():
            self.add(typed_hashes(typed, present), rows[present])

    def add(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        """(hash, global row) pairs of present values."""
        self._hashes.append(hashes)
        self._rows.append(rows.astype(np.int64, copy=False))
        self._held += len(rows)
        if self._held > SPILL_ROWS:
            self._flush()

    def merge(self, other: UniqueTracker) -> None:
        """Take in the values of a partial fed on other rows (``other`` is left empty)."""
        hashes, rows = other._export()
        if len(hashes):
            self._hashes.append(hashes)
            self._rows.append(rows)
            self._held += len(rows)
            if self._held > SPILL_ROWS:
                self._flush()

    def _export(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (hash, row) pair held, in memory; the spill file is read back and closed."""
        if self._spill is not None:
            self._flush()
            hashes, rows = self._spill.read_all()
            self._spill = None
        elif self._hashes:
            hashes, rows = np.concatenate(self._hashes), np.concatenate(self._rows)
        else:
            hashes, rows = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
        self._hashes.clear()
        self._rows.clear()
        self._held = 0
        return hashes, rows

    def __getstate__(self) -> dict[str, Any]:
        hashes, rows = self._export()
        if len(hashes):  # the tracker stays usable after it was pickled
            self._hashes, self._rows, self._held = [hashes], [rows], len(rows)
        return {"column": self.column, "expected": self.expected, "hashes": hashes, "rows": rows}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.column, self.expected, self._spill = state["column"], state["expected"], None
        held = len(state["rows"])
        self._hashes = [state["hashes"]] if held else []
        self._rows = [state["rows"]] if held else []
        self._held = held

    def _flush(self) -> None:
        if not self._hashes:
            return
        if self._spill is None:
            self._spill = _Spill()
        for hashes, rows in zip(self._hashes, self._rows, strict=True):
            self._spill.write(hashes, rows)  # piece by piece: no copy of everything held
        self._hashes.clear()
        self._rows.clear()
        self._held = 0

    def finish(self, fetch: FetchRows) -> ViolationResult | None:
        if self._spill is not None:
            self._flush()
            count, first = self._spill.duplicates()
            self._spill = None
        elif self._hashes:
            count, first = _duplicates(np.concatenate(self._hashes), np.concatenate(self._rows))
            self._hashes.clear()
            self._rows.clear()
        else:
            return None
        if count == 0:
            return None
        examples = [json_safe(v) for v in fetch(self.column, first)]
        return ViolationResult(self.column, "unique", count, examples, [r + 1 for r in first], self.expected)


def _repeats(hashes: np.ndarray) -> bool:
    ordered = np.sort(hashes)  # a sort is ~5x faster than a hash table: most columns pass
    return bool((ordered[1:] == ordered[:-1]).any())


def _duplicates(hashes: np.ndarray, rows: np.ndarray) -> tuple[int, list[int]]:
    """(how many, the first few row numbers) of repeats: a repeat is the later row."""
    if not _repeats(hashes):
        return 0, []
    if len(rows) > 1 and not bool((rows[1:] > rows[:-1]).all()):  # partials merged out of order
        order = np.argsort(rows, kind="stable")
        hashes, rows = hashes[order], rows[order]
    # pandas' duplicated(keep="first"): a stable sort keeps equal hashes in row order.
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    duplicated = np.empty(len(hashes), dtype=bool)
    duplicated[order] = np.concatenate([[False], ordered[1:] == ordered[:-1]])
    return int(duplicated.sum()), rows[duplicated][:MAX_EXAMPLES].tolist()


class _Spill:
    """Hashes and row numbers in one temporary file, each batch grouped by the hash's top bits.

    Equal values share a group, so the duplicate search reads one group (from every
    batch) at a time, and reads row numbers only for a group that has a repeat.
    """

    def __init__(self) -> None:
        # Open for the tracker's whole life; closed (and so deleted) by duplicates().
        self._file = tempfile.TemporaryFile(prefix="mlci-unique-")  # noqa: SIM115
        self._batches: list[tuple[int, int, np.ndarray]] = []  # (offset, pairs, group bounds)
        self._offset = 0

    def write(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        groups = (hashes >> np.uint64(64 - _GROUP_BITS)).astype(np.uint8)
        order = np.argsort(groups, kind="stable")  # a radix sort; rows keep ascending
        bounds = np.searchsorted(groups[order], np.arange((1 << _GROUP_BITS) + 1))
        hashes[order].tofile(self._file)
        rows[order].astype(np.int64, copy=False).tofile(self._file)
        self._batches.append((self._offset, len(order), bounds))
        self._offset += 16 * len(order)

    def _read(self, at: int, dtype: type, count: int) -> np.ndarray:
        self._file.seek(at)
        return np.fromfile(self._file, dtype=dtype, count=count)

    def read_all(self) -> tuple[np.ndarray, np.ndarray]:
        """Every pair written, back in memory (16 bytes a pair); the file is closed."""
        try:
            self._file.flush()
            hashes = [self._read(o, np.uint64, n) for o, n, _ in self._batches]
            rows = [self._read(o + 8 * n, np.int64, n) for o, n, _ in self._batches]
        finally:
            self._file.close()
        return np.concatenate(hashes), np.concatenate(rows)

    def duplicates(self) -> tuple[int, list[int]]:
        count, first = 0, list[int]()
        try:
            self._file.flush()
            for group in range(1 << _GROUP_BITS):
                spans = [
                    (offset, size, int(bounds[group]), int(bounds[group + 1]))
                    for offset, size, bounds in self._batches
                    if bounds[group + 1] > bounds[group]
                ]
                hashes = [self._read(o + 8 * lo, np.uint64, hi - lo) for o, _, lo, hi in spans]
                if not hashes or not _repeats(np.concatenate(hashes)):
                    continue
                rows = [self._read(o + 8 * (n + lo), np.int64, hi - lo) for o, n, lo, hi in spans]
                found, repeat_rows = _duplicates(np.concatenate(hashes), np.concatenate(rows))
                count += found
                first = sorted(first + repeat_rows)[:MAX_EXAMPLES]
        finally:
            self._file.close()
        return count, first


def typed_hashes(typed: Typed, present: np.ndarray) -> np.ndarray:
    """64-bit hashes of a typed chunk's values where ``present`` (see ``value_hashes``)."""
    values = typed.values
    if typed.kind == "text":
        array = arrow_strings(values)
        if array is None:
            return _text_hashes(python_values(values, present))
        parts = [_utf8_hashes(chunk) for chunk in array.chunks if len(chunk)]
        hashes = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)
        return hashes if present.all() else hashes[present]
    kept = values if present.all() else values[present]
    if typed.kind == "datetime":
        return _instant_hashes(kept)
    if kept.dtype.kind == "f":
        return _number_hashes(kept)
    if kept.dtype.kind == "u":  # beyond int64 the key would wrap onto a negative number
        high = kept >= np.uint64(1 << 63)
        return _mix(kept.view(np.int64)) ^ np.where(high, _SALT, np.uint64(0))
    return _mix(kept.astype(np.int64, copy=False))


def value_hashes(values: pd.Series) -> np.ndarray:
    """64-bit hashes of present values, equal for equal values whatever the chunk's dtype.

    A chunk may hold an int column as int64 or as float64 (gaps, or a bad value), dates
    at second, micro- or nanosecond resolution, booleans as bool or as Python objects:
    each kind is brought to one key first, so a repeat is found across chunks.
    """
    import pandas as pd

    dtype = values.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(dtype, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        return _instant_hashes(values.to_numpy())
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        return _mix(values.to_numpy(dtype=np.int64))
    if pd.api.types.is_float_dtype(dtype):
        return _number_hashes(values.to_numpy(dtype=np.float64))
    if dtype == np.dtype(object) and pd.api.types.infer_dtype(values, skipna=True) == "boolean":
        return _mix(values.to_numpy(dtype=np.int64))
    # Text: "7" and 7 in a JSON id column are the same id.
    text = values if isinstance(dtype, pd.StringDtype) else values.astype(str)
    array = arrow_strings(text)
    if array is None:
        return _text_hashes(text.tolist())
    if len(array) == 0:
        return np.empty(0, dtype=np.uint64)
    return _utf8_hashes(array.combine_chunks())


def _text_hashes(values: list[Any]) -> np.ndarray:
    """Text Arrow cannot hold (lone surrogates): the same hashes, over its UTF-8 bytes."""
    import pyarrow as pa

    raw = [str(v).encode("utf-8", "surrogatepass") for v in values]
    return _utf8_hashes(pa.array(raw, type=pa.large_binary())) if raw else np.empty(0, dtype=np.uint64)


def _mix(keys: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64) over integer keys: equal keys, equal hashes."""
    h = keys.astype(np.int64, copy=False).view(np.uint64).copy()
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


_M1, _M2 = np.uint64(0x87C37B91114253D5), np.uint64(0x4CF5AD432745937F)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint64(r)) | (x >> np.uint64(64 - r))


def _fmix(h: np.ndarray) -> np.ndarray:
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def _utf8_hashes(chunk: Any) -> np.ndarray:
    """MurmurHash3-style 64-bit hashes of an Arrow string (or binary) array, 8 bytes a step.

    Rows are taken in order of length, so each step touches only the strings that are
    still that long: the work is the total byte count, not rows x longest string.
    """
    import pyarrow as pa

    wide = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
    width = np.dtype(np.int64 if wide else np.int32)
    _, offsets_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(
        offsets_buffer, dtype=width, count=len(chunk) + 1, offset=chunk.offset * width.itemsize
    )
    offsets = offsets.astype(np.int64)
    raw = np.frombuffer(data_buffer or b"", dtype=np.uint8)
    data = np.zeros(len(raw) + 8, dtype=np.uint8)  # padded: an 8-byte read never runs off
    data[: len(raw)] = raw
    windows = np.lib.stride_tricks.sliding_window_view(data, 8)
    starts = offsets[:-1]
    lengths = offsets[1:] - starts
    order = None if lengths.min() == lengths.max() else np.argsort(lengths, kind="stable")
    if order is not None:
        starts, lengths = starts[order], lengths[order]
    h = lengths.astype(np.uint64) * _M2
    longest = int(lengths[-1]) if len(lengths) else 0
    first = 0
    for step in range(0, longest, 8):
        first += int(np.searchsorted(lengths[first:], step, side="right"))  # rows still this long
        word = np.ascontiguousarray(windows[starts[first:] + step]).view("<u8").ravel()
        short = lengths[first:] - step < 8
        if short.any():  # keep only the bytes that belong to the string
            keep = (lengths[first:][short] - step) * 8
            word[short] &= (np.uint64(1) << keep.astype(np.uint64)) - np.uint64(1)
        k = _rotl(word * _M1, 31) * _M2
        h[first:] = _rotl(h[first:] ^ k, 27) * np.uint64(5) + np.uint64(0x52DCE729)
    if order is None:
        return _fmix(h)
    out = np.empty(len(h), dtype=np.uint64)
    out[order] = _fmix(h)
    return out


def _number_hashes(numbers: np.ndarray) -> np.ndarray:
    numbers = numbers.astype(np.float64, copy=False)
    whole = np.isfinite(numbers) & (numbers == np.trunc(numbers)) & (np.abs(numbers) < 2.0**63)
    keys = np.where(whole, numbers, 0).astype(np.int64)  # 130.0 hashes as 130
    keys[~whole] = numbers[~whole].view(np.int64)
    return _mix(keys) ^ np.where(whole, np.uint64(0), _SALT)


def _instant_hashes(stamps: np.ndarray) -> np.ndarray:
    """Hashes of naive (or UTC) ``datetime64`` instants, whatever their unit."""
    # Nanoseconds where they fit (1677-2262), microseconds beyond.
    fits = (stamps >= np.datetime64("1677-09-22")) & (stamps <= np.datetime64("2262-04-10"))
    keys = np.where(fits, stamps.astype("datetime64[ns]"), np.datetime64(0, "ns")).view(np.int64)
    keys[~fits] = stamps[~fits].astype("datetime64[us]").view(np.int64)
    return _mix(keys) ^ np.where(fits, np.uint64(0), _SALT)
