"""Ordinary words that question understanding must not take for something else.

Data only (no logic, nothing heavy). `assistant.understanding` compiles what it needs from these once.

ENGLISH_MARKERS / DUTCH_MARKERS: function words used to tell the two languages apart; words
    that exist in both languages ("in", "is", "of", "over") are in neither list.
COMMON_LOWERCASE_WORDS: words that look like an abbreviation when written in lower case.
AMBIGUOUS_PLACE_WORDS: municipality names that are also ordinary Dutch or English words.
"""

from __future__ import annotations

ENGLISH_MARKERS: frozenset[str] = frozenset(
    """
    the a an what which how why when where who whom whose does do did doing is are was were
    about and for with from by on at to this that these those there their they them it its
    much many spend spent spends much city municipality municipalities can could should would will
    please tell show give list compare between across each every per than more less most least
    has have had been being of or
    """.split()
) - {"is", "of", "over", "in", "had", "per", "an"}  # also Dutch words: not evidence of English

DUTCH_MARKERS: frozenset[str] = frozenset(
    """
    de het een wat welke hoe hoeveel waarom wanneer waar wie zijn wordt worden werd was waren
    doet doen heeft hebben van voor met en er die dat deze dit aan bij naar uit ook nog niet
    gemeente gemeenten jaar begroting inwoners mensen geld wij we ze zij hun onze
    """.split()
)

# Words that look like an abbreviation when written in lower case but are ordinary words;
# an abbreviation written all lower case in a question is only expanded when it is not one of
# these (e.g. "wil" = want, not WIL).
COMMON_LOWERCASE_WORDS: frozenset[str] = frozenset(
    """
    wil wat wie was zin aan bij dat die dit het een van voor met mee naar uit ook nog per
    son can may tax the and for are not you all out via bob zorg
    """.split()
)

# Municipality names that are also ordinary Dutch or English words. A question only names
# such a municipality when it is capitalised and not the first word ("Hoe doet Best het?"),
# never in lower case ("wat is het best", "huizen bouwen").
AMBIGUOUS_PLACE_WORDS: frozenset[str] = frozenset(
    """
    best goes buren bergen putten huizen duiven weert hoorn sluis beek ede epe echt oss laren
    mill son asten stein renkum horst land urk tiel veere vaals venray ommen heerde waterland
    meppel borne grave hof
    """.split()
)
