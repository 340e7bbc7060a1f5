"""Two-process reading of a large bgzipped VCF: this process parses the first part of the
text, a forked worker the rest, merged in file order.

The split point is a BGZF block boundary found by scanning block headers (BSIZE in the
gzip extra field, ISIZE in the trailer), so neither side inflates the other's share: this
process stops after the line holding the last byte before the boundary, the worker starts
one block earlier (`bgzip -dc` on the file from that offset), skips to that same line end
and parses every line after it. Each line is parsed by exactly one side with the same loop,
so counts add up and the variants concatenate to what one process returns. The worker
hands its variants to its copy of the consumer and sends back what that consumer keeps
(consumers.py): for the default VariantList, every variant as columns of plain values.
With the columnar engine (columnar.py) each side runs it on its share, polars with one
thread in each process; polars is imported after the fork (a forked copy of its thread
pool would hang), so a worker forked from a process that already holds polars reads its
share with the fast loop instead (same results, more CPU).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import struct
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from nenprofile.ingest.variants._fast.textvcf import TextPathUnsupported, TextVCF, line_blocks
from nenprofile.ingest.variants.consumers import VariantConsumer

SPLIT_MIN_BYTES = 50 << 20  # below this, forking and merging cost more than they save
MAIN_SHARE = 0.47  # of the compressed bytes: this process also merges (measured 2026-12-02)
_SCAN_BYTES = 1 << 22
_BGZF_HEADER = b"\x1f\x8b\x08\x04"


class SplitFailed(Exception):
    """The worker stopped on something other than TextPathUnsupported: read the file again
    in one process, which raises (or returns) exactly what the single pass does."""


@dataclass(frozen=True)
class SplitPoint:
    worker_offset: int  # compressed offset of the block before the boundary
    worker_skip: int  # uncompressed size of that block: where the boundary is in its text
    main_stop: int  # uncompressed offset of the boundary in the whole text


def bgzf_split_point(path: str, main_share: float | None = None) -> SplitPoint | None:
    """A block boundary near main_share (default MAIN_SHARE) of the compressed size; None
    when the file is not BGZF (plain gzip, other extra fields) or has no usable boundary."""
    size = os.path.getsize(path)
    target = int(size * (MAIN_SHARE if main_share is None else main_share))
    offset = text = 0
    previous: tuple[int, int] | None = None  # (offset, isize) of the block before
    with open(path, "rb") as handle:
        buffer, base = b"", 0
        while offset < size:
            if offset + 18 > base + len(buffer):
                handle.seek(offset)
                buffer, base = handle.read(_SCAN_BYTES), offset
            at = offset - base
            header = buffer[at : at + 18]
            if len(header) < 18 or header[:4] != _BGZF_HEADER:
                return None
            xlen, si1, si2, slen, bsize = struct.unpack_from("<HBBHH", header, 10)
            if (xlen, si1, si2, slen) != (6, 66, 67, 2):
                return None
            end = offset + bsize + 1
            if end > base + len(buffer):
                handle.seek(end - 4)
                isize = struct.unpack("<I", handle.read(4))[0]
                buffer = b""
            else:
                isize = struct.unpack_from("<I", buffer, end - 4 - base)[0]
            if offset >= target and previous is not None and previous[1] > 0 and isize > 0:
                return SplitPoint(previous[0], previous[1], text)
            previous = (offset, isize)
            offset, text = end, text + isize
    return None


def _worker_stream(path: str, offset: int) -> tuple[subprocess.Popen[bytes], Any]:
    with open(path, "rb") as handle:
        handle.seek(offset)
        proc = subprocess.Popen(
            [shutil.which("bgzip") or "bgzip", "-dc"],
            stdin=handle,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=1 << 20,
        )
    return proc, proc.stdout


Loop = Callable[..., None]


def _work(
    conn: Connection,
    path: str,
    split: SplitPoint,
    loop: Loop,
    one_record: Callable[[Any], None],
    counts: Counter[str],
    consumer: VariantConsumer,
    add: Callable[[Any], None],
    tally: list[int],
    chroms: dict[str, str],
    columns: Any,
) -> None:
    """The worker (forked: counts, consumer, add and one_record are its own copies).
    columns: a columnar.ColumnarReader with its `here`, or None."""
    try:
        consumer.start_worker()
        proc, stream = _worker_stream(path, split.worker_offset)
        try:
            if columns is not None:
                reader, here = columns
                share = (stream, split.worker_skip)
                reader.run(loop, one_record, counts, add, tally, chroms, here, 1, share=share)
            else:
                blocks = line_blocks(stream, start=split.worker_skip)
                loop(blocks, one_record, counts, add, tally, chroms)
            if proc.wait() != 0:
                raise TextPathUnsupported("bgzip -dc failed")
        finally:
            stream.close()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        result = ("done", dict(counts), list(tally), consumer.worker_result())
        conn.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except TextPathUnsupported:
        conn.send_bytes(pickle.dumps(("unsupported",)))
    except BaseException:  # any other failure: the caller reads the file again in one pass
        conn.send_bytes(pickle.dumps(("failed",)))
    finally:
        conn.close()


def read_split(
    reader: TextVCF,
    split: SplitPoint,
    loop: Loop,
    one_record: Callable[[Any], None],
    counts: Counter[str],
    consumer: VariantConsumer,
    add: Callable[[Any], None],
    tally: list[int],
    chroms: dict[str, str],
    columns: tuple[Any, list[Any]] | None = None,
) -> None:
    """Both shares of the file into counts / consumer / tally, as one pass would leave them.
    add: what the loop hands its variants to (consumers.direct_add: the consumer or the
    consumer inside it). columns: (columnar.ColumnarReader, the loop's `here`) to read both
    shares column-wise."""
    in_worker = columns if "polars" not in sys.modules else None
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    shared = (one_record, counts, consumer, add, tally, chroms, in_worker)
    worker = context.Process(
        target=_work,
        args=(send, reader.path, split, loop, *shared),
        daemon=True,
    )
    worker.start()
    send.close()
    merged = False
    try:
        if columns is not None:
            columns[0].run(loop, one_record, counts, add, tally, chroms, columns[1], 1,
                           stop=split.main_stop)  # fmt: skip
        else:
            loop(reader.blocks(stop=split.main_stop), one_record, counts, add, tally, chroms)
        try:
            message = pickle.loads(receive.recv_bytes())
        except EOFError:
            raise SplitFailed("worker ended without a result") from None
        kind = message[0]
        if kind == "unsupported":
            raise TextPathUnsupported("worker: a record the text path does not reproduce")
        if kind != "done":
            raise SplitFailed("worker failed")
        counts.update(message[1])
        tally[0] += message[2][0]
        tally[1] += message[2][1]
        consumer.merge(message[3])
        merged = True
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
        if not merged:
            consumer.abandon_worker()


def worth_splitting(reader: TextVCF) -> SplitPoint | None:
    """The split point for a large bgzipped file when bgzip is on PATH; None otherwise."""
    if os.path.getsize(reader.path) < SPLIT_MIN_BYTES or shutil.which("bgzip") is None:
        return None
    return bgzf_split_point(reader.path)
