"""Small Arrow arrays built from their buffers, because ``pyarrow.array`` imports pandas.

``pa.array(obj)`` asks pandas whether ``obj`` is a pandas object, importing it (0.3 s)
the first time. Validation of CSV and Parquet needs no pandas, so the few arrays it
builds itself (value sets, masks) are assembled from numpy buffers instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["bool_array", "filled_bools", "string_array", "to_numpy"]


def string_array(values: Sequence[str]) -> Any:
    """A ``large_string`` array of ``values`` (no nulls)."""
    import pyarrow as pa

    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    data = b"".join(encoded)
    return pa.Array.from_buffers(
        pa.large_string(), len(encoded), [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)]
    )


def bool_array(mask: np.ndarray) -> Any:
    """A boolean array (no nulls) of a numpy mask."""
    import pyarrow as pa

    bits = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(bits.tobytes())])


def to_numpy(values: Any) -> np.ndarray:
    """An Arrow array or chunked array as numpy, as ``to_numpy(zero_copy_only=False)`` gives
    it (ints with nulls as float64 NaN, timestamps as datetime64, nulls as NaN or NaT).

    pyarrow's own ``to_numpy`` imports pandas (to ask its version), so fixed-width types
    are read straight from their buffers; anything else is left to pyarrow.
    """
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 1:
            return to_numpy(values.chunk(0))
        if values.num_chunks == 0:
            return to_numpy(values.combine_chunks())
        return np.concatenate([to_numpy(c) for c in values.chunks])
    kind = values.type
    n, offset = len(values), values.offset
    buffers = values.buffers()
    if pa.types.is_boolean(kind):
        if values.null_count:
            return np.asarray(values.to_numpy(zero_copy_only=False))  # objects with None
        bits = np.frombuffer(buffers[1], dtype=np.uint8)
        return np.unpackbits(bits, bitorder="little", count=offset + n)[offset:].astype(bool)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_timestamp(kind):
        if pa.types.is_timestamp(kind):
            dtype = np.dtype(f"datetime64[{kind.unit}]")
        elif pa.types.is_float16(kind):
            return np.asarray(values.to_numpy(zero_copy_only=False))
        else:
            code = "f" if pa.types.is_floating(kind) else "i" if pa.types.is_signed_integer(kind) else "u"
            dtype = np.dtype(f"{code}{kind.bit_width // 8}")
        data = np.frombuffer(buffers[1], dtype=dtype, count=n, offset=offset * dtype.itemsize)
        if not values.null_count:
            return data
        valid = np.unpackbits(np.frombuffer(buffers[0], dtype=np.uint8), bitorder="little", count=offset + n)
        invalid = ~valid[offset:].astype(bool)
        if dtype.kind in "iu":
            out = data.astype(np.float64)
            out[invalid] = np.nan
        else:
            out = data.copy()
            out[invalid] = np.datetime64("NaT") if dtype.kind == "M" else np.nan
        return out
    return np.asarray(values.to_numpy(zero_copy_only=False))


def filled_bools(mask: Any) -> np.ndarray:
    """A boolean Arrow array (or chunked array) as numpy, nulls as False."""
    import pyarrow as pa

    if isinstance(mask, pa.ChunkedArray):
        if mask.num_chunks == 1:
            return filled_bools(mask.chunk(0))
        return np.concatenate([filled_bools(c) for c in mask.chunks] or [np.zeros(0, dtype=bool)])
    n, offset = len(mask), mask.offset
    if n == 0:
        return np.zeros(0, dtype=bool)
    validity, data = mask.buffers()[:2]
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little", count=offset + n)[offset:]
    out = bits.astype(bool)
    if mask.null_count:
        valid = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little", count=offset + n)
        out &= valid[offset:].astype(bool)
    return out
