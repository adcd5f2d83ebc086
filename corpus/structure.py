"""Document structure: headings with their section paths, paragraphs, lists, tables and debris.

`parse_blocks(text, tables)` reads plain text as municipal exports produce it (headings are
plain lines, not markup) and returns blocks in document order, each with character offsets
into `text` and the heading path it belongs to. The chunker packs these blocks into chunks;
debris blocks are what it must skip.

Heading signals, strongest first (a stronger heading closes every weaker open one):
  Markdown `#` (rank = number of `#`), top keywords ("Hoofdstuk 3 …", "Programma …"),
  numbered headings ("01.", "01.02", nesting by number depth), framework questions
  ("Wat willen we bereiken"), keyed headings ("Doelstelling - …", "Thema …"),
  and plain headings: short lines without a closing period that are followed by body text.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from corpus.models import Table

BLOCK_KINDS = ("heading", "paragraph", "list", "table", "debris")


@dataclass(frozen=True)
class Block:
    """A structural unit of a document.

    kind: one of BLOCK_KINDS.
    section: heading path (outermost first); for a heading it ends with the heading itself.
    start / end: character offsets into the text (whitespace-trimmed).
    level: heading rank (smaller is more important) for headings, else None.
    """

    kind: str
    section: tuple[str, ...]
    start: int
    end: int
    level: int | None = None


# --- limits ---------------------------------------------------------------------------
# A plain heading is a short line; 90 chars covers real titles ("Betaalbaarheid van
# ondersteuning en zorg") while excluding almost all body sentences.
MAX_HEADING_CHARS = 90
# Numbered goal titles run longer ("02. Elke inwoner heeft de mogelijkheid om keuzes …").
MAX_NUMBERED_HEADING_CHARS = 130
# Lines up to this length may be fragments of a heading broken over several lines.
MAX_FRAGMENT_CHARS = 60
# A numbered heading with its body on the same line: the title ends within this many chars.
MAX_INLINE_TITLE_CHARS = 160
# Repeated bare labels ("Historie", "Toelichting") are at most this long and this many words.
MAX_LABEL_CHARS = 40
MAX_LABEL_WORDS = 3
MIN_LABEL_REPEATS = 3

# Heading ranks: smaller = outer.
RANK_TOP_KEYWORD = 8
RANK_NUMBERED = 10  # + number depth
RANK_QUESTION = 20
RANK_KEYED = 30
RANK_PLAIN = 40

# Words a heading fragment can end with only if the heading continues on the next line.
# Particles of separable verbs ("… hun taak aan") are left out: titles can end with them.
_CONNECTIVES = frozenset(
    "en of de het een van met tot te naar als die dat der des ter tegen zonder onder tussen".split()
)

_EXPORT_RE = re.compile(
    r"^deze pagina is (?:gebouwd|gegenereerd|gemaakt|aangemaakt|geëxporteerd) op\b"
    r"|^(?:pagina|page)\s+\d+(?:\s*(?:van|of|/)\s*\d+)?$",
    re.IGNORECASE,
)
# Lines with no letters or digits at all: stray table pipes ("|", ". |"), rules ("-----").
_PUNCT_ONLY_RE = re.compile(r"^[\W_]+$")
_TRAILING_PIPES_RE = re.compile(r"[\s|]*\|[\s|]*$")
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)[\s#]*$")
# "01.", "2.", "01.02", "1.2.3" — later components have at most two digits so that Dutch
# thousands ("1.000 inwoners") never read as a section number.
_NUMBER_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,2})+\.?|\d{1,3}\.)\s+(?=\S)")
_BULLET_RE = re.compile(r"^(?:[•·▪◦●○■□‣⁃►➢✓✔*\-–—]|\(?[a-z][.)]|\(\d{1,2}\)|\d{1,2}\))\s+(?=\S)")
# "label: 3", "Aantal acties: 3", "Totaal: € 1.200" are fields, not headings.
_FIELD_NUMBER_RE = re.compile(r":\s*[-+]?[€\d][\d.,%\s€-]*$")
# Titles do not open with a personal pronoun or a linking adverb; sentences do.
_SENTENCE_START_RE = re.compile(
    r"^(?:we|wij|ik|jij|u|zij|ze|er|dit|dat|deze|hier|daar|daarom|daarnaast|ook|zo|verder|tevens)\s",
    re.IGNORECASE,
)
# "1.000 inwoners …", "€ 2,5 miljoen …": an amount opens a sentence, not a title.
_AMOUNT_START_RE = re.compile(r"^[-+€]?\s?(?:\d{1,3}(?:\.\d{3})+|\d+,\d+)\b")
_TOP_KEYWORD_RE = re.compile(r"^(?:hoofdstuk|programma|deelprogramma|bijlage|deel)\b\s*\S", re.IGNORECASE)
_QUESTION_RE = re.compile(r"^(?:wat|hoe|welke|waarom|wie|waar)\s", re.IGNORECASE)
_KEYED_RE = re.compile(
    r"^(?:\w+(?:\s\w+)?\s[-–—]\s\S"
    r"|(?:thema|doel|doelstelling|doelen|speerpunt|ambitie|opgave|pakket|onderdeel|"
    r"taakveld|beleidsveld|subprogramma|paragraaf|beleidsdoel|prioriteit)\b)",
    re.IGNORECASE,
)
# A sentence glued to the next line's text by a lost newline ("toegelicht.Historie"):
# two lowercase letters (or a digit/bracket) + end mark, then a capitalised word.
_GLUE_RE = re.compile(r"(?:(?<=[a-zà-ÿ]{2})|(?<=[0-9)%”\"’]))[.!?](?=[A-Z][a-zà-ÿ]+(?:\s|$))")
# End of an inline title: sentence end, or a lowercase word followed by a capitalised one
# ("… boven z’n hoofd Het hebben …").
_TITLE_END_RE = re.compile(r"[.!?](?=\s)|(?<=[a-zà-ÿ)’'”])(?=\s+[A-Z][a-zà-ÿ])")


@dataclass
class _Line:
    """Working record for one (virtual) line; `kind` is refined in passes."""

    start: int
    end: int
    text: str
    kind: str = "body"  # blank | debris | table | item | heading | body
    rank: int = 0
    title: str = ""
    # For a heading with body on the same line: where the title ends / the body starts.
    title_end: int = -1
    body_start: int = -1
    table: Table | None = None
    joined: list["_Line"] = field(default_factory=list)


def parse_blocks(text: str, tables: Sequence[Table] = ()) -> list[Block]:
    """Blocks of `text` in document order.

    tables: tables found in the text (corpus.tables.find_tables); their spans become
    "table" blocks and are not read as lines. Overlapping tables keep the first.
    """
    if not text or not text.strip():
        return []
    kept_tables = _non_overlapping(text, tables)
    lines = _read_lines(text, kept_tables)
    _mark_debris(lines)
    _mark_items_and_headings(lines)
    return _build_blocks(text, lines)


# --- pass 1: lines ----------------------------------------------------------------------


def _non_overlapping(text: str, tables: Sequence[Table]) -> list[Table]:
    kept: list[Table] = []
    for t in sorted(tables, key=lambda t: (t.start, -t.end)):
        if not (0 <= t.start < t.end <= len(text)):
            continue
        if kept and t.start < kept[-1].end:
            continue
        kept.append(t)
    return kept


def _read_lines(text: str, tables: list[Table]) -> list[_Line]:
    """Split text into stripped lines, cutting out table spans and glued sentences."""
    starts = [t.start for t in tables]
    out: list[_Line] = []
    emitted: set[int] = set()
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        for a, b, table in _subtract_tables(pos, end, tables, starts):
            if table is not None:
                if id(table) not in emitted:
                    emitted.add(id(table))
                    out.append(_Line(table.start, table.end, "", kind="table", table=table))
                continue
            for c, d in _glue_split(text, a, b):
                c2, d2 = _strip(text, c, d)
                if c2 >= d2:
                    out.append(_Line(c, c, "", kind="blank"))
                else:
                    out.append(_Line(c2, d2, text[c2:d2]))
        if nl < 0:
            break
        pos = nl + 1
    return out


def _subtract_tables(a: int, b: int, tables: list[Table], starts: list[int]):
    """Pieces of [a, b): (start, end, None) outside tables, (.., .., table) where covered."""
    i = max(0, bisect.bisect_right(starts, a) - 1)
    cur = a
    pieces = []
    while i < len(tables) and tables[i].start < b:
        t = tables[i]
        if t.end > cur:
            if t.start > cur:
                pieces.append((cur, t.start, None))
            pieces.append((max(cur, t.start), min(b, t.end), t))
            cur = min(b, t.end)
        i += 1
    if cur < b or not pieces:
        pieces.append((cur, b, None))
    return pieces


def _glue_split(text: str, a: int, b: int) -> list[tuple[int, int]]:
    segment = text[a:b]
    cuts = [a + m.end() for m in _GLUE_RE.finditer(segment)]
    bounds = [a, *cuts, b]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


# --- pass 2: debris ---------------------------------------------------------------------


def _is_label_shape(t: str) -> bool:
    return (
        len(t) <= MAX_LABEL_CHARS
        and len(t.split()) <= MAX_LABEL_WORDS
        and not any(ch.isdigit() for ch in t)
        and t[-1] not in ".,;:!?"
        and t[0].isupper()
    )


def _mark_debris(lines: list[_Line]) -> None:
    """Export lines, punctuation-only lines, and bare labels repeated with no content."""
    content = [ln for ln in lines if ln.kind == "body"]
    for ln in content:
        if _EXPORT_RE.search(ln.text) or _PUNCT_ONLY_RE.match(ln.text):
            ln.kind = "debris"
    # A label repeated many times whose occurrences are mostly followed by another short
    # line (or nothing) has no content of its own: it is page furniture ("Historie").
    counts = Counter(ln.text for ln in content if ln.kind == "body" and _is_label_shape(ln.text))
    repeated = {t for t, c in counts.items() if c >= MIN_LABEL_REPEATS}
    if not repeated:
        return
    following: dict[str, list[bool]] = {t: [] for t in repeated}
    meaningful = [ln for ln in lines if ln.kind in ("body", "table")]
    for i, ln in enumerate(meaningful):
        if ln.text in repeated:
            nxt = meaningful[i + 1] if i + 1 < len(meaningful) else None
            empty = nxt is None or (nxt.kind == "body" and len(nxt.text) <= MAX_LABEL_CHARS)
            following[ln.text].append(empty)
    labels = {t for t, flags in following.items() if sum(flags) * 2 >= len(flags)}
    glued: list[tuple[int, _Line]] = []
    for i, ln in enumerate(lines):
        if ln.kind != "body":
            continue
        if ln.text in labels:
            ln.kind = "debris"
            continue
        # A label glued to the end of a sentence by a lost newline ("uitvoeringToelichting").
        for label in labels:
            cut = len(ln.text) - len(label)
            if cut > 0 and ln.text.endswith(label) and not ln.text[cut - 1].isspace():
                ln.end = ln.start + len(ln.text[:cut].rstrip())
                ln.text = ln.text[:cut].rstrip()
                glued.append((i + 1, _Line(ln.start + cut, ln.start + cut + len(label), label, kind="debris")))
                break
    for offset, (i, rec) in enumerate(glued):
        lines.insert(i + offset, rec)


# --- pass 3: items and headings -----------------------------------------------------------


def _core(ln: _Line) -> tuple[int, str]:
    """End offset and text of a line without a trailing stray pipe ("Acties 2024 |")."""
    m = _TRAILING_PIPES_RE.search(ln.text)
    if m and m.start() > 0:
        core = ln.text[: m.start()].rstrip()
        return ln.start + len(core), core
    return ln.end, ln.text


def _heading_like(t: str, max_chars: int = MAX_HEADING_CHARS, max_words: int = 12) -> bool:
    if not (2 <= len(t) <= max_chars):
        return False
    if not (t[0].isupper() or t[0].isdigit() or t[0] in "‘'\"“("):
        return False
    if t[-1] in ".,;:…" or _FIELD_NUMBER_RE.search(t):
        return False
    words = t.split()
    if len(words) > max_words or words[-1].lower() in _CONNECTIVES:
        return False
    if " | " in t or _SENTENCE_START_RE.match(t) or _AMOUNT_START_RE.match(t):
        return False  # a pipe-table row, or a sentence ("We ontwikkelen …")
    letters = sum(ch.isalpha() for ch in t)
    return letters >= 2 and letters * 2 >= len(t.replace(" ", ""))


def _rank(title: str, depth: int = 0) -> int:
    if depth:
        return RANK_NUMBERED + depth
    if _TOP_KEYWORD_RE.match(title):
        return RANK_TOP_KEYWORD
    if _QUESTION_RE.match(title):
        return RANK_QUESTION
    if _KEYED_RE.match(title):
        return RANK_KEYED
    return RANK_PLAIN


def _norm(s: str) -> str:
    return " ".join(s.split()).rstrip(" :|")


def _mark_items_and_headings(lines: list[_Line]) -> None:
    idx = [i for i, ln in enumerate(lines) if ln.kind in ("body", "table")]

    def next_meaningful(k: int) -> _Line | None:
        return lines[idx[k + 1]] if k + 1 < len(idx) else None

    def adjacent(i: int, step: int) -> _Line | None:
        """The neighbouring line when no blank line or table lies between (debris skipped)."""
        j = i + step
        while 0 <= j < len(lines) and lines[j].kind == "debris":
            j += step
        if 0 <= j < len(lines) and lines[j].kind == "body":
            return lines[j]
        return None

    k = 0
    while k < len(idx):
        i = idx[k]
        ln = lines[i]
        if ln.kind != "body":
            k += 1
            continue
        t = ln.text
        prev = lines[idx[k - 1]] if k > 0 else None
        list_context = prev is not None and (prev.kind == "item" or prev.text.endswith(":"))
        nxt = next_meaningful(k)

        m = _MD_HEADING_RE.match(t)
        if m and m.group(2):
            ln.kind, ln.rank, ln.title = "heading", len(m.group(1)), _norm(m.group(2))
            k += 1
            continue

        m = _NUMBER_RE.match(t)
        if m:
            number = m.group(1).rstrip(".")
            depth = number.count(".") + 1
            _, core = _core(ln)
            following = _NUMBER_RE.match(nxt.text) if nxt is not None and nxt.kind == "body" else None
            # A "1." after a numbered list starts something new: a heading or another list.
            restarts = number == "1" and prev is not None and prev.kind == "item" and bool(_NUMBER_RE.match(prev.text))
            if list_context and not restarts:
                ln.kind = "item"
            elif depth == 1 and following and following.group(1).rstrip(".") == str(int(number) + 1):
                # "1. …" right above "2. …": a numbered list (a programme's doelstellingen),
                # not a heading without a body; the next ones follow as its items.
                ln.kind = "item"
            elif depth >= 2:
                _numbered_heading(ln, depth, m.end())
            elif _heading_like(core, MAX_NUMBERED_HEADING_CHARS, 20) and nxt is not None and not (
                nxt.kind == "body" and _NUMBER_RE.match(nxt.text) and not _heading_like(nxt.text, MAX_NUMBERED_HEADING_CHARS, 20)
            ):
                ln.kind, ln.rank, ln.title = "heading", RANK_NUMBERED + 1, _norm(core)
                ln.title_end = _core(ln)[0]
            else:
                ln.kind = "item"
            k += 1
            continue

        if _BULLET_RE.match(t):
            ln.kind = "item"
            k += 1
            continue

        # Plain heading, possibly broken over several short lines ("Schulden\nvoorkomen en").
        group = [ln]
        j = i
        while len(group[-1].text) <= MAX_FRAGMENT_CHARS:
            nb = j + 1
            if nb >= len(lines) or lines[nb].kind != "body":
                break
            cand = lines[nb]
            last_word = group[-1].text.split()[-1].lower()
            if len(cand.text) > MAX_FRAGMENT_CHARS or _NUMBER_RE.match(cand.text) or _BULLET_RE.match(cand.text):
                break
            if not (cand.text[0].islower() or last_word in _CONNECTIVES):
                break
            group.append(cand)
            j = nb
        core_end, core = _core(group[-1])
        raw = " ".join([*(g.text for g in group[:-1]), core])
        joined = " ".join(raw.split())
        k_last = idx.index(j, k)
        after = next_meaningful(k_last)
        before = adjacent(i, -1)
        is_heading = _heading_like(joined, MAX_HEADING_CHARS + 30 * (len(group) - 1))
        if is_heading and after is None:
            is_heading = False  # a closing line, not a title
        follower = lines[j + 1] if j + 1 < len(lines) else None
        if is_heading and follower is not None and follower.kind == "body" and follower.text[0].islower():
            is_heading = False  # the sentence continues on the next line
        if is_heading and before is not None and before.kind == "body":
            # Hard-wrapped paragraph: a long line without closing punctuation continues
            # on this one unless this one is clearly shorter (a title after a fragment).
            if len(before.text) >= MAX_FRAGMENT_CHARS and before.text[-1] not in ".!?:;)”\"'’" and len(joined) > 0.6 * len(before.text):
                is_heading = False
        if is_heading:
            ln.kind, ln.rank, ln.title = "heading", _rank(joined), _norm(joined)
            ln.title_end = core_end
            ln.end = core_end
            for g in group[1:]:
                g.kind = "joined"
            ln.joined = group[1:]
        k = k_last + 1


def _numbered_heading(ln: _Line, depth: int, number_len: int) -> None:
    """A heading like "01.02 Titel" whose body may follow on the same line."""
    core_end, core = _core(ln)
    rest = core[number_len:]
    ln.kind, ln.rank = "heading", RANK_NUMBERED + depth
    title_end = len(core)
    if len(core) > MAX_HEADING_CHARS or _TITLE_END_RE.search(rest):
        for m in _TITLE_END_RE.finditer(rest):
            # Titles have at least a few words; an earlier capital is a proper noun.
            if len(rest[: m.start()].split()) < 4:
                continue
            if number_len + m.start() > MAX_INLINE_TITLE_CHARS:
                break
            title_end = number_len + m.start()
            break
        else:
            if len(core) > MAX_INLINE_TITLE_CHARS:
                cut = core.rfind(" ", 0, MAX_HEADING_CHARS)
                title_end = cut if cut > number_len else MAX_HEADING_CHARS
    title = core[:title_end]
    ln.title = _norm(title)
    body_from = title_end
    if body_from < len(core) and core[body_from] in ".!?":
        body_from += 1
    while body_from < len(core) and core[body_from].isspace():
        body_from += 1
    # Keep the title's closing period inside the heading span.
    ln.title_end = ln.start + (title_end + 1 if title_end < len(core) and core[title_end] in ".!?" else title_end)
    if body_from < len(core):
        ln.body_start = ln.start + body_from


# --- pass 4: blocks -----------------------------------------------------------------------


def _build_blocks(text: str, lines: list[_Line]) -> list[Block]:
    blocks: list[Block] = []
    stack: list[tuple[int, str]] = []
    section: tuple[str, ...] = ()
    # Open paragraph/list: kind and the lines in it.
    open_kind: str | None = None
    open_lines: list[tuple[int, int, str]] = []  # (start, end, line text)

    def close() -> None:
        nonlocal open_kind, open_lines
        if open_kind and open_lines:
            blocks.append(Block(open_kind, section, open_lines[0][0], open_lines[-1][1]))
        open_kind, open_lines = None, []

    blank_since = False
    for ln in lines:
        kind = ln.kind
        if kind == "joined":
            continue
        if kind == "blank":
            blank_since = True
            if open_kind == "paragraph":
                close()
            continue
        if kind == "debris":
            close()
            blocks.append(Block("debris", section, ln.start, ln.end))
            blank_since = False
            continue
        if kind == "table":
            close()
            caption = " ".join((ln.table.caption or "").split()) if ln.table is not None else ""
            if caption and " ".join(text[ln.start : ln.end].split()).startswith(caption):
                # A table that opens with its own caption ("Reserves | ||||") starts a
                # section like a plain heading would.
                while stack and stack[-1][0] >= RANK_PLAIN:
                    stack.pop()
                stack.append((RANK_PLAIN, caption))
                section = tuple(title for _, title in stack)
            blocks.append(Block("table", section, ln.start, ln.end))
            blank_since = False
            continue
        if kind == "heading":
            close()
            while stack and stack[-1][0] >= ln.rank:
                stack.pop()
            stack.append((ln.rank, ln.title))
            section = tuple(title for _, title in stack)
            blocks.append(Block("heading", section, ln.start, ln.title_end, ln.rank))
            if ln.body_start >= 0:
                open_kind, open_lines = "paragraph", [(ln.body_start, ln.end, ln.text)]
            blank_since = False
            continue
        if kind == "item":
            if open_kind == "list":
                open_lines.append((ln.start, ln.end, ln.text))
            else:
                lead_in_lines: list[tuple[int, int, str]] = []
                if open_kind == "paragraph" and not blank_since and open_lines and open_lines[-1][2].endswith(":"):
                    # The lead-in is the sentence that ends with ":", which may span lines.
                    cut = len(open_lines) - 1
                    while cut > 0 and open_lines[cut - 1][2][-1] not in ".!?":
                        cut -= 1
                    lead = open_lines[cut:]
                    del open_lines[cut:]
                    lead_in_lines = lead
                elif (
                    open_kind is None
                    and blocks
                    and blocks[-1].kind == "paragraph"
                    and blocks[-1].section == section
                    and text[blocks[-1].start:blocks[-1].end].rstrip().endswith(":")
                ):
                    # Lead-in separated by a blank line: take its last line into the list.
                    para = blocks.pop()
                    para_text = text[para.start:para.end]
                    cut = para_text.rfind("\n")
                    if cut >= 0:
                        a, b = _strip(text, para.start, para.start + cut)
                        if a < b:
                            blocks.append(Block("paragraph", section, a, b))
                        la, lb = _strip(text, para.start + cut + 1, para.end)
                        lead_in = (la, lb, text[la:lb])
                    else:
                        lead_in = (para.start, para.end, para_text)
                    lead_in_lines = [lead_in]
                close()
                open_kind = "list"
                open_lines = lead_in_lines + [(ln.start, ln.end, ln.text)]
            blank_since = False
            continue
        # body
        if open_kind == "list":
            last_text = open_lines[-1][2]
            continues_item = not blank_since and (ln.text[0].islower() or last_text[-1] not in ".;!?")
            if continues_item:
                open_lines.append((ln.start, ln.end, ln.text))
                continue
            close()
        if open_kind == "paragraph" and not blank_since:
            open_lines.append((ln.start, ln.end, ln.text))
        else:
            close()
            open_kind, open_lines = "paragraph", [(ln.start, ln.end, ln.text)]
        blank_since = False
    close()
    return blocks


def section_lookup(blocks: Sequence[Block]):
    """A function offset -> heading path, for `find_tables(..., section_of=...)`.

    Built from `parse_blocks(text, [])` so it can run before tables are known.
    """
    starts = [b.start for b in blocks]
    sections = [b.section for b in blocks]

    def section_of(offset: int) -> tuple[str, ...]:
        i = bisect.bisect_right(starts, offset) - 1
        return sections[i] if i >= 0 else ()

    return section_of
