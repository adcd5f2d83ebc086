"""The language of the documents and the questions, in one place.

Every stage that reads words uses this package: the index (BM25 terms), the corpus (years of
a table column), question understanding (years, phases, flows, what kind of answer is asked)
and the budget lookup. Where a term comes from is written down in docs/DOMAIN.md; nothing here
exists for one question or one document. Import from `corpus.lexicon`: it re-exports every
public name of its modules.

- Words (`tokens.py`): `fold`, `STOPWORDS`, `stem`, `tokenize` (index terms), `content_words`
  (the subject words of a question or a label: no function words, no framing words, no years
  or numbers), `proper_names`, `compound_parts`.
- Years (`calendar_years.py`): `YEAR`, `years`, `year_span` (ranges "2024-2027"),
  `RELATIVE_YEAR` (volgend jaar), `year_shift` (een jaar later).
- Public finance (BBV, Iv3; `finance.py`): budget phases (`phases`, `column_phase`), money flows
  (`flows`, `flows_compatible`), the reference point of a change (`REFERENCE`), `TAAKVELDEN`.
- What a question asks for (`answer_kind.py`): `asked(question) -> Asked` (money, an amount, a
  quantity) — the one money/quantity decision; the arithmetic it asks for
  (`calculation.py`: `calculation_asked`).
- Numbers of things (`counts.py`): `find_counts`, `counted_noun`, units, durations, moments;
  `has_quantity(text)` for the sentences that answer a quantity.

The modules import downwards only: `calendar_years` and `finance` stand alone; `tokens` reads
both (a content word is no year, phase or flow word); `counts` reads `tokens`; `calculation`
reads `calendar_years`; `answer_kind` reads them all. (No module is named like a function the
package exports — `words`, `years`, `asked` — so `corpus.lexicon.years` stays the function.)
"""

from __future__ import annotations

from corpus.lexicon.answer_kind import (
    AMOUNT_CHANGE, EXACT_ASKED, PART_ASKED, TOTAL_ASKED, Asked, asked, cost_coverage, money_named,
    names_money, percentage_base, ratio_asked, share_of,
)
from corpus.lexicon.calculation import calculation_asked, change_direction, difference_parts
from corpus.lexicon.calendar_years import (
    RELATIVE_YEAR, RELATIVE_YEAR_OFFSET, YEAR, YEAR_RANGE, YEAR_SHIFT, year_shift, year_span, years,
)
from corpus.lexicon.counts import (
    COUNT_NOUNS, TIME_UNITS, UNIT_ABBREVIATIONS, UNIT_NOUNS, UNIT_SHORT_FORMS, Count, counted_noun,
    counts_noun, duration_asked, find_counts, has_quantity, is_counted_noun, moment_asked, same_counted,
    states_count, states_duration, states_moment,
)
from corpus.lexicon.finance import (
    CHANGE_PHASES, FLOWS, LIFECYCLE, MUTATION, PHASES, REALISED, REFERENCE, RESERVE_FLOWS, STOCK, TAAKVELDEN,
    column_phase, flows, flows_compatible, phases, position, realised_asked, sides, taakveld_of_label,
    taakvelden_named,
)
from corpus.lexicon.tokens import (
    FRAME_WORDS, NEGATION, NUMBER_WORDS, STOPWORDS, compound_parts, content_words, negated_part,
    proper_names, stem, tokenize, words,
)
from corpus.text import fold

__all__ = [
    "AMOUNT_CHANGE", "Asked", "FLOWS", "PHASES", "REFERENCE", "RESERVE_FLOWS", "RELATIVE_YEAR", "RELATIVE_YEAR_OFFSET", "YEAR_SHIFT", "year_shift", "STOPWORDS",
    "TAAKVELDEN", "YEAR", "YEAR_RANGE", "asked", "calculation_asked", "column_phase", "content_words", "flows", "flows_compatible",
    "Count", "TIME_UNITS", "UNIT_NOUNS", "UNIT_SHORT_FORMS", "duration_asked", "moment_asked", "states_duration", "states_moment", "counts_noun", "states_count", "difference_parts", "find_counts", "fold", "names_money", "has_quantity", "phases", "stem", "taakvelden_named", "taakveld_of_label", "tokenize", "words", "year_span", "years",
    # Also public: imported by name elsewhere or part of the vocabulary.
    "CHANGE_PHASES", "COUNT_NOUNS", "EXACT_ASKED", "FRAME_WORDS", "LIFECYCLE", "MUTATION", "NEGATION",
    "NUMBER_WORDS", "PART_ASKED", "REALISED", "STOCK", "TOTAL_ASKED", "UNIT_ABBREVIATIONS",
    "change_direction", "compound_parts", "cost_coverage", "counted_noun", "is_counted_noun", "money_named",
    "negated_part", "percentage_base", "position", "proper_names", "ratio_asked", "realised_asked",
    "same_counted", "share_of", "sides",
]  # fmt: skip
