"""The financial norms every Dutch budget reports, by their legal definition.

Data only (no logic, nothing heavy). `assistant.understanding` compiles what it needs from these once.

DEFINED_BY: the financial norms every Dutch budget reports, each with the parts of its legal
    definition (BBV art. 11 and the Commissie BBV's notitie on the kengetallen; Wet fido art. 2
    and 3): a question that describes a norm by its definition ("de schuld afgezet tegen de
    inkomsten") is read as naming it (`assistant.understanding.search_text.described_norms`).
"""

from __future__ import annotations

# Each norm: its name, then groups of word patterns (regular expressions over the lower-case
# question); every group must match, and every word a group matches is the definition's (it
# is read as the norm, `assistant.understanding.plan.Described`). A kengetal is a ratio: its
# definition names what is measured, what it is measured against, and that one is related to
# the other (_RELATED: "afgezet tegen", "als aandeel van", "welk percentage"), so "inwoners met
# schulden en een laag inkomen" is no schuldquote. A Wet fido limit names the kind of debt and
# that it is a limit. Sources: docs/DOMAIN.md, "Norms by their definition".
_RELATED = (
    r"\bten opzichte van\b|\btegenover\b|\bvergeleken met\b|\bin vergelijking met\b|\bafgezet tegen\b"
    r"|\bin verhouding tot\b|\bverhoud\w*|\b(?:als )?(?:aandeel|deel|percentage) van\b|\bgedeeld door\b"
    r"|\bprocent\b|\bpercentage\b"
)
_TOTAL_INCOME = r"(?:tota\w* )?(?:inkomsten|baten)\b"
_LIMIT = r"maxim\w*|\bgrens\w*|\blimiet\w*|\bnorm\b|\bmag\b|\bmogen\b|toegestaan|overschr\w*"
DEFINED_BY: tuple[tuple[str, tuple[str, ...]], ...] = (
    # "de netto schuld als aandeel van de inkomsten"
    ("netto schuldquote", (r"(?:netto )?\bschuld(?:en|enlast|positie)?\b", rf"{_TOTAL_INCOME}|eigen middelen", _RELATED)),
    # "het eigen vermogen als aandeel van het totale vermogen"
    ("solvabiliteitsratio", (r"eigen vermogen", r"tota\w* vermogen|balanstotaal|vreemd vermogen|bezittingen", _RELATED)),
    # "de structurele baten minus de structurele lasten als aandeel van de totale baten"
    ("structurele exploitatieruimte", (r"structure\w* (?:baten|inkomsten|lasten|uitgaven|ruimte)", _TOTAL_INCOME, _RELATED)),
    # "de waarde van de bouwgronden in exploitatie als aandeel van de totale baten"
    ("grondexploitatie", (r"bouwgrond\w*(?: in exploitatie)?", _TOTAL_INCOME, _RELATED)),
    # Wet fido art. 3: the netto vlottende schuld (shorter than a year) is at most the kasgeldlimiet
    ("kasgeldlimiet", (r"kortlopend\w*|\bkort geld|vlottend\w*|korte termijn", r"\bnetto\b|\blenen\b|lening\w*|schuld\w*|financier\w*|geld\b", _LIMIT)),
    # Wet fido art. 2: redemptions and interest revisions of the vaste schuld, at most 20%
    ("renterisiconorm", (r"langlopend\w*|vaste schuld|lange termijn|herfinancier\w*|renteherziening\w*|aflossing\w*", r"rente\w*|herfinancier\w*", _LIMIT)),
    # BBV art. 11 (paragraaf weerstandsvermogen en risicobeheersing): a risk is quantified as
    # its financial impact times its probability ("Bedrag x kans", "kans x gevolg"); "het
    # bedrag gewogen naar de kans dat het zich voordoet" describes that product.
    ("bedrag x kans", (
        r"\bgewogen(?: naar| met)?\b|vermenigvuldigd(?: met)?|\bmaal\b|rekening houdend met",
        r"\b(?:de |die )?(?:kans|waarschijnlijkheid)(?: dat (?:het|dit|deze|die|zij|ze) (?:risico )?(?:zich )?(?:voordoet|voordoen|optreedt|optreden|plaatsvindt|zal voordoen))?",
    )),
    # Not the belastingcapaciteit ("de woonlasten ten opzichte van het landelijk gemiddelde"):
    # the paragraaf lokale heffingen (BBV art. 10) compares the same woonlasten with the
    # national average in euros, so that description asks for amounts as often as for the kengetal.
)
