"""The registry finds assignment folders — the kit's and a course's own — and refuses broken ones by name."""
from __future__ import annotations

import pytest

from autograder import registry
from autograder.registry import AssignmentError


def declare(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "assignment.py").write_text(text)
    return folder


def test_the_kits_assignments_are_found_by_their_folders():
    shipped = {a.id for a in registry.discover().values() if a.shipped}
    folders = {p.name for p in registry.SHIPPED.iterdir() if (p / "assignment.py").is_file()}
    assert shipped == folders and shipped


def test_a_course_folder_is_found_beside_its_source_notebook(tmp_path):
    course = tmp_path / "course"
    (course / "nbgrader_config.py").parent.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    declare(course / "source" / "lab1" / "grader", 'ID = "lab1"\nSTUBS = ("f", "g")\nOUTCOME = True\n')
    found = registry.find("lab1", course)
    assert (found.stubs, found.outcome, found.variables, found.shipped) == (("f", "g"), True, (), False)
    assert found.test_cells == {"test_f": "f", "test_g": "g", "test_outcome": None}


def test_the_course_is_found_from_a_folder_inside_it(tmp_path, monkeypatch):
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text("")
    declare(course / "source" / "lab1" / "grader", 'ID = "lab1"\nSTUBS = ("f",)\n')
    inside = course / "autograded" / "alice" / "lab1"
    inside.mkdir(parents=True)
    monkeypatch.chdir(inside)
    assert "lab1" in registry.discover()


def test_a_released_folder_beside_the_notebook_is_found(tmp_path, monkeypatch):
    declare(tmp_path / "grader", 'ID = "lab1"\nSTUBS = ("f",)\n')
    monkeypatch.chdir(tmp_path)
    assert registry.find("lab1").folder == (tmp_path / "grader").resolve()


@pytest.mark.parametrize("text, needle", [
    ('STUBS = ("f",)\n', "missing ID"),
    ('ID = "lab1"\nSTUBS = "f"\n', "STUBS must be a tuple"),
    ('ID = "lab1"\nSTUBS = (f,)\n', "must be a literal"),
    ('ID = "lab 1"\nSTUBS = ("f",)\n', "identifiers"),
    ('ID = "lab1"\nSTUBS = ("f",\n', "cannot read"),
    ('ID = "lab1"\nSTUBS = ("f",)\nOUTCOME = False\nDATASETS = ("mnist",)\n', "'mnist'; the kit provides"),
])
def test_a_broken_declaration_names_its_file_and_problem(tmp_path, text, needle):
    folder = declare(tmp_path / "source" / "lab1" / "grader", text)
    with pytest.raises(AssignmentError, match=needle) as caught:
        registry.read_declaration(folder / "assignment.py")
    assert str(folder / "assignment.py") in str(caught.value)


def test_an_id_must_match_its_source_folder(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("")
    declare(tmp_path / "source" / "lab1" / "grader", 'ID = "lab2"\nSTUBS = ("f",)\n')
    with pytest.raises(AssignmentError, match="differs from the folder"):
        registry.discover(tmp_path)


def test_a_course_may_not_reuse_a_kit_id(tmp_path):
    kit_id = next(iter(registry.discover()))
    (tmp_path / "nbgrader_config.py").write_text("")
    declare(tmp_path / "source" / kit_id / "grader", f'ID = "{kit_id}"\nSTUBS = ("f",)\n')
    with pytest.raises(AssignmentError, match="already has an assignment"):
        registry.discover(tmp_path)


def test_unknown_ids_list_the_known_ones(tmp_path):
    with pytest.raises(KeyError, match="known: .*linreg_scratch"):
        registry.find("nope", tmp_path)


def test_declarations_are_read_without_running_them(tmp_path):
    folder = declare(tmp_path / "x", 'ID = "lab1"\nSTUBS = ("f",)\nraise SystemExit("ran")\n')
    assert registry.read_declaration(folder / "assignment.py").id == "lab1"
