"""The text searched for a question: abbreviations expanded in place, English content words glossed in Dutch."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.abbreviations import ABBREVIATIONS
from assistant.glossary import EN_NL
from assistant.norm_definitions import DEFINED_BY
from assistant.ordinary_words import COMMON_LOWERCASE_WORDS, DUTCH_MARKERS, ENGLISH_MARKERS
from assistant.understanding.corpus_info import CorpusInfo
from assistant.understanding.plan import Described

# --------------------------------------------------------------------------- search text


def merged_abbreviations(info: CorpusInfo) -> dict[str, str]:
    """Built-in abbreviations with the corpus's own definitions over them."""
    merged = dict(ABBREVIATIONS)
    for abbr in list(merged):
        if any(a.lower() == abbr.lower() for a in info.abbreviations):
            del merged[abbr]
    merged.update(info.abbreviations)
    return merged


def _abbreviation_for(token: str, by_lower: dict[str, list[str]]) -> str | None:
    for key in by_lower.get(token.lower(), ()):
        if token == key or (len(token) >= 2 and token == key.upper()):
            return key
        # Lower or capitalised spellings ("wmo", "Buig") only for longer abbreviations that
        # are not ordinary words ("wil", "via").
        low = token.lower()
        if len(token) >= 3 and (token.islower() or token == token.capitalize()) and low not in COMMON_LOWERCASE_WORDS and low not in DUTCH_MARKERS and low not in ENGLISH_MARKERS:
            return key
    return None


# A law is named with or without the word "wet": "de Wet maatschappelijke ondersteuning" is
# also "de kosten van maatschappelijke ondersteuning", whose budget row says "Wmo".
_LAW = re.compile(r"^(?:wet|besluit)\s+(?!op\b|van\b|tot\b)")
MIN_LONG_FORM = 8  # a shorter long form ("zorg") is an ordinary word, no name


def long_forms(expansion: str) -> list[str]:
    """The ways an abbreviation's expansion is written out in running text (lower case):
    itself, and a law's name without "Wet"/"Besluit" when what is left is a name of its own
    ("maatschappelijke ondersteuning", not "op de …")."""
    low = expansion.lower()
    forms = [low, _LAW.sub("", low)]
    return [f for i, f in enumerate(forms) if len(f) >= MIN_LONG_FORM and f not in forms[:i]]


_TOKEN = re.compile(r"(?<![\w-])[^\W_][\w&]*(?:-[^\W_][\w&]*)*", re.UNICODE)


def expand_abbreviations(text: str, abbreviations: dict[str, str]) -> str:
    """Write each abbreviation in `text` as "abbr (expansion)"; expansions already present
    in the text are not repeated; long forms in the text get their abbreviation appended."""
    by_lower: dict[str, list[str]] = {}
    for key in abbreviations:
        by_lower.setdefault(key.lower(), []).append(key)
    lower_text = text.lower()
    out: list[str] = []
    pos = 0
    done: set[str] = set()
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        key = _abbreviation_for(token, by_lower)
        part_end = m.end()
        if key is None and "-" in token:
            head = token.split("-", 1)[0]
            key = _abbreviation_for(head, by_lower)
            part_end = m.start() + len(head)
        if key is None or key in done:
            continue
        expansion = abbreviations[key]
        if expansion.lower() in lower_text:
            continue
        done.add(key)
        out.append(text[pos:part_end])
        out.append(f" ({expansion})")
        pos = part_end
    out.append(text[pos:])
    expanded = "".join(out)
    extra = [
        abbr for abbr, exp in abbreviations.items()
        if abbr not in done and any(re.search(r"\b" + re.escape(form) + r"\b", lower_text) for form in long_forms(exp))
        and not re.search(r"(?<![\w-])" + re.escape(abbr) + r"(?![\w-])", text, re.IGNORECASE)
    ]  # fmt: skip
    return expanded + (" " + " ".join(extra) if extra else "")


@lru_cache(maxsize=1)
def _gloss_pattern() -> re.Pattern[str]:
    keys = sorted(EN_NL, key=len, reverse=True)
    return re.compile(r"(?<![\w'-])(?:" + "|".join(re.escape(k) for k in keys) + r")s?(?![\w'-])")


def gloss_english(text: str) -> list[str]:
    """Dutch terms for the English words and phrases in `text` (longest phrases first)."""
    terms: list[str] = []
    for m in _gloss_pattern().finditer(text.lower()):
        key = m.group(0)
        key = key if key in EN_NL else key[:-1]  # plural "s" matched by the pattern
        for term in EN_NL[key].split():
            if term not in terms:
                terms.append(term)
    return terms


_ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")


def unglossed_english(question: str) -> list[str]:
    """The English words of a question (four letters or more) that are no function word and
    have no Dutch gloss: when the documents do not print them either, nothing in them speaks
    to that part of the question ("electricity", "allowance")."""
    return [w for w in _ENGLISH_WORD.findall(question) if w.lower() not in ENGLISH_MARKERS and not gloss_english(w)]


@lru_cache(maxsize=1)
def _definitions() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    return tuple((name, tuple(re.compile(g) for g in groups)) for name, groups in DEFINED_BY)


def described_norms(text: str) -> tuple[Described, ...]:
    """The financial norms `text` describes by their definition without naming them
    ("de schuld afgezet tegen de inkomsten" → netto schuldquote; norm_definitions.DEFINED_BY)."""
    low = text.lower()
    found = []
    for name, groups in _definitions():
        if name in low:
            continue
        matches = [[m.group(0) for m in g.finditer(low)] for g in groups]
        if all(matches):
            found.append(Described(name, tuple(dict.fromkeys(w for group in matches for w in group))))
    return tuple(found)
