"""Structure-aware chunking: documents in, citable chunks out.

Every chunk is an exact slice of the document text (`chunk.text == doc.text[start:end]`),
lies inside one section, never contains debris, and holds at most `max_chars` characters,
with one exception: a single table row longer than `max_chars` (but within
`ROW_HARD_LIMIT` × max_chars) is kept whole as its own chunk, because a row is the unit a
budget citation points at; its context names the row.

Blocks come from `corpus.structure.parse_blocks`; consecutive blocks of one section are
packed greedily; a block too long for a chunk is split with langchain's
RecursiveCharacterTextSplitter (paragraph, line, sentence, word boundaries) and the pieces
are located in the source to get their offsets. A table is split between rows only, and
every piece after the first repeats caption, unit and header row in `chunk.context`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from typing import Sequence

from corpus.models import Chunk, Document, Table
from corpus.structure import Block, parse_blocks, section_lookup

DEFAULT_MAX_CHARS = 1000
# A heading or a one-line lead-in shorter than this is kept with the start of the text
# that follows it (the first piece of that text is cut shorter to make room).
ATTACH_LIMIT_FRACTION = 0.25
# A single table row up to this many times max_chars stays whole; longer rows (a long
# explanation inside a cell) are split at sentence boundaries.
ROW_HARD_LIMIT = 2
# Bump when chunk boundaries, the indexed chunk text (embeddings.plan.passage_text) or the
# index terms (corpus.lexicon.tokenize) change: the index then re-chunks and re-embeds every
# document.
CHUNKER_VERSION = "4"
# Separators from coarse to fine; "" guarantees progress on text without any spaces.
SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


def chunk_document(
    doc: Document, max_chars: int = DEFAULT_MAX_CHARS, tables: Sequence[Table] | None = None
) -> list[Chunk]:
    """Chunks of `doc` in document order.

    max_chars: upper bound on a chunk's text length (characters).
    tables: the document's tables; found with corpus.tables.find_tables when None.
    """
    if max_chars < 50:
        raise ValueError("max_chars moet minstens 50 tekens zijn.")
    text = doc.text
    if not text or not text.strip():
        return []
    if tables is None:
        tables = document_tables(doc)
    blocks = parse_blocks(text, tables)
    by_span = {(t.start, t.end): t for t in tables}
    chunks = _Packer(doc, max_chars, by_span).run(blocks)
    if not doc.page_starts:
        return chunks
    return [replace(c, page=doc.page_at(c.start)) for c in chunks]


def document_tables(doc: Document) -> list[Table]:
    """The document's tables with their section paths: what the chunker keeps whole and the
    budget layer reads, so both name a table the same way."""
    from corpus.tables import find_tables  # imported here: structure tests need no table finder

    # Tables get the heading path they stand under from a table-less parse of the text.
    section_of = section_lookup(parse_blocks(doc.text, []))
    # A PDF's tables were read from word positions by the loader; the pipe lines it wrote for
    # them are not parsed again.
    read = [replace(t, section=section_of(t.start)) for t in doc.tables]
    spans = [(t.start, t.end) for t in read]
    found = [t for t in find_tables(doc.id, doc.text, section_of=section_of)
             if not any(s <= t.start < e or s < t.end <= e for s, e in spans)]
    return sorted(read + found, key=lambda t: t.start)


def chunk_stats(chunks: Sequence[Chunk]) -> dict:
    """Count and size distribution (characters of chunk text) for benchmarks."""
    sizes = sorted(len(c.text) for c in chunks)
    if not sizes:
        return {"count": 0, "min": 0, "median": 0, "p90": 0, "max": 0}
    p90 = sizes[min(len(sizes) - 1, int(round(0.9 * (len(sizes) - 1))))]
    return {
        "count": len(sizes),
        "min": sizes[0],
        "median": statistics.median(sizes),
        "p90": p90,
        "max": sizes[-1],
    }


@dataclass
class _Open:
    """The chunk being filled: a span of one section and the kinds of blocks in it."""

    start: int
    end: int
    section: tuple[str, ...]
    kinds: list[str]
    list_chars: int = 0


class _Packer:
    def __init__(self, doc: Document, max_chars: int, tables: dict[tuple[int, int], Table]):
        self.doc = doc
        self.text = doc.text
        self.max = max_chars
        self.attach_limit = int(max_chars * ATTACH_LIMIT_FRACTION)
        self.tables = tables
        self.chunks: list[Chunk] = []
        self.open: _Open | None = None
        self._splitters: dict[int, object] = {}

    # -- output ---------------------------------------------------------------------------

    def emit(self, start: int, end: int, section: tuple[str, ...], kind: str, context: str = "") -> None:
        start, end = _trim(self.text, start, end)
        if start >= end:
            return
        body = self.text[start:end]
        self.chunks.append(
            Chunk(
                id=Chunk.make_id(self.doc.id, start, end, body),
                doc_id=self.doc.id,
                section=section,
                start=start,
                end=end,
                text=body,
                kind=kind,
                context=context,
            )
        )

    def flush(self) -> None:
        o, self.open = self.open, None
        if o is None:
            return
        # A heading with no text of its own under it says nothing a chunk could cite;
        # its words live on in the section path of what follows.
        if all(k == "heading" for k in o.kinds):
            return
        kind = "list" if o.list_chars * 2 >= (o.end - o.start) else "text"
        self.emit(o.start, o.end, o.section, kind)

    # -- main loop ------------------------------------------------------------------------

    def run(self, blocks: list[Block]) -> list[Chunk]:
        for b in blocks:
            if b.kind == "debris":
                self.flush()
            elif b.kind == "table":
                self.add_table(b)
            else:
                self.add_block(b)
        self.flush()
        return self.chunks

    def add_block(self, b: Block) -> None:
        o = self.open
        if o is not None and o.section != b.section:
            self.flush()
            o = None
        if o is not None and b.end - o.start <= self.max:
            o.end = b.end
            o.kinds.append(b.kind)
            if b.kind == "list":
                o.list_chars += b.end - b.start
            return
        if o is not None and o.end - o.start <= self.attach_limit:
            # Keep a heading or short lead-in with the beginning of what follows.
            first_budget = self.max - (b.start - o.start)
            pieces = self.split(b.start, b.end, first_budget)
            first_end = pieces[0][1]
            o.end = first_end
            o.kinds.append(b.kind)
            if b.kind == "list":
                o.list_chars += first_end - b.start
            rest = pieces[1:]
            if not rest:
                return
            self.flush()
            self._open_pieces(b, rest)
            return
        self.flush()
        self._open_pieces(b, self.split(b.start, b.end, self.max))

    def _open_pieces(self, b: Block, pieces: list[tuple[int, int]]) -> None:
        """Emit all pieces but the last, which stays open so following blocks can join it."""
        kind = "list" if b.kind == "list" else "text"
        for s, e in pieces[:-1]:
            self.emit(s, e, b.section, kind)
        s, e = pieces[-1]
        self.open = _Open(s, e, b.section, [b.kind], e - s if b.kind == "list" else 0)

    # -- splitting ------------------------------------------------------------------------

    def split(self, start: int, end: int, first_budget: int) -> list[tuple[int, int]]:
        """Cut [start, end) into trimmed spans: the first ≤ first_budget, the rest ≤ max."""
        start, end = _trim(self.text, start, end)
        if end - start <= first_budget:
            return [(start, end)]
        pieces: list[tuple[int, int]] = []
        if first_budget < self.max:
            first = self._split_span(start, end, max(first_budget, 1))[0]
            pieces.append(first)
            start, end = _trim(self.text, first[1], end)
            if start >= end:
                return pieces
        return pieces + self._split_span(start, end, self.max)

    def _split_span(self, start: int, end: int, size: int) -> list[tuple[int, int]]:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = self._splitters.get(size)
        if splitter is None:
            splitter = RecursiveCharacterTextSplitter(
                chunk_size=size,
                chunk_overlap=0,
                separators=SEPARATORS,
                keep_separator="end",
                strip_whitespace=True,
            )
            self._splitters[size] = splitter
        segment = self.text[start:end]
        spans: list[tuple[int, int]] = []
        cursor = 0
        for piece in splitter.split_text(segment):
            at = segment.find(piece, cursor)
            if at < 0:  # the splitter never rewrites text; stay safe if it ever does
                continue
            spans.extend(_hard_cut(start + at, start + at + len(piece), size))
            cursor = at + len(piece)
        if not spans:
            spans = _hard_cut(start, end, size)
        spans = [_trim(self.text, s, e) for s, e in spans]
        spans = [(s, e) for s, e in spans if s < e]
        # The recursive splitter does not merge the last piece of a recursed part with the
        # next part, which leaves tiny fragments ("Indicatoren: 5"); merge neighbours that fit.
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and e - merged[-1][0] <= size:
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        return merged

    # -- tables ---------------------------------------------------------------------------

    def add_table(self, b: Block) -> None:
        table = self.tables.get((b.start, b.end))
        carry: int | None = None
        o = self.open
        if o is not None and o.section == b.section and all(k == "heading" for k in o.kinds):
            # The table's own heading ("Wijzigingen deze periode") opens its first piece.
            carry = o.start
            self.open = None
        else:
            self.flush()
        if table is None or not table.rows:
            start = b.start if carry is None or b.end - carry > self.max else carry
            for s, e in self.split(start, b.end, self.max):
                self.emit(s, e, b.section, "table")
            return
        self._table_pieces(table, b.section, carry)

    def _table_pieces(self, t: Table, section: tuple[str, ...], carry: int | None) -> None:
        text = self.text
        rows = sorted(
            (r for r in t.rows if t.start <= r.start < r.end <= t.end),
            key=lambda r: r.start,
        )
        caption = (t.caption or "").strip()
        header = ""
        hs, he = t.header_span if t.header_span else (-1, -1)
        if 0 <= hs < he <= len(text):
            header = " ".join(text[hs:he].split())
        parts = [caption]
        if t.unit_text and t.unit_text not in caption:
            parts.append(t.unit_text.strip())
        parts.append(header)
        repeat_ctx = "\n".join(p for p in parts if p)

        # Units: the table head (caption/unit/header lines before the first row), rows,
        # and a tail (footnotes) after the last row.
        head_start = t.start if carry is None else carry
        units: list[tuple[int, int, object]] = []
        if rows and _trim(text, head_start, rows[0].start)[0] < _trim(text, head_start, rows[0].start)[1]:
            units.append((head_start, rows[0].start, None))
        prev_end = rows[0].start if rows else t.start
        for r in rows:
            if r.start < prev_end:  # overlapping rows: keep order, never go backwards
                continue
            units.append((r.start, r.end, r))
            prev_end = r.end
        if prev_end < t.end and _trim(text, prev_end, t.end)[0] < _trim(text, prev_end, t.end)[1]:
            units.append((prev_end, t.end, None))

        piece: list[int] | None = None  # [start, end]
        first = True

        def close_piece() -> None:
            nonlocal piece, first
            if piece is not None:
                ctx = repeat_ctx
                if first:
                    ctx = caption if caption and caption not in text[piece[0] : piece[1]] else ""
                self.emit(piece[0], piece[1], section, "table", ctx)
                first = False
            piece = None

        for s, e, row in units:
            s, e = _trim(text, s, e)
            if s >= e:
                continue
            if piece is not None and e - piece[0] <= self.max:
                piece[1] = e
                continue
            if e - s <= self.max:
                close_piece()
                piece = [s, e]
                continue
            # One unit longer than a chunk.
            label = " › ".join(row.label) if row is not None and row.label else ""
            row_ctx = (repeat_ctx + (f"\nRij: {label}" if label else "")).strip()
            if row is not None and e - s <= ROW_HARD_LIMIT * self.max:
                close_piece()
                self.emit(s, e, section, "table", row_ctx)
                first = False
                continue
            # Too long even as a whole row: split inside it at sentence boundaries; a small
            # open piece (the table head) takes the first part with it.
            if piece is not None and piece[1] - piece[0] <= self.attach_limit:
                pieces = self.split(s, e, self.max - (s - piece[0]))
                piece[1] = pieces[0][1]
                close_piece()
                pieces = pieces[1:]
            else:
                close_piece()
                pieces = self.split(s, e, self.max)
            for ps, pe in pieces:
                self.emit(ps, pe, section, "table", row_ctx)
                first = False
        close_piece()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _hard_cut(start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Fixed-size cuts for a piece the splitter left too long (never expected)."""
    return [(s, min(s + size, end)) for s in range(start, end, size)]
