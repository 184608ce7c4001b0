"""The trust boundary: replies decode to plain float64 arrays or not at all."""
from __future__ import annotations

import io
import json
import pickle
import struct

import numpy as np
import pytest

from autograder import wire


def frame_with_blob(blob: bytes, dtype="float32") -> bytes:
    header = json.dumps({"__array__": 0, "dtype": dtype}).encode()
    return struct.pack(">I", len(header)) + header + struct.pack(">I", 1) + struct.pack(">Q", len(blob)) + blob


def test_roundtrip_gives_float64_and_keeps_claimed_dtype():
    tree = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "n": 3, "s": "text", "l": [None, True]}
    out = wire.roundtrip(tree)
    assert out["a"].dtype == np.float64 and out["a"].sent_dtype == "float32"
    assert np.array_equal(out["a"], tree["a"]) and float(out["n"]) == 3 and out["n"].sent_dtype == "int"
    assert out["s"] == "text" and out["l"] == [None, True]


def test_objects_cross_only_as_type_names():
    assert wire.roundtrip(object()) == wire.Opaque("object")
    assert wire.roundtrip(np.array(["x"])) == wire.Opaque("ndarray[<U1]")


def test_pickled_object_array_is_refused():
    buf = io.BytesIO()
    np.save(buf, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(wire.WireError, match="plain .npy"):
        wire.decode(frame_with_blob(buf.getvalue()))


def test_raw_pickle_payload_is_refused():
    with pytest.raises(wire.WireError):
        wire.decode(frame_with_blob(pickle.dumps({"score": 10})))


@pytest.mark.parametrize("frame", [b"", b"\x00\x00\x00\x05{", b"\xff\xff\xff\xff" + b"x" * 10,
                                   struct.pack(">I", 2) + b"{}" + struct.pack(">I", 1) + struct.pack(">Q", 1 << 40)])
def test_malformed_frames_are_refused(frame):
    with pytest.raises(wire.WireError):
        wire.decode(frame)


def test_structured_dtype_is_refused():
    buf = io.BytesIO()
    np.save(buf, np.zeros(2, dtype=[("a", "f4"), ("b", "i4")]), allow_pickle=False)
    with pytest.raises(wire.WireError, match="only numbers"):
        wire.decode(frame_with_blob(buf.getvalue()))


def test_pointer_to_missing_array_is_refused():
    header = json.dumps({"__array__": 3}).encode()
    with pytest.raises(wire.WireError, match="missing array"):
        wire.decode(struct.pack(">I", len(header)) + header + struct.pack(">I", 0))
