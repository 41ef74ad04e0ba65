"""Local files with each partition's bytes: the partition itself, or a copy of a remote one.

A remote partition is copied to a temporary file and read with the ordinary readers
(``mlci.io.remote``). Reading a dataset, the next remote partition is copied on a worker
thread while the caller reads this one, so the network and the parsing overlap; at most
two copies exist at a time, and each is deleted as soon as it has been read (or the
reading stops).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

from mlci.io.locations import is_url

__all__ = ["copies_in_turn", "local_copy"]


class Located(Protocol):
    """What a copy needs of a partition (``mlci.io.partitions.Partition`` has it)."""

    @property
    def location(self) -> str: ...
    @property
    def relative(self) -> str: ...


P = TypeVar("P", bound=Located)


def _stage(part: Located) -> Path:
    from mlci.io.remote import RemoteFile, filesystem, stage

    fs = filesystem(part.location)
    name = Path(part.relative or part.location.rsplit("/", 1)[-1]).name
    suffix = "".join(Path(name).suffixes[-2:])  # .csv.gz keeps both: the readers go by them
    return stage(RemoteFile(fs, fs._strip_protocol(part.location)), suffix)


@contextmanager
def local_copy(part: Located) -> Iterator[Path]:
    """The partition as a local file for the time of the ``with`` block."""
    if not is_url(part.location):
        yield Path(part.location)
        return
    copy = _stage(part)
    try:
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def copies_in_turn(parts: Sequence[P]) -> Iterator[tuple[P, Path]]:
    """Each partition with a local file of it, in order; the next remote one is fetched ahead."""
    if not any(is_url(p.location) for p in parts):
        yield from ((p, Path(p.location)) for p in parts)
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlci-fetch")

    def start(index: int) -> Future[Path] | None:
        if index >= len(parts) or not is_url(parts[index].location):
            return None  # nothing to fetch: a local partition is read in place
        return pool.submit(_stage, parts[index])

    ahead = start(0)
    try:
        for index, part in enumerate(parts):
            # a failed copy raises here, in partition order
            path = ahead.result() if ahead is not None else Path(part.location)
            ahead = start(index + 1)
            try:
                yield part, path
            finally:
                if is_url(part.location):
                    path.unlink(missing_ok=True)
    finally:
        if ahead is not None:  # the reading stopped early: drop what was fetched for it
            _discard(ahead)
        pool.shutdown(wait=True)


def _discard(ahead: Future[Path]) -> None:
    """Delete a copy fetched ahead that will not be read (its error does not matter now)."""
    if ahead.cancel():
        return
    try:
        path = ahead.result()
    except BaseException:
        return
    path.unlink(missing_ok=True)
