"""The organization that issues a document, from its cover and title and its own name for itself.

Besides the 342 municipalities, Dutch public bodies that publish a begroting and jaarstukken
under the same BBV rules are the twelve provinces, the water boards (waterschap,
hoogheemraadschap, wetterskip) and the gemeenschappelijke regelingen (a veiligheidsregio, an
omgevingsdienst, a GGD, a regionale uitvoeringsdienst, a metropool- or vervoerregio, a "GR …"). Such a document names its
issuer on the cover ("Programmabegroting 2025 Veiligheidsregio Haaglanden", "Provincie
Utrecht", "gemeente Wassenaar"); the body text then mentions the participating municipalities
far more often, so counting mentions picks the wrong one.

`cover_organization(text, file_name, municipalities)` reads the opening lines (the cover and
title page: COVER_LINES non-empty lines, each a short line) and returns the first issuer named
there, else one named in the file name, else None (the caller then counts municipality
mentions). Address and letterhead lines (postbus, postcode, telefoon, e-mail, "Aan …") are
skipped: they name the addressee or a sender's address, not the issuer.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus.municipalities import Municipalities

# The cover and title page of a PDF or a document's first heading lines.
COVER_LINES = 15
# A cover or title line is short; running text that mentions a body is not its name.
MAX_COVER_LINE = 100

PROVINCES = {
    "groningen": "Groningen", "fryslân": "Fryslân", "friesland": "Fryslân", "drenthe": "Drenthe",
    "overijssel": "Overijssel", "flevoland": "Flevoland", "gelderland": "Gelderland",
    "utrecht": "Utrecht", "noord-holland": "Noord-Holland", "zuid-holland": "Zuid-Holland",
    "zeeland": "Zeeland", "noord-brabant": "Noord-Brabant", "limburg": "Limburg",
}
_NAME = r"(?:(?:van|de|en|het|'t)\s+)*[A-ZÀ-Ý'’][\w'’.-]*(?:\s+(?:(?:van|de|en|het|aan|'t)\s+)*[A-ZÀ-Ý'’][\w'’.-]*){0,4}"
# Kinds of body with a name of their own after the kind word, as they call themselves.
_BODY = re.compile(
    r"\b(?P<kind>Waterschap|Hoogheemraadschap(?:\s+van)?|Wetterskip|Veiligheidsregio|Omgevingsdienst"
    r"|GGD|Regionale\s+Uitvoeringsdienst|Metropoolregio|Vervoerregio|Gemeenschappelijke\s+regeling|GR)"
    r"\s+(?P<name>" + _NAME + r")"
)
_PROVINCE = re.compile(r"\bProvincie\s+(?P<name>[A-Z][\w-]+(?:-[A-Z][\w]+)?)", re.UNICODE)
_GEMEENTE = re.compile(r"\b[Gg]emeente\s+(?P<name>(?:'s-|’s-)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})")
_ADDRESS = re.compile(
    r"\bpostbus\b|\b\d{4}\s?[A-Z]{2}\b|\btel(?:efoon)?\.?\s*:?\s*\d|@|www\.|https?://|^\s*aan\b|^\s*t\.a\.v\.",
    re.IGNORECASE,
)
# Words that end a body's name: a document kind or a year printed after it on one line.
_NAME_END = re.compile(
    r"\s+(?:(?:Programma)?[Bb]egroting|Jaarstukken|Jaarverslag|Jaarrekening|Kadernota|Voorjaarsnota"
    r"|Bestuursrapportage|Meerjaren\w*|\d{4}).*$"
)


def body_name_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each public body's own name in `text`: "Rotterdam Den Haag" in
    "Metropoolregio Rotterdam Den Haag", "Haaglanden" in "Veiligheidsregio Haaglanden". A
    place named there names the body, not the municipality a question is about."""
    return [m.span("name") for m in _BODY.finditer(text)]


def cover_lines(text: str) -> list[str]:
    """The first COVER_LINES non-empty lines that are short and not an address or letterhead."""
    out = []
    for raw in text.splitlines():
        line = raw.strip().strip("|").strip()
        if not line:
            continue
        if len(out) + 1 > COVER_LINES:
            break
        out.append(line)
    return [ln for ln in out if len(ln) <= MAX_COVER_LINE and not _ADDRESS.search(ln)]


def organization_in(line: str, municipalities: Municipalities) -> str | None:
    """The issuing body a cover line names: "Provincie Utrecht", "Waterschap Rivierenland",
    "Veiligheidsregio Haaglanden", or a municipality after "gemeente" ("Wassenaar")."""
    m = _PROVINCE.search(line)
    if m and m.group("name").lower() in PROVINCES:
        return "Provincie " + PROVINCES[m.group("name").lower()]
    m = _BODY.search(line)
    if m:
        kind = " ".join(m.group("kind").split())
        name = _NAME_END.sub("", m.group("name")).strip()
        if name:
            return f"{kind} {name}"
    m = _GEMEENTE.search(line)
    if m:
        words = m.group("name").split()
        # The longest run of leading words that is a municipality ("Súdwest-Fryslân", "Den Haag").
        for n in range(len(words), 0, -1):
            name = municipalities.canonical(" ".join(words[:n]))
            if name:
                return name
    return None


def cover_organization(text: str, file_name: str = "", municipalities: Municipalities | None = None) -> str | None:
    """The issuer named on the cover or title page, else in the file name, else None."""
    known = municipalities or Municipalities.load()
    for line in cover_lines(text):
        found = organization_in(line, known)
        if found:
            return found
    if file_name:
        # A file name names a province or a regional body; municipalities in file names are
        # weighed with the mentions (corpus.metadata.detect_municipality).
        spaced = re.sub(r"[_\-.]+", " ", Path(file_name).stem)
        found = organization_in(_capitalised(spaced), known)
        if found and found not in known.names():
            return found
    return None


def _capitalised(words: str) -> str:
    """File-name words as a title ("ggd haaglanden begroting" -> "GGD Haaglanden Begroting")."""
    out = []
    for w in words.split():
        low = w.lower()
        out.append(w.upper() if low in ("ggd", "gr") else w[:1].upper() + w[1:])
    return " ".join(out)
