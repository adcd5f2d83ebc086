"""Thumbs up/down on answers, kept in a local SQLite file, and export of the thumbs-down
ones as candidate gold questions for eval/.

The database is created on the first write (nothing happens at import or construction).
Ratings follow `st.feedback("thumbs")`: 0 = thumbs down, 1 = thumbs up.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from assistant.models import Answer
from corpus.files import atomic_write
from corpus.models import stable_id

THUMBS_DOWN = 0
THUMBS_UP = 1
# Long free text is cut, not refused: feedback must never fail on a long comment.
MAX_TEXT = 20_000
MAX_COMMENT = 2_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    resolved_question TEXT NOT NULL,
    answer_text TEXT NOT NULL,
    sources_json TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (0, 1)),
    comment TEXT NOT NULL DEFAULT ''
)
"""


def _check_rating(rating: int) -> int:
    if rating not in (THUMBS_DOWN, THUMBS_UP) or isinstance(rating, bool):
        raise ValueError("Een beoordeling is 0 (duim omlaag) of 1 (duim omhoog).")
    return int(rating)


def sources_json(answer: Answer) -> str:
    """The sources an answer showed (citations, else the closest passages) as a JSON list of
    {n, doc_id, chunk_id, title, municipality, year, section, start, end, sentence_start,
    sentence_end}; offsets are characters in the document text."""
    items = []
    if answer.citations:
        for c in answer.citations:
            items.append((c.n, c.passage, c.sentence_start, c.sentence_end))
    else:
        for p in answer.passages[:3]:
            items.append((None, p, None, None))
    out = []
    for n, passage, s_start, s_end in items:
        chunk, meta = passage.chunk, passage.meta
        out.append(
            {
                "n": n,
                "doc_id": chunk.doc_id,
                "chunk_id": chunk.id,
                "title": meta.title,
                "municipality": meta.municipality,
                "year": meta.year,
                "section": list(chunk.section),
                "start": chunk.start,
                "end": chunk.end,
                "sentence_start": s_start,
                "sentence_end": s_end,
            }
        )
    return json.dumps(out, ensure_ascii=False)


class FeedbackStore:
    """Feedback rows in the SQLite file at `path` (created with its folder on first write)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if not create and not self.path.exists():
            return None
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute(_SCHEMA)
        return conn

    def add(
        self,
        question: str,
        resolved_question: str,
        answer_text: str,
        sources_json: str,
        rating: int,
        comment: str = "",
    ) -> int:
        """Store one rating; returns the row id (for `update`)."""
        rating = _check_rating(rating)
        json.loads(sources_json)  # refuse malformed JSON before it is stored
        conn = self._connect(create=True)
        assert conn is not None
        with conn:
            cur = conn.execute(
                "INSERT INTO feedback (created, question, resolved_question, answer_text, "
                "sources_json, rating, comment) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    question[:MAX_TEXT],
                    resolved_question[:MAX_TEXT],
                    answer_text[:MAX_TEXT],
                    sources_json,
                    rating,
                    (comment or "")[:MAX_COMMENT],
                ),
            )
            row_id = int(cur.lastrowid)
        conn.close()
        return row_id

    def update(self, feedback_id: int, rating: int | None = None, comment: str | None = None) -> None:
        """Change the rating and/or comment of a stored row (a user changes their mind)."""
        if rating is not None:
            rating = _check_rating(rating)
        conn = self._connect(create=True)
        assert conn is not None
        with conn:
            if rating is not None:
                conn.execute("UPDATE feedback SET rating = ? WHERE id = ?", (rating, feedback_id))
            if comment is not None:
                conn.execute(
                    "UPDATE feedback SET comment = ? WHERE id = ?", (comment[:MAX_COMMENT], feedback_id)
                )
        conn.close()

    def _rows(self, where: str = "", params: tuple = ()) -> list[dict]:
        conn = self._connect(create=False)
        if conn is None:
            return []
        rows = [dict(r) for r in conn.execute(f"SELECT * FROM feedback {where} ORDER BY id", params)]
        conn.close()
        return rows

    def all(self) -> list[dict]:
        """Every row as a dict (oldest first); [] when nothing was stored yet."""
        return self._rows()

    def thumbs_down(self) -> list[dict]:
        """Rows rated thumbs down (oldest first)."""
        return self._rows("WHERE rating = ?", (THUMBS_DOWN,))


def export_candidates(store: FeedbackStore, out_path: Path | str) -> int:
    """Write the thumbs-down questions as JSON lines in the gold-question format
    ({id, question, kind: "passage", evidence: [], note}) to `out_path`, atomically.

    Evidence is left empty for a person to fill in; the note carries what the user saw and
    said. Ids are deterministic (hash of question and row id). Returns the number written.
    """
    out_path = Path(out_path)
    lines = []
    for row in store.thumbs_down():
        try:
            titles = sorted({s.get("title") or s.get("doc_id") for s in json.loads(row["sources_json"])})
        except (ValueError, TypeError, AttributeError):
            titles = []
        note = (
            f"Duim omlaag op {row['created']}. Gezocht op: {row['resolved_question']}. "
            f"Toelichting: {row['comment'] or '-'}. Getoonde bronnen: {', '.join(map(str, titles)) or '-'}. "
            f"Antwoord: {row['answer_text']}"
        )
        lines.append(
            json.dumps(
                {
                    "id": "feedback-" + stable_id(row["question"], row["id"], length=10),
                    "question": row["question"],
                    "kind": "passage",
                    "evidence": [],
                    "note": note,
                },
                ensure_ascii=False,
            )
        )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out_path, "".join(line + "\n" for line in lines))
    return len(lines)
