"""What the answerers know about the corpus: the search, and how strong its evidence is.

`Evidence` wraps the retriever with the question-side views every answerer needs: the
question's content terms (`query_tokens`), how well the best passages cover them
(`strength`), and the similarity of the question to each sentence (`sentence_similarity`).
`Search` is one search: passages in rank order with the query's vector and sentence scores.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant import answer as compose
from assistant.models import Filters, Passage
from assistant.retrieval import Retriever
from corpus.lexicon import FRAME_WORDS, proper_names, tokenize
from corpus.tables import strip_unit
from corpus.text import fold

if TYPE_CHECKING:
    from assistant.understanding import CorpusInfo, QueryPlan
    from corpus.models import Table
    from embeddings.index import HybridIndex

TOP_PASSAGES = 10

# Numbers in a question (years, counts) are not subject words: money questions go to the
# fact store, and "1" in a passage is no evidence about anything.
_NUMBER = re.compile(r"[\d.,]+")


@dataclass(frozen=True)
class Search:
    """One search: passages best first, the query vector and the index's sentence scores
    for it (None in BM25-only mode)."""

    text: str
    passages: list[Passage]
    query_vec: Any = None
    sentence_scores: Any = None


# A question lists a few names; a text full of capitalised words is not looked up word by word.
MAX_NAMES_CHECKED = 12


def _names(question: str) -> list[str]:
    """The names a question gives (`proper_names`), each once, at most MAX_NAMES_CHECKED."""
    return list(dict.fromkeys(proper_names(question)))[:MAX_NAMES_CHECKED]


# A tax or levy named by its kind ("overdrachtsbelasting", "precarioheffing", "bouwleges"): an
# identifier like a name. Bare "belasting" or "leges" names no particular one.
_LEVY = re.compile(r"\b([a-z]{3,}?)s?(?:belasting|heffing|leges)(?:en)?\b")
# What is left of the heads in an index term, however the stemmer cuts a compound
# ("secretarieleges" -> "secretarieleg").
_LEVY_HEADS = ("belast", "heff", "leg")


def _levies(question: str) -> list[tuple[str, str]]:
    """(word, its kind) for each tax or levy a question names by kind (`_LEVY`)."""
    return [(m.group(0), m.group(1)) for m in _LEVY.finditer(fold(question))]


def _is_or_derives(name: str, test: Callable[[str], bool]) -> bool:
    """`test` holds for the name or for the name an adjective or genitive is made of: "de
    Emmense begroting", "Wassenaars beleid", "Deventer"."""
    return test(name) or any(name.endswith(end) and test(name[: -len(end)]) for end in ("se", "s", "er"))


