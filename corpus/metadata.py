"""Guess a document's metadata from its text and file name.

`detect_metadata(text, file_name) -> DocumentMeta`: municipality — the issuing organization:
a province, water board, gemeenschappelijke regeling or municipality named on the cover
(`corpus.organizations`), else the municipality most mentioned (demonyms count) —, the
document's year, its type (one of DOC_TYPES), a title, a programme when a line names one,
and the page-export date. Users see and can correct all of it (corpus.store).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from corpus.models import DOC_TYPES, DocumentMeta
from corpus.municipalities import Municipalities
from corpus.organizations import cover_organization

MIN_YEAR, MAX_YEAR = 1990, 2100

_EXPORT_LINE = re.compile(
    r"Deze pagina is gebouwd op\s+(\d{1,2})/(\d{1,2})/(\d{4})[^\n]*?"
    r"met de export van\s+(\d{1,2})/(\d{1,2})/(\d{4})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d.,/-])((?:19|20|21)\d{2})(?![\d.,]\d)")

# "<document or period word> <year>": the year the document is about. A following "-2026"
# makes it a multi-year range ("Meerjarenbegroting 2023-2026"), which is not the document year.
_YEAR_CUES = re.compile(
    r"\b(?:programma|ontwerp|concept)?(?:begroting|rekening)"
    r"|\b(?:\d+e\s+)?kwartaal\s?rapportage|\bberap|\bburap|\bvoorjaarsnota|\bkadernota"
    r"|\bjaarverslag|\bjaarrekening|\bjaarstukken|\bvoortgangsrapportage|\bvoortgang"
    r"|\brealisatie|\bacties|\bdoelstellingen(?:\s+voor)?|\bdoelen(?:\s+voor)?"
    r"|\bspeerpunten(?:\s+voor)?|\bbegrotingsjaar|\bprognose",
    re.IGNORECASE,
)
_CUED_YEAR = re.compile(
    r"(?:" + _YEAR_CUES.pattern + r")\s+(?:voor\s+|van\s+|over\s+)?((?:19|20|21)\d{2})(?!\s*[-–/]\s*\d)",
    re.IGNORECASE,
)

# Keyword -> (doc type, weight). Policy-document words weigh less: budgets and reports cite
# policy frameworks all the time ("Beleidskader Inclusieve Stad"), the reverse is rarer.
_TYPE_KEYWORDS: tuple[tuple[str, str, float], ...] = (
    (r"programmabegroting|begroting|ontwerpbegroting", "programmabegroting", 1.0),
    (r"wat willen we bereiken|wat gaan we (?:daarvoor )?doen|wat mag het kosten", "programmabegroting", 1.0),
    (r"kwartaal\s?rapportages?|berap|burap|bestuursrapportage|tussenrapportage", "kwartaalrapportage", 1.5),
    (r"jaarverslag|jaarrekening|jaarstukken|wat hebben we bereikt|wat heeft het gekost", "jaarverslag", 1.0),
    (r"voortgangsrapportage|voortgangsrapportages|voortgang|stand van zaken", "voortgangsrapportage", 1.5),
    (r"kadernota|voorjaarsnota", "kadernota", 0.8),
    (r"beleidsnota|beleidsplan|beleidskader|beleidsvisie", "beleidsnota", 0.5),
    # A letter of the college to the council or a committee: its salutation says so.
    (r"raadsinformatiebrief|raadsbrief|geachte (?:raads|commissie)leden|geachte leden van de (?:raad|commissie)",
     "raadsbrief", 12.0),
)
_TYPE_REGEXES = tuple(
    (re.compile(r"\b(?:" + pat + r")\b", re.IGNORECASE), kind, weight)
    for pat, kind, weight in _TYPE_KEYWORDS
)

# First lines that are navigation or generic budget questions, not a title.
_NOT_A_TITLE = re.compile(
    r"^(?:hoofdstukken|inhoud|inhoudsopgave|menu|home|terug|print|zoeken|wat willen we bereiken"
    r"|wat gaan we (?:daarvoor )?doen|wat mag het kosten|deze pagina is gebouwd.*)$",
    re.IGNORECASE,
)
# One line only ([ \t], not \s): a table header cell "Programma" above a caption is no name.
_PROGRAM_LINE = re.compile(
    r"^[ \t]*[Pp]rogramma[ \t]*(?:\d+[.:]?[ \t]*)?[:\-–]?[ \t]*[\"'“‘]?(?P<name>[A-Z0-9][^|\n\"”’]{2,80}?)[\"'”’]?[ \t]*$",
    re.MULTILINE,
)
_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
_DATE = re.compile(r"\b\d{1,2}\s+(?:" + _MONTHS + r")\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*(?:onderwerp|betreft)\s*:?\s*$", re.IGNORECASE)
FILE_NAME_WEIGHT = 3  # a file name chosen by a person is a strong hint, worth a few mentions


def find_export_date(text: str) -> str | None:
    """ISO date (yyyy-mm-dd) of the export in "Deze pagina is gebouwd op A met de export van B".

    The two dates share one format, dd/mm or mm/dd; a component above 12 settles which. When
    neither does, the order in which the page is built no earlier than the export is used;
    if both orders fit, mm/dd (the format this export tool writes) is assumed.
    """
    match = None
    for match in _EXPORT_LINE.finditer(text):
        pass  # the last one: a page footer
    if match is None:
        return None
    nums = [int(g) for g in match.groups()]
    built, export = nums[:3], nums[3:]

    def as_date(parts: list[int], month_first: bool) -> dt.date | None:
        a, b, year = parts
        month, day = (a, b) if month_first else (b, a)
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None

    orders = []
    for month_first in (True, False):
        b, e = as_date(built, month_first), as_date(export, month_first)
        if b is not None and e is not None:
            orders.append((month_first, b, e))
    if not orders:
        return None
    consistent = [o for o in orders if o[1] >= o[2]] or orders
    return consistent[0][2].isoformat()


def _strip_export_lines(text: str) -> str:
    return _EXPORT_LINE.sub(" ", text)


def detect_year(text: str, file_name: str = "") -> int | None:
    """The year a document is about: the most frequent year after a document/period cue
    ("Programmabegroting 2024", "realisatie 2022", "Doelstellingen voor 2021"); ties and
    documents without cues fall back to the most frequent plausible year overall."""
    body = _strip_export_lines(text)
    plain = Counter(
        int(y) for y in _YEAR.findall(body) if MIN_YEAR <= int(y) <= MAX_YEAR
    )
    cued = Counter(
        int(y) for y in _CUED_YEAR.findall(body + "\n" + _spaced(file_name))
        if MIN_YEAR <= int(y) <= MAX_YEAR
    )
    for year in (int(y) for y in _YEAR.findall(_spaced(file_name))):
        if MIN_YEAR <= year <= MAX_YEAR:
            plain[year] += FILE_NAME_WEIGHT
    pool = cued or plain
    if not pool:
        return None
    return max(pool, key=lambda y: (pool[y], plain[y], y))


def detect_doc_type(text: str, file_name: str = "", year: int | None = None) -> str:
    """One of DOC_TYPES by weighted keyword counts; the file name and the opening lines
    count extra because they usually name the document, and so does a keyword followed by
    the document's year ("kwartaalrapportage 2023" in a 2023 report); "onbekend" without
    any cue."""
    head = "\n".join(text.splitlines()[:5])
    scores: Counter[str] = Counter()
    for regex, kind, weight in _TYPE_REGEXES:
        with_year = 0
        if year is not None:
            with_year = sum(
                1 for m in regex.finditer(text)
                if re.match(r"\s+(?:voor\s+|van\s+)?" + str(year) + r"\b", text[m.end() : m.end() + 12])
            )
        scores[kind] += weight * (
            len(regex.findall(text))
            + 2 * with_year
            + 3 * len(regex.findall(head))
            + 5 * len(regex.findall(_spaced(file_name)))
        )
    best = max(scores.items(), key=lambda kv: kv[1], default=("onbekend", 0))
    kind = best[0] if best[1] > 0 else "onbekend"
    return kind if kind in DOC_TYPES else "onbekend"


def detect_municipality(
    text: str, file_name: str = "", municipalities: Municipalities | None = None
) -> str | None:
    """The municipality mentioned most often (names, variants and demonyms all count); the
    file name counts FILE_NAME_WEIGHT times. Ties go to the first mentioned."""
    known = municipalities or Municipalities.load()
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for mention in known.find(_strip_export_lines(text)):
        counts[mention.name] += 1
        first.setdefault(mention.name, mention.start)
    for mention in known.find(_spaced(file_name), ignore_case=True):
        counts[mention.name] += FILE_NAME_WEIGHT
        first.setdefault(mention.name, -1)
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first[n]))


def detect_title(text: str, file_name: str = "") -> str:
    """The document's name for itself: a letter's subject line ("onderwerp"), else the first
    short line in the opening that names a document kind ("Programmabegroting 2024"), else the
    first meaningful line (at most 150 characters), else a title made of the file name."""
    lines = [ln.strip().strip("|").strip() for ln in text.splitlines()[:80]]
    lines = [ln for ln in lines if ln]
    for i, line in enumerate(lines[:-1]):
        if _SUBJECT.match(line) and sum(ch.isalpha() for ch in lines[i + 1]) >= 3:
            return lines[i + 1].strip("‘’'\" ")[:150]
    for line in lines:
        if len(line) <= 100 and any(regex.search(line) for regex, _, _ in _TYPE_REGEXES[:6]) and _YEAR.search(line):
            return line
    for raw in text.splitlines()[:60]:
        line = raw.strip().strip("|").strip()
        letters = sum(ch.isalpha() for ch in line)
        if letters < 3 or _NOT_A_TITLE.match(line):
            continue
        if len(line) > 150:
            line = line[:150].rsplit(" ", 1)[0] + " …"
        return line
    stem = Path(file_name).stem if file_name else ""
    return _spaced(stem).strip().capitalize() or "Naamloos document"


def detect_program(text: str) -> str | None:
    """The programme of a document about one programme: its line "Programma 3: Sociaal
    domein". A line ending in a full stop is prose, not a heading; a document naming several
    programmes (a whole programmabegroting) is about none of them in particular."""
    names = {m.group("name").strip() for m in _PROGRAM_LINE.finditer(text)}
    names = {n for n in names if not n.endswith(".")}
    return names.pop() if len(names) == 1 else None


def detect_metadata(text: str, file_name: str = "") -> DocumentMeta:
    """All detected metadata of one document (text as loaded, file name with extension)."""
    year = detect_year(text, file_name)
    doc_type = detect_doc_type(text, file_name, year)
    if doc_type == "raadsbrief":
        # A letter is of the year it is dated, whatever budget years it discusses.
        dated = _DATE.search(text)
        year = int(dated.group(1)) if dated else year
    return DocumentMeta(
        title=detect_title(text, file_name),
        municipality=cover_organization(text, file_name) or detect_municipality(text, file_name),
        year=year,
        doc_type=doc_type,
        program=detect_program(text),
        export_date=find_export_date(text),
    )


def _spaced(file_name: str) -> str:
    """File name with separators as spaces, so "deventer_kwartaalrapportage-2023.pdf" reads
    as words."""
    return re.sub(r"[_\-.]+", " ", Path(file_name).stem) if file_name else ""
