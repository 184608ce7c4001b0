"""Length-prefixed frames on a byte stream: 8-byte big-endian length, then a `wire` frame."""
from __future__ import annotations

import struct

from .. import wire

MAX_MESSAGE = wire.MAX_FRAME_BYTES


def pack(tree) -> bytes:
    frame = wire.encode(tree)
    return struct.pack(">Q", len(frame)) + frame


def read_exact(read, size: int) -> bytes:
    """Read `size` bytes with `read(n)`; EOFError if the stream ends first."""
    chunks, remaining = [], size
    while remaining:
        chunk = read(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("stream closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class ReplyTooLarge(wire.WireError):
    """A frame announced more bytes than the reader allows: refused before any of it is read."""


def read_frame(read, limit: int = MAX_MESSAGE) -> bytes:
    """One whole frame, undecoded: the stream stays in step even when the frame's content is refused."""
    (size,) = struct.unpack(">Q", read_exact(read, 8))
    if size > min(limit, MAX_MESSAGE):
        raise ReplyTooLarge(f"the reply would be {size / (1 << 20):.1f} MiB, more than the "
                            f"{min(limit, MAX_MESSAGE) / (1 << 20):.0f} MiB this probe allows")
    return read_exact(read, size)


def read_message(read):
    return wire.decode(read_frame(read))