class Evidence:
    """The index seen from the question side (one per loaded assistant)."""

    def __init__(self, index: "HybridIndex", retriever: Retriever, info: "CorpusInfo",
                 tables: Iterable["Table"] = ()) -> None:
        self.index = index
        # Per document, each table's head: (caption, table start, first row start).
        self._table_heads: dict[str, list[tuple[str, int, int]]] = {}
        for t in tables:
            if t.rows:
                self._table_heads.setdefault(t.doc_id, []).append((t.caption, t.start, t.rows[0].start))
        self.retriever = retriever
        self.tokenize = tokenize
        # Each chunk's terms, read with its section title and table header, tokenised once.
        self._chunk_terms = [
            frozenset(tokenize(" ".join(c.section) + " " + c.context + " " + c.text)) for c in index.chunks
        ]
        self._chunk_pos = {c.id: pos for pos, c in enumerate(index.chunks)}
        self.stats = compose.TermStats.from_token_lists(self._chunk_terms)
        # The index terms that name a tax or levy (`absent_names`): a few, read per question.
        self._levy_terms = tuple(t for t in self.stats.idf if any(h in t for h in _LEVY_HEADS))
        # Words that frame a question rather than name its subject (the lexicon's), as index terms.
        self._framing = {t for w in FRAME_WORDS for t in tokenize(w)}
        # Words that only name a place carry no evidence: "in Enschede" is a filter, not a topic.
        self._place_tokens = {t for name in info.municipalities for t in tokenize(name)}
        self._organizations = {fold(m.municipality or "") for m in index.documents.values()} | {
            fold(m) for m in info.municipalities
        }

    def search(self, text: str, scope: Filters, k: int = TOP_PASSAGES, vectors: dict | None = None) -> Search:
        """Passages for `text` within `scope`; `vectors` caches query embeddings per text."""
        if self.retriever.mode == "bm25":
            query_vec = sentence_scores = None
        elif vectors is not None and text in vectors:
            query_vec, sentence_scores = vectors[text]
        else:
            query_vec = self.retriever.embed_query(text)
            sentence_scores = self.index.sentence_scores(query_vec)
            if vectors is not None:
                vectors[text] = (query_vec, sentence_scores)
        ranked = self.retriever.ranked(text, self.retriever.mask(scope), k, query_vec, sentence_scores)
        return Search(text, self.retriever.passages(ranked), query_vec, sentence_scores)

    def search_text(self, plan: "QueryPlan", scope: Filters) -> str:
        """The text to search with: once the municipality is a filter, its name is noise.

        "Deventer" in the query would otherwise pull up every chunk that happens to name the
        town (BM25) and pull the query vector towards it (dense), not towards the subject.
        """
        if scope.municipality is None:
            return plan.search_text
        from corpus.municipalities import Municipalities

        text = plan.search_text
        for m in sorted(Municipalities.load().find(text, ignore_case=True), key=lambda m: -m.start):
            if m.name == scope.municipality:
                text = text[: m.start] + text[m.end :]
        return " ".join(text.split()) or plan.search_text

    def query_tokens(self, plan: "QueryPlan") -> list[str]:
        """The question's content terms: what a passage must cover to count as evidence.

        Places, years and other numbers are not subject words; verbs that only frame a
        question ("doet", "gaat") say nothing about the answer. For an English question the
        English words themselves never occur in Dutch documents: only the Dutch glosses and
        words the corpus knows (names, abbreviations) count, and an English content word
        without a gloss counts as missing evidence ("electric buses" must not be answered by
        a debt sentence).
        """
        tokens = [
            t
            for t in self.tokenize(plan.search_text)
            if t not in self._place_tokens and t not in self._framing and not _NUMBER.fullmatch(t)
        ]
        if plan.language == "en":
            from assistant.understanding import unglossed_english

            tokens = [t for t in tokens if t in self.stats.idf]
            for word in unglossed_english(plan.question):
                tokens.extend(
                    t
                    for t in self.tokenize(word)
                    if t not in self.stats.idf and t not in self._framing and t not in self._place_tokens
                )
        return tokens

    def in_table_head(self, doc_id: str, start: int, end: int, text: str) -> bool:
        """True when a sentence (document offsets, its text) is a table's caption line or lies
        in its header lines: words that name a table or its columns ("Groen (bedragen x €
        1.000)", "Rekening 2022 | Begroting 2024"), no statement that answers anything."""
        for caption, t0, row0 in self._table_heads.get(doc_id, ()):
            if t0 <= start and end <= row0 + 1:
                return True
            if caption and t0 - 2 <= end <= t0 + 1 and strip_unit(text.strip()) == caption:
                return True
        return False

    def strength(self, plan: "QueryPlan", passages: Sequence[Passage], top: int = 3) -> float:
        """Best IDF-weighted coverage of the question's terms by one of the top passages (0..1)."""
        q = self.query_tokens(plan)
        best = 0.0
        for p in passages[:top]:
            best = max(best, compose.coverage(q, self._chunk_terms[self._chunk_pos[p.chunk.id]], self.stats))
        return best

    def sentence_similarity(self, scores: Any, passages: Sequence[Passage]) -> dict[tuple[str, int], float]:
        """Similarity of the question to each indexed sentence of these passages, keyed by
        (document id, sentence start); empty in BM25-only mode (scores None)."""
        if scores is None:
            return {}
        wanted = {p.chunk.id for p in passages}
        chunks = self.index.chunks
        return {
            (chunks[pos].doc_id, start): float(score)
            for (pos, start, _), score in zip(self.index.sentences, scores)
            if chunks[pos].id in wanted
        }

    def sentence_units(self, spans: Sequence[tuple[str, int]]) -> np.ndarray:
        """For each (document id, offset), the position of the indexed sentence holding it in
        `index.sentences` (and in `sentence_scores`), or -1 when no sentence vector covers it."""
        chunks = self.index.chunks
        by_doc: dict[str, list[tuple[int, int, int]]] = {}
        for i, (pos, start, end) in enumerate(self.index.sentences):
            by_doc.setdefault(chunks[pos].doc_id, []).append((start, end, i))
        starts = {d: [u[0] for u in units] for d, units in by_doc.items()}
        out = np.full(len(spans), -1, dtype=np.int64)
        for k, (doc_id, offset) in enumerate(spans):
            units = by_doc.get(doc_id)
            if not units:
                continue
            j = bisect.bisect_right(starts[doc_id], offset) - 1
            if j >= 0 and units[j][0] <= offset < units[j][1]:
                out[k] = units[j][2]
        return out

    def absent_names(self, question: str) -> list[str]:
        """The names a Dutch question gives (`proper_names`) and the taxes and levies it names by
        kind (`_LEVY`) that no loaded document prints and that are no loaded organization's: the
        question is about something else ("de overdrachtsbelasting" is no municipal levy)."""
        def known(name: str) -> bool:
            if fold(name) in self._organizations:
                return True
            # A word no passage has is no name any passage prints: no need to read them all.
            terms = self.tokenize(name)
            if any(t not in self.stats.idf for t in terms):
                return False
            return len(terms) <= 1 or self.mentions(name, in_compounds=True)

        def known_levy(kind: str) -> bool:
            # "rioolbelasting" is the rioolheffing a document prints: the kind names the levy.
            return any(t.startswith(kind) for t in self._levy_terms)

        absent = [n for n in _names(question) if not _is_or_derives(n, known)]
        return absent + [word for word, kind in _levies(question) if not known_levy(kind) and word not in absent]

    def subject_names(self, question: str) -> list[frozenset[str]]:
        """The index terms of each name a Dutch question gives (`proper_names`) that is not a
        loaded organization or place, nor an adjective of one ("Wassenaarse"): what a passage
        that answers it must be about ("de Klimaattafel", "de Sint Jozefkerk")."""
        def place(name: str) -> bool:
            return fold(name) in self._organizations or any(t in self._place_tokens for t in self.tokenize(name))

        out = []
        for n in _names(question):
            if _is_or_derives(n, place):
                continue
            terms = frozenset(self.tokenize(n))
            if terms:
                out.append(terms)
        return out

    def passage_names(self, passage: Passage, names: Sequence[frozenset[str]]) -> bool:
        """True when the passage (its text, section title and table header) holds every term
        of every name, also as the start of a compound ("Den Deijlschool" names Den Deijl)."""
        held = self._chunk_terms[self._chunk_pos[passage.chunk.id]]

        def has(term: str) -> bool:
            return term in held or len(term) >= 4 and any(h.startswith(term) for h in held)

        return all(has(t) for terms in names for t in terms)

    def absent_terms_in_brackets(self, question: str) -> list[str]:
        """The terms an English question gives in brackets, as users give the Dutch word for
        what they mean ("healthcare allowance (zorgtoeslag)"), of which no passage holds a single
        word: the documents are not about it."""
        out = []
        for term in re.findall(r"\(([^()]{3,60})\)", question):
            words = [t for t in self.tokenize(term) if not _NUMBER.fullmatch(t)]
            if words and not any(t in self.stats.idf for t in words):
                out.append(term.strip())
        return out

    def mentions(self, name: str, in_compounds: bool = False) -> bool:
        """True when some indexed passage (or its section title) names `name` as a word
        ("Voorschoten" in a Wassenaar budget about their shared services); in_compounds:
        also as part of a hyphenated compound ("ESF" in "ESF-middelen")."""
        # "West-Holland" is also printed "West Holland", or broken over two lines.
        body = r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", name.strip())))
        edge = r"\w" if in_compounds else r"\w-"
        pattern = re.compile(rf"(?<![{edge}])" + body + rf"(?![{edge}])", re.IGNORECASE)
        return any(pattern.search(c.text) or pattern.search(" › ".join(c.section)) for c in self.index.chunks)

    def passage_for(self, doc_id: str, offset: int) -> Passage | None:
        """The passage whose chunk holds this document offset (the cell a figure came from)."""
        for chunk in self.index.chunks:
            if chunk.doc_id == doc_id and chunk.start <= offset < chunk.end:
                return Passage(chunk, self.index.documents[chunk.doc_id], 1.0, 0)
        return None
