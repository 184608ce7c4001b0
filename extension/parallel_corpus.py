"""The course's small Chinese→English parallel corpus, `course/data/zh-en-small.txt` (seq2seq_attention).

The book's section 10.12 ships 20 French–English pairs; we ship our own 258 pairs, written by
`course/data/make_zh_en_small.py` from a few sentence patterns (our licence, no third-party text). One pair per
line, Chinese and English separated by a tab, both already split into tokens by single spaces:

    我 今天 很 累 。	i am tired today .

    pairs = read_pairs()          # [(['我', '今天', '很', '累', '。'], ['i', 'am', 'tired', 'today', '.']), ...]

Files searched, first match wins: `root` if given (a file, or a folder holding the file; only that one),
otherwise `$D2L_DATA/zh-en-small.txt`, `~/.mxnet/datasets/zh-en-small.txt`, and the kit's own
`course/data/zh-en-small.txt`. When grading, the grader finds it the same way and shows it to the sandbox.
"""
from __future__ import annotations

from pathlib import Path

from .datafiles import candidate_files, first_existing

__all__ = ["read_pairs", "locate", "search_paths", "ParallelCorpusNotFound", "ParallelCorpusFormatError",
           "FILE_NAME", "KIT_FILE"]

FILE_NAME = "zh-en-small.txt"
KIT_FILE = Path(__file__).resolve().parent.parent / "course" / "data" / FILE_NAME


class ParallelCorpusNotFound(FileNotFoundError):
    """No searched place holds the corpus; `searched` lists them."""

    def __init__(self, searched: list[Path]):
        self.searched = list(searched)
        lines = "\n".join(f"  {path}" for path in searched)
        super().__init__(f"the parallel corpus {FILE_NAME} was not found. Searched:\n{lines}\n"
                         f"It ships with the course kit in course/data/; copy it to one of the places above, or "
                         f"set D2L_DATA to the folder that holds it.")


class ParallelCorpusFormatError(ValueError):
    """A line is not 'source<TAB>target'; the message names the file and the line."""


def search_paths(root=None) -> list[Path]:
    return candidate_files(FILE_NAME, KIT_FILE, root)


def locate(root=None) -> Path:
    candidates = search_paths(root)
    found = first_existing(candidates)
    if found is not None:
        return found
    raise ParallelCorpusNotFound(candidates)


def read_pairs(root=None) -> list[tuple[list[str], list[str]]]:
    """Every (source tokens, target tokens) pair of the file, in the file's order."""
    path = locate(root)
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ParallelCorpusFormatError(f"{path} line {number} is not 'source<TAB>target': {line[:60]!r}")
        pairs.append((parts[0].split(), parts[1].split()))
    return pairs
