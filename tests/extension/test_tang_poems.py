"""Tests for extension.tang_poems: Debian's real fortune file, then small files written here."""
import os
import subprocess
import sys

import pytest

from autograder.course_data import files_for
from autograder.faults import GraderFault
from autograder.registry import Assignment
from extension import d2l
from extension import tang_poems as tp

ESC = "\x1b"


def record(title, author, *lines):
    return f"{ESC}[32m《{title}》{ESC}[m\n{ESC}[33m作者：{author}{ESC}[m\n" + "\n".join(lines)


def write(path, *records):
    path.write_text("\n%\n".join(records) + "\n%\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def isolated_search_path(tmp_path, monkeypatch):
    """No developer's $D2L_DATA or ~/.mxnet copy may decide which file a test reads."""
    monkeypatch.delenv("D2L_DATA", raising=False)
    monkeypatch.delenv("D2L_DATA_LIMIT", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def no_system_file(monkeypatch, tmp_path):
    monkeypatch.setattr(tp, "SYSTEM_FILE", tmp_path / "nowhere" / tp.FILE_NAME)


def test_the_debian_file_holds_313_poems_of_verse_only():
    poems = tp.read_poems()
    assert len(poems) == 313
    assert poems[0].title == "《感遇・其一》" and poems[0].author == "张九龄"
    assert poems[0].lines[0] == "兰叶春葳蕤，桂华秋皎洁。"
    text = tp.poems_text()
    assert ESC not in text and "作者" not in text and "《" not in text
    # Prefaces in prose are dropped: the 琵琶行's preface begins 元和十年, its verse 浔阳江头夜送客.
    pipa = next(p for p in poems if p.title.startswith("《琵琶行"))
    assert pipa.lines[0].startswith("浔阳江头夜送客") and "元和十年" not in pipa.text


def test_corpus_indices_round_trip_and_the_vocabulary_is_the_same_in_every_process():
    indices, char_to_idx, idx_to_char, vocab_size = tp.load_data_tang_poems()
    assert vocab_size == len(idx_to_char) == len(char_to_idx) > 2000
    assert "".join(idx_to_char[i] for i in indices) == tp.poems_text()
    assert indices.count(char_to_idx["\n"]) == 312            # one separator between consecutive poems
    code = ("from extension.tang_poems import load_data_tang_poems as l; print(''.join(l()[2][:40]))")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1, "the vocabulary order must not depend on hash randomisation"


def test_num_chars_keeps_a_prefix_and_builds_its_vocabulary_from_it():
    indices, char_to_idx, idx_to_char, vocab_size = tp.load_data_tang_poems(num_chars=100)
    assert len(indices) == 100 and vocab_size == len(set(tp.poems_text()[:100]))


def test_the_grading_limit_caps_the_course_loader(monkeypatch, capsys):
    monkeypatch.setenv("D2L_DATA_LIMIT", "500")
    assert len(d2l.load_data_tang_poems()[0]) == 500
    assert len(d2l.load_data_tang_poems(num_chars=200)[0]) == 200
    assert "first 500 characters" in capsys.readouterr().out


def test_search_order_d2l_data_then_mxnet_home_then_debian(tmp_path, monkeypatch, isolated_search_path):
    data, mxnet = tmp_path / "data", isolated_search_path / ".mxnet" / "datasets"
    for folder, author in ((data, "甲"), (mxnet, "乙")):
        folder.mkdir(parents=True)
        write(folder / tp.FILE_NAME, record("题", author, "白日依山尽，黄河入海流。"))
    monkeypatch.setenv("D2L_DATA", str(data))
    assert tp.read_poems()[0].author == "甲"
    monkeypatch.delenv("D2L_DATA")
    assert tp.read_poems()[0].author == "乙"
    (mxnet / tp.FILE_NAME).unlink()
    assert len(tp.read_poems()) == 313


def test_an_explicit_root_is_the_only_place_searched(tmp_path, no_system_file):
    with pytest.raises(tp.TangPoemsNotFound) as caught:
        tp.read_poems(root=tmp_path)
    assert caught.value.searched == [tmp_path / tp.FILE_NAME]
    assert "pass root=" in str(caught.value)


def test_missing_file_says_where_it_looked_and_how_to_get_it(no_system_file):
    with pytest.raises(tp.TangPoemsNotFound) as caught:
        tp.read_poems()
    message = str(caught.value)
    assert "apt-get install fortunes-zh" in message and "D2L_DATA" in message
    assert str(tp.SYSTEM_FILE) in message


def test_a_record_without_an_author_line_is_named(tmp_path):
    path = write(tmp_path / "poems", record("一", "某", "白日依山尽，黄河入海流。"), "just some fortune\nno author")
    with pytest.raises(tp.PoemsFormatError) as caught:
        tp.read_poems(root=path)
    assert str(path) in str(caught.value) and "record 2" in str(caught.value)


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "poems"
    path.write_bytes("《静夜思》".encode("gb18030"))
    with pytest.raises(tp.PoemsFormatError, match="not UTF-8"):
        tp.read_poems(root=path)


def test_the_grader_mounts_the_file_and_faults_when_it_is_missing(tmp_path, no_system_file):
    needs = Assignment("poems_lab", ("f",), False, (), tmp_path, False, ("tang-poems",))
    with pytest.raises(GraderFault, match="needs the Tang poems"):
        files_for(needs, None)
    path = write(tmp_path / tp.FILE_NAME, record("题", "某", "白日依山尽，黄河入海流。"))
    assert files_for(needs, tmp_path) == {tp.FILE_NAME: path.resolve()}
