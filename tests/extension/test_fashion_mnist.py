"""Tests for extension.fashion_mnist: the real Debian files, then small IDX files written here."""
import gzip
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from extension import fashion_mnist as fm

REAL_NAMES = [name + ".gz" for pair in fm.FILES.values() for name in pair]


def write_idx(path, array, magic=None, data=None):
    """A minimal IDX writer: big-endian magic and dims, then uint8 data; gzipped if the name ends in .gz."""
    array = np.asarray(array, dtype=np.uint8)
    magic = 0x0800 | array.ndim if magic is None else magic
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    raw = header + (array.tobytes() if data is None else data)
    path.write_bytes(gzip.compress(raw) if path.suffix == ".gz" else raw)
    return path


def write_split(folder, images, labels, train=True, gz=True):
    folder.mkdir(parents=True, exist_ok=True)
    image_name, label_name = fm.FILES[train]
    suffix = ".gz" if gz else ""
    return (write_idx(folder / (image_name + suffix), images),
            write_idx(folder / (label_name + suffix), labels))


def tiny(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


@pytest.fixture(autouse=True)
def isolated_search_path(tmp_path, monkeypatch):
    """No developer's $D2L_DATA or ~/.mxnet copy may decide which files a test reads."""
    monkeypatch.delenv("D2L_DATA", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture(scope="module")
def real_root():
    missing = [name for name in REAL_NAMES if not (fm.SYSTEM_DIR / name).is_file()]
    if missing:
        pytest.fail(f"real Fashion-MNIST files missing from {fm.SYSTEM_DIR}: {', '.join(missing)}. "
                    "Install them with `apt-get install dataset-fashion-mnist` (.ci/run does).")
    return fm.SYSTEM_DIR


@pytest.fixture(scope="module")
def real_test_arrays(real_root):
    return fm.load_arrays(train=False, root=real_root)


@pytest.fixture
def no_system_dir(tmp_path, monkeypatch):
    """Hide the Debian folder so a default search can come up empty."""
    monkeypatch.setattr(fm, "SYSTEM_DIR", tmp_path / "no-system-dir")


# --- the real files -----------------------------------------------------------------------------

@pytest.mark.parametrize("train, n", [(True, 60000), (False, 10000)])
def test_real_files_load_with_book_shapes(real_root, train, n):
    images, labels = fm.load_arrays(train=train)   # default search reaches the Debian folder
    assert images.shape == (n, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (n,) and labels.dtype == np.int32
    assert labels.min() == 0 and labels.max() == 9
    assert np.bincount(labels).tolist() == [n // 10] * 10   # Fashion-MNIST is balanced


def test_load_arrays_does_not_import_mxnet(real_root):
    code = ("import sys; from extension import fashion_mnist as fm; "
            "images, labels = fm.load_arrays(train=False, root=sys.argv[1]); "
            "assert images.shape == (10000, 28, 28), images.shape; "
            "assert 'mxnet' not in sys.modules, 'mxnet was imported'")
    subprocess.run([sys.executable, "-c", code, str(real_root)], check=True, timeout=120)


def test_repeated_loads_come_from_the_cache(real_root):
    first = fm.load_arrays(train=False, root=real_root)
    second = fm.load_arrays(train=False, root=real_root)
    assert first[0] is second[0] and first[1] is second[1]
    assert not first[0].flags.writeable and not first[1].flags.writeable   # shared: callers may not edit


def test_dataset_items_match_gluon(real_root, real_test_arrays):
    from mxnet import nd
    from mxnet.gluon.data import Dataset
    images, labels = real_test_arrays
    ds = fm.FashionMNIST(train=False)
    assert isinstance(ds, Dataset) and len(ds) == 10000
    x, y = ds[123]
    assert isinstance(x, nd.NDArray) and x.shape == (28, 28, 1) and x.dtype == np.uint8
    assert isinstance(y, np.int32) and y == labels[123]
    np.testing.assert_array_equal(x.asnumpy()[..., 0], images[123])


def test_to_tensor_dataset_equals_per_item_to_tensor(real_root):
    from mxnet.gluon.data.vision import transforms
    ds = fm.FashionMNIST(train=False)
    fast = fm.to_tensor_dataset(ds)
    slow = ds.transform_first(transforms.ToTensor())
    assert len(fast) == len(slow)
    sample = [0, 1, 9999] + np.random.default_rng(0).choice(10000, 40, replace=False).tolist()
    for i in sample:
        (fx, fy), (sx, sy) = fast[i], slow[i]
        assert fx.shape == (1, 28, 28) and fx.dtype == np.float32
        np.testing.assert_array_equal(fx.asnumpy(), sx.asnumpy())
        assert type(fy) is type(sy) and fy == sy
    assert 0.0 <= fast[0][0].min().asscalar() and fast[0][0].max().asscalar() <= 1.0


def test_to_tensor_dataset_refuses_what_it_cannot_convert(real_root):
    from mxnet.gluon.data.vision import transforms
    ds = fm.FashionMNIST(train=False, transform=lambda x, y: (x, y))
    with pytest.raises(ValueError, match="without transform="):
        fm.to_tensor_dataset(ds)
    with pytest.raises(TypeError, match="transform_first"):
        fm.to_tensor_dataset(fm.FashionMNIST(train=False).transform_first(transforms.ToTensor()))


def test_d2l_load_data_fashion_mnist_batches(real_root):
    from extension import d2l
    train_iter, test_iter = d2l.load_data_fashion_mnist(256)
    for data_iter in (train_iter, test_iter):
        X, y = next(iter(data_iter))
        assert X.shape == (256, 1, 28, 28) and X.dtype == np.float32
        assert y.shape == (256,) and y.dtype == np.int32
    assert sum(y.shape[0] for _, y in test_iter) == 10000   # the last partial batch is kept


def test_byte_copies_of_the_real_files_load_the_same(real_root, real_test_arrays, tmp_path, monkeypatch):
    for name in fm.FILES[False]:
        shutil.copy(real_root / (name + ".gz"), tmp_path / (name + ".gz"))
    monkeypatch.setenv("D2L_DATA", str(tmp_path))
    images, labels = fm.load_arrays(train=False)
    np.testing.assert_array_equal(images, real_test_arrays[0])
    np.testing.assert_array_equal(labels, real_test_arrays[1])


def test_each_search_path_entry_is_used_in_order(real_test_arrays, tmp_path, monkeypatch,
                                                isolated_search_path):
    """Each entry holds a different-length slice of the real test set, so the length tells which was read."""
    images, labels = real_test_arrays
    d2l_data = tmp_path / "data"
    entries = [(d2l_data, 100), (d2l_data / "fashion-mnist", 200),
               (isolated_search_path / ".mxnet" / "datasets" / "fashion-mnist", 300)]
    for folder, n in entries:
        write_split(folder, images[:n], labels[:n], train=False)
    monkeypatch.setenv("D2L_DATA", str(d2l_data))
    assert fm.search_paths() == [folder for folder, _ in entries] + [fm.SYSTEM_DIR]
    for folder, n in entries:
        got_images, got_labels = fm.load_arrays(train=False)
        assert len(got_labels) == n, f"expected {folder} to be read"
        np.testing.assert_array_equal(got_images, images[:n])
        np.testing.assert_array_equal(got_labels, labels[:n])
        for name in fm.FILES[False]:
            (folder / (name + ".gz")).unlink()
    assert len(fm.load_arrays(train=False)[1]) == 10000   # last, the Debian folder


# --- small generated files ----------------------------------------------------------------------

def test_explicit_root_is_the_only_folder_searched(tmp_path, monkeypatch):
    write_split(tmp_path / "elsewhere", *tiny(3), train=True)
    monkeypatch.setenv("D2L_DATA", str(tmp_path / "elsewhere"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert fm.search_paths(empty) == [empty]
    with pytest.raises(fm.FashionMNISTNotFound) as info:
        fm.load_arrays(root=empty)
    assert info.value.searched == [empty]
    assert "pass root=" in str(info.value)


def test_missing_files_message_lists_paths_and_how_to_get_them(tmp_path, monkeypatch, no_system_dir,
                                                              isolated_search_path):
    data = tmp_path / "data"
    write_split(data, *tiny(3), train=True)
    (data / "train-labels-idx1-ubyte.gz").unlink()   # a half-copied folder
    monkeypatch.setenv("D2L_DATA", str(data))
    with pytest.raises(fm.FashionMNISTNotFound) as info:
        fm.load_arrays(train=True)
    err = info.value
    assert isinstance(err, FileNotFoundError)
    message = str(err)
    searched = [data, data / "fashion-mnist", isolated_search_path / ".mxnet" / "datasets" / "fashion-mnist",
                fm.SYSTEM_DIR]
    assert err.searched == searched
    for path in searched:
        assert str(path) in message
    assert "missing train-labels-idx1-ubyte[.gz]" in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "D2L_DATA" in message
    for name in REAL_NAMES:
        assert name in message


def test_uncompressed_files_are_accepted(tmp_path):
    images, labels = tiny(4)
    write_split(tmp_path, images, labels, train=False, gz=False)
    got_images, got_labels = fm.load_arrays(train=False, root=tmp_path)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_labels.dtype == np.int32


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_data_names_file_and_sizes(tmp_path, gz):
    images, labels = tiny(5)
    image_path, _ = write_split(tmp_path, images, labels, gz=gz)
    write_idx(image_path, images, data=images.tobytes()[:1200])
    with pytest.raises(fm.IDXFormatError) as info:
        fm.load_arrays(root=tmp_path)
    assert str(image_path) in str(info.value)
    assert "is truncated: header says 5×28×28 = 3920 bytes of data, file has 1200" in str(info.value)


def test_truncated_header(tmp_path):
    path = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(b"\x00\x00\x08\x01\x00")
    with pytest.raises(fm.IDXFormatError, match=r"t10k-labels-idx1-ubyte is truncated: 5 bytes"):
        fm.read_idx(path)


def test_trailing_data_is_an_error(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = write_idx(tmp_path / "labels", labels, data=labels.tobytes() + b"\x00\x00")
    with pytest.raises(fm.IDXFormatError, match="has trailing data: header says 10 = 10 bytes"):
        fm.read_idx(path)


def test_wrong_magic_number(tmp_path):
    images, labels = tiny(2)
    image_path, _ = write_split(tmp_path, images, labels)
    write_idx(image_path, images, magic=0x00000D03)   # float64 images, not ours
    with pytest.raises(fm.IDXFormatError) as info:
        fm.load_arrays(root=tmp_path)
    assert isinstance(info.value, ValueError)
    assert str(image_path) in str(info.value)
    assert "magic number 0x00000d03, expected 0x00000801 (labels) or 0x00000803 (images)" in str(info.value)


def test_gzip_data_without_gz_name_gets_a_hint(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte"
    path.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x00"))
    with pytest.raises(fm.IDXFormatError, match="looks gzip-compressed: name it with .gz"):
        fm.read_idx(path)


@pytest.mark.parametrize("damage", ["not gzip", "cut stream", "bad crc"])
def test_bad_gzip_names_the_file(tmp_path, damage):
    images, labels = tiny(3)
    _, label_path = write_split(tmp_path, images, labels)
    good = label_path.read_bytes()
    bad = {"not gzip": b"this is not a gzip file at all",
           "cut stream": good[:len(good) // 2],
           "bad crc": good[:-8] + bytes(8)}[damage]
    label_path.write_bytes(bad)
    with pytest.raises(fm.IDXFormatError) as info:
        fm.load_arrays(root=tmp_path)
    assert str(label_path) in str(info.value)
    assert "is not a valid gzip file" in str(info.value)


def test_image_label_count_mismatch(tmp_path):
    images, labels = tiny(5)
    write_split(tmp_path, images, labels[:4])
    with pytest.raises(fm.IDXFormatError, match="has 5 images but .*train-labels-idx1-ubyte.gz has 4 labels"):
        fm.load_arrays(root=tmp_path)


def test_labels_out_of_range(tmp_path):
    images, labels = tiny(5)
    labels[3] = 10
    _, label_path = write_split(tmp_path, images, labels)
    with pytest.raises(fm.IDXFormatError) as info:
        fm.load_arrays(root=tmp_path)
    assert str(label_path) in str(info.value)
    assert "1 labels outside 0..9 (first: label[3] = 10)" in str(info.value)


def test_swapped_files_are_caught_by_shape(tmp_path):
    images, labels = tiny(5)
    image_path, label_path = write_split(tmp_path, images, labels)
    write_idx(image_path, labels)
    with pytest.raises(fm.IDXFormatError, match=r"holds an array of shape \(5,\), expected \(N, 28, 28\)"):
        fm.load_arrays(root=tmp_path)


def test_cache_is_invalidated_when_a_file_changes(tmp_path):
    images, labels = tiny(6)
    _, label_path = write_split(tmp_path, images, labels, gz=False)
    np.testing.assert_array_equal(fm.load_arrays(root=tmp_path)[1], labels)
    new_labels = (labels + 1) % 10   # same length and uncompressed: same size, only the mtime tells
    write_idx(label_path, new_labels)
    stat = label_path.stat()
    os.utime(label_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    np.testing.assert_array_equal(fm.load_arrays(root=tmp_path)[1], new_labels)


def test_dataset_on_small_files(tmp_path):
    from mxnet.gluon.data.vision import transforms
    images, labels = tiny(4)
    write_split(tmp_path, images, labels, train=False)
    ds = fm.FashionMNIST(root=tmp_path, train=False, transform=lambda x, y: (x.shape, int(y) + 100))
    assert ds[2] == ((28, 28, 1), int(labels[2]) + 100)
    plain = fm.FashionMNIST(root=tmp_path, train=False)
    x, y = plain.transform_first(transforms.ToTensor())[1]
    np.testing.assert_array_equal(x.asnumpy()[0], images[1].astype(np.float32) / 255)
    assert y == labels[1]


def test_module_getattr_only_knows_fashion_mnist():
    with pytest.raises(AttributeError, match="no attribute 'FashionMnist'"):
        fm.FashionMnist   # noqa: B018  (a typo must stay an AttributeError, not build anything)
