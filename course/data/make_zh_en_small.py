"""Write zh-en-small.txt: the small Chinese→English parallel corpus of the seq2seq_attention lesson.

    python course/data/make_zh_en_small.py      # rewrites course/data/zh-en-small.txt (deterministic)

The book's section 10.12 trains on 20 French–English pairs it ships; we write our own (licence: the kit's own,
written for this course, no third-party text). Every pair comes from a handful of sentence patterns over a small
word list, so the corpus is correct by construction and its rules are known: subject–verb agreement (i am / he
is / they are, he likes / they like), negation (不 → "not", "do not" / "does not"), plural and number agreement
(一 只 猫 → "one cat", 两 只 猫 → "two cats"), and word order that differs between the languages (时间词 before the
verb in Chinese, at the end in English: 我 今天 很 累 → "i am tired today"), which is what attention has to learn.
Chinese is written word by word with spaces (segmented), English in lower case with the full stop split off.
One pair per line: Chinese, a tab, English.
"""
from __future__ import annotations

from pathlib import Path

SUBJECTS = [("我", "i", "am", "do", ""), ("你", "you", "are", "do", ""), ("他", "he", "is", "does", "s"),
            ("她", "she", "is", "does", "s"), ("我们", "we", "are", "do", ""), ("他们", "they", "are", "do", "")]
ADJECTIVES = [("累", "tired"), ("高兴", "happy"), ("饿", "hungry"), ("忙", "busy"), ("冷", "cold")]
OBJECTS = [("猫", "cats"), ("狗", "dogs"), ("茶", "tea"), ("书", "books"), ("音乐", "music")]
PLACES = [("家", "at home", "回", "home"), ("学校", "at school", "去", "to school"),
          ("北京", "in beijing", "去", "to beijing")]
ANIMALS = [("猫", "cat", "cats"), ("狗", "dog", "dogs")]
NUMBERS = [("一", "one"), ("两", "two"), ("三", "three")]
DRINKS = [("茶", "tea"), ("水", "water"), ("咖啡", "coffee")]
LANGUAGES = [("中文", "chinese"), ("英文", "english"), ("法语", "french")]


def pairs() -> list[tuple[str, str]]:
    out = []
    for zh_s, en_s, be, do, s in SUBJECTS:
        have = "has" if s else "have"
        for zh_a, en_a in ADJECTIVES:
            out.append((f"{zh_s} 很 {zh_a} 。", f"{en_s} {be} {en_a} ."))
            out.append((f"{zh_s} 不 {zh_a} 。", f"{en_s} {be} not {en_a} ."))
            out.append((f"{zh_s} 今天 很 {zh_a} 。", f"{en_s} {be} {en_a} today ."))
        for zh_o, en_o in OBJECTS:
            out.append((f"{zh_s} 喜欢 {zh_o} 。", f"{en_s} like{s} {en_o} ."))
            out.append((f"{zh_s} 不 喜欢 {zh_o} 。", f"{en_s} {do} not like {en_o} ."))
        for zh_p, en_at, zh_go, en_to in PLACES:
            out.append((f"{zh_s} 在 {zh_p} 。", f"{en_s} {be} {en_at} ."))
            out.append((f"{zh_s} 明天 {zh_go} {zh_p} 。", f"{en_s} will go {en_to} tomorrow ."))
        for zh_n, en_n in NUMBERS:
            for zh_x, one, many in ANIMALS:
                out.append((f"{zh_s} 有 {zh_n} 只 {zh_x} 。", f"{en_s} {have} {en_n} {one if en_n == 'one' else many} ."))
        for zh_d, en_d in DRINKS:
            out.append((f"{zh_s} 想 喝 {zh_d} 。", f"{en_s} want{s} to drink {en_d} ."))
        for zh_l, en_l in LANGUAGES:
            out.append((f"{zh_s} 会 说 {zh_l} 。", f"{en_s} can speak {en_l} ."))
    return out


def main() -> None:
    path = Path(__file__).resolve().parent / "zh-en-small.txt"
    path.write_text("".join(f"{zh}\t{en}\n" for zh, en in pairs()), encoding="utf-8")
    print(f"{path}: {len(pairs())} pairs")


if __name__ == "__main__":
    main()
