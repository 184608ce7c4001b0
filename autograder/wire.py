"""How values cross between the student's process and the judge: JSON plus `.npy` blobs, never pickle.

A frame is a 4-byte big-endian header length, a UTF-8 JSON header, then for each blob an 8-byte
length and the raw `.npy` bytes. Arrays in the JSON tree are `{"__array__": i, "dtype": "float32"}`
markers pointing at blob i. The decoder is the trust boundary: it loads with `allow_pickle=False`,
refuses object/structured dtypes and enforces size limits, and hands the judge float64 arrays.
"""
from __future__ import annotations

import io
import json
import struct

import numpy as np

MAX_HEADER_BYTES = 1 << 20          # 1 MiB of JSON
MAX_BLOB_BYTES = 256 << 20          # one array
MAX_FRAME_BYTES = 512 << 20         # everything in one reply
MAX_BLOBS = 10_000
MAX_DEPTH = 32


class WireError(ValueError):
    """A frame that is malformed, oversized or carries something other than plain numbers."""


class Opaque:
    """A value that is not a number or array (a string, a model object...): only its type name crosses."""

    def __init__(self, type_name: str, text: str = ""):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<{self.type_name}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Opaque) and (self.type_name, self.text) == (other.type_name, other.text)


class ArrayValue(np.ndarray):
    """A decoded float64 array that remembers the dtype the sender claimed (e.g. to tell a count from a mean)."""

    sent_dtype: str = "float64"


# ---- encoding (runs in the student's process; plain numpy, MXNet converted by the caller) ----

def encode(tree) -> bytes:
    """Serialise a tree of dict/list/None/bool/int/float/str/numpy arrays/Opaque into one frame."""
    blobs: list[bytes] = []

    def walk(value, depth=0):
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"__scalar__": float(value), "dtype": type(value).__name__}
        if isinstance(value, np.generic):
            value = np.asarray(value)
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in "biuf":
                return {"__opaque__": f"ndarray[{value.dtype}]", "text": ""}
            buf = io.BytesIO()
            np.save(buf, np.ascontiguousarray(value), allow_pickle=False)
            blobs.append(buf.getvalue())
            return {"__array__": len(blobs) - 1, "dtype": str(value.dtype)}
        if isinstance(value, Opaque):
            return {"__opaque__": value.type_name, "text": value.text}
        if isinstance(value, dict):
            return {"__dict__": {str(k): walk(v, depth + 1) for k, v in value.items()}}
        if isinstance(value, (list, tuple)):
            return [walk(v, depth + 1) for v in value]
        return {"__opaque__": type(value).__name__, "text": ""}

    header = json.dumps(walk(tree)).encode()
    parts = [struct.pack(">I", len(header)), header, struct.pack(">I", len(blobs))]
    for blob in blobs:
        parts += [struct.pack(">Q", len(blob)), blob]
    return b"".join(parts)


# ---- decoding (runs in the judge: the trust boundary) ----

def _load_array(blob: bytes, claimed: str) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as exc:            # ValueError for pickled payloads, anything for garbage
        raise WireError(f"array payload is not a plain .npy array ({type(exc).__name__}: {exc})") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf" or array.dtype.fields:
        raise WireError(f"array payload has dtype {getattr(array, 'dtype', '?')}: only numbers are accepted")
    out = array.astype(np.float64).view(ArrayValue)
    out.flags.writeable = False      # replies are shared by the checks that asked the same question
    out.sent_dtype = claimed if isinstance(claimed, str) and len(claimed) < 32 else str(array.dtype)
    return out


def _parse_header(raw: bytes):
    """The JSON header, refusing nesting deeper than MAX_DEPTH *before* json builds it: a 200k-deep
    `[[[…` would otherwise end in RecursionError inside the parser."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:           # backslash
                escaped = True
            elif byte == 0x22:           # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):       # [ {
            depth += 1
            if depth > 2 * MAX_DEPTH + 2:     # each tree level may be a dict marker plus its content
                raise WireError("reply nested too deeply")
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return json.loads(raw.decode())


def decode(frame: bytes):
    """Inverse of `encode`, refusing anything but numbers, strings, lists, dicts and opaque markers."""
    if len(frame) > MAX_FRAME_BYTES:
        raise WireError(f"reply of {len(frame)} bytes exceeds the {MAX_FRAME_BYTES}-byte limit")
    try:
        (header_len,) = struct.unpack_from(">I", frame, 0)
        if header_len > MAX_HEADER_BYTES:
            raise WireError("reply header too large")
        header = _parse_header(frame[4:4 + header_len])
        offset = 4 + header_len
        (count,) = struct.unpack_from(">I", frame, offset)
        offset += 4
        if count > MAX_BLOBS:
            raise WireError("too many arrays in one reply")
        blobs = []
        for _ in range(count):
            (size,) = struct.unpack_from(">Q", frame, offset)
            offset += 8
            if size > MAX_BLOB_BYTES or offset + size > len(frame):
                raise WireError("array payload larger than the frame or the limit")
            blobs.append(frame[offset:offset + size])
            offset += size
    except (struct.error, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise WireError(f"malformed reply ({type(exc).__name__})") from None

    def walk(node, depth=0):
        if depth > MAX_DEPTH:
            raise WireError("reply nested too deeply")
        if node is None or isinstance(node, (bool, str)):
            return node
        if isinstance(node, list):
            return [walk(v, depth + 1) for v in node]
        if isinstance(node, dict):
            if "__array__" in node:
                index = node["__array__"]
                if not isinstance(index, int) or not 0 <= index < len(blobs):
                    raise WireError("reply points at a missing array")
                return _load_array(blobs[index], node.get("dtype", ""))
            if "__scalar__" in node:
                value = node["__scalar__"]
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    raise WireError("scalar marker without a number")
                out = np.asarray(float(value)).view(ArrayValue)
                out.sent_dtype = str(node.get("dtype", "float"))[:32]
                return out
            if "__opaque__" in node:
                return Opaque(str(node["__opaque__"])[:200], str(node.get("text", ""))[:2000])
            if "__dict__" in node and isinstance(node["__dict__"], dict):
                return {str(k): walk(v, depth + 1) for k, v in node["__dict__"].items()}
        raise WireError(f"unexpected value in reply: {str(node)[:80]}")

    return walk(header)


def roundtrip(tree):
    """Encode then decode: in-kernel checks see exactly what remote ones see."""
    return decode(encode(tree))
