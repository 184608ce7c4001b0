"""The 300 Tang poems (唐诗三百首) from Debian's `fortunes-zh`, the course's text corpus for chapters 6 and 10.

The book's RNN chapters train on a lyrics corpus that cannot be redistributed; `fortunes-zh` ships the Tang
poems under the GPL, as a fortune file:

    ESC[32m《静夜思》ESC[m          title, in green
    ESC[33m作者：李白ESC[m           author, in yellow
    床前明月光，疑是地上霜。        the verse, one couplet per line
    举头望明月，低头思故乡。
    %                              record separator

    poems = read_poems()                        # [Poem(title, author, lines), ...], numpy-free
    corpus_indices, char_to_idx, idx_to_char, vocab_size = load_data_tang_poems()

Decisions, for every notebook that uses it:
- ANSI colour codes, titles and author lines are stripped; a preface (`并序` poems: prose before a blank line)
  is dropped, so the corpus is verse only.
- Within a poem the line breaks are dropped: every line already ends in `。` (or `？`/`！`), which carries the
  same information. Poems are joined with one `\\n` character, a token the models learn as "poem ends".

Files searched, first match wins: `root` if given (a file, or a folder holding `tang300`; only that one),
otherwise `$D2L_DATA/tang300`, `~/.mxnet/datasets/tang300`, `/usr/share/games/fortunes/tang300`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .datafiles import candidate_files, first_existing

__all__ = ["Poem", "read_poems", "poems_text", "load_data_tang_poems", "locate", "search_paths",
           "TangPoemsNotFound", "PoemsFormatError", "FILE_NAME", "SYSTEM_FILE"]

FILE_NAME = "tang300"
SYSTEM_FILE = Path("/usr/share/games/fortunes") / FILE_NAME     # Debian's fortunes-zh
POEM_END = "\n"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_AUTHOR = "作者："


@dataclass(frozen=True)
class Poem:
    title: str
    author: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.lines)


class TangPoemsNotFound(FileNotFoundError):
    """No searched place holds the poems; `searched` lists them."""

    def __init__(self, searched: list[Path], root_given: bool):
        self.searched = list(searched)
        where = ("pass root= the file or the folder that holds it" if root_given
                 else "set D2L_DATA to the folder that holds it")
        lines = "\n".join(f"  {path}" for path in searched)
        super().__init__(
            f"the Tang poems file {FILE_NAME} was not found. Searched:\n{lines}\n"
            f"Get it with `sudo apt-get install fortunes-zh` (installs {SYSTEM_FILE}), or copy that file "
            f"to one of the places above, or {where}.")


class PoemsFormatError(ValueError):
    """The file is not the fortune file expected; `path` names it, the message says which record and why."""

    def __init__(self, path, problem: str):
        self.path = Path(path)
        super().__init__(f"{path} {problem}")


def search_paths(root=None) -> list[Path]:
    """Candidate files, in order (see extension.datafiles). A `root` the caller names is the only one."""
    return candidate_files(FILE_NAME, SYSTEM_FILE, root)


def locate(root=None) -> Path:
    """The first existing candidate file; TangPoemsNotFound naming every place searched."""
    candidates = search_paths(root)
    found = first_existing(candidates)
    if found is not None:
        return found
    raise TangPoemsNotFound(candidates, root is not None)


def read_poems(root=None) -> list[Poem]:
    """Every poem in the file, in the file's order, colour codes, titles, authors and prefaces removed."""
    path = locate(root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PoemsFormatError(path, f"is not UTF-8 text (byte {exc.start})") from None
    poems = []
    for number, record in enumerate(text.split("\n%\n"), start=1):
        lines = [_ANSI.sub("", line).strip() for line in record.strip("\n").split("\n")]
        if not any(lines):
            continue                              # the file ends with a separator
        if len(lines) < 3 or not lines[1].startswith(_AUTHOR):
            raise PoemsFormatError(path, f"record {number} is not title, '{_AUTHOR}' author line, verse: "
                                         f"{' / '.join(lines[:3])[:80]!r}")
        body = lines[2:]
        if "" in body:                            # a preface in prose, then a blank line, then the verse
            body = body[len(body) - body[::-1].index(""):]
        verse = tuple(line for line in body if line)
        if not verse:
            raise PoemsFormatError(path, f"record {number} ({lines[0]}) has no verse")
        poems.append(Poem(lines[0], lines[1][len(_AUTHOR):], verse))
    if not poems:
        raise PoemsFormatError(path, "holds no poems")
    return poems


def poems_text(root=None) -> str:
    """The corpus as one string: each poem's verse, poems separated by one newline."""
    return POEM_END.join(poem.text for poem in read_poems(root))


def load_data_tang_poems(num_chars: int | None = None, root=None):
    """(corpus_indices, char_to_idx, idx_to_char, vocab_size), as the book's `load_data_jay_lyrics`.

    `num_chars` keeps the first characters only (the book keeps 10,000 of its lyrics); the vocabulary is
    built from what is kept, in order of first appearance, so indices are the same on every machine."""
    corpus = poems_text(root)
    if num_chars is not None:
        corpus = corpus[:int(num_chars)]
    idx_to_char = list(dict.fromkeys(corpus))
    char_to_idx = {char: i for i, char in enumerate(idx_to_char)}
    corpus_indices = [char_to_idx[char] for char in corpus]
    return corpus_indices, char_to_idx, idx_to_char, len(idx_to_char)
