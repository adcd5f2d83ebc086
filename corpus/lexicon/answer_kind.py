"""What a question asks for: `asked(question) -> Asked` (money, an amount, a quantity, a value a
table may hold), the one money/quantity decision; money named (`names_money`, `money_named`),
a ratio (`ratio_asked`), a share (`share_of`, `percentage_base`, `cost_coverage`), a part, a
total or the exact amount (`PART_ASKED`, `TOTAL_ASKED`, `EXACT_ASKED`) and a change in an
amount (`AMOUNT_CHANGE`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.lexicon.calculation import calculation_asked
from corpus.lexicon.counts import counted_noun, is_counted_noun
from corpus.lexicon.finance import _SPEND_VERB
from corpus.lexicon.calendar_years import years
from corpus.text import fold


# A part of an amount is asked ("welk deel van de investeringen", "hoeveel daarvan"); a
# sentence states one with "waarvan" after the whole (corpus.facts, extra "part").
_SHARE_WORDS = r"\bwelk (?:deel|gedeelte)\b|\bwhich part\b"
PART_ASKED = re.compile(_SHARE_WORDS + r"|\bhoeveel (?:\w+ )?(?:daarvan|hiervan)\b|\bhow much of (?:it|that|this)\b")

# The total of all rows is asked, in whichever words ("de totale lasten", "alle programma's
# samen", "opgeteld", "bij elkaar", "gezamenlijk"): a cue for a total row or Totaal column.
TOTAL_ASKED = re.compile(
    r"\btota(?:a)?le?\b|\bsamen\b|\bopgeteld\b|\bbij elkaar\b|\bgezamenlijke?\b|\bin total\b|\bcombined\b|\baltogether\b"
)
# The amount is asked to the euro ("tot op de euro", "het exacte bedrag"): of one amount printed
# rounded in one table and in whole euros in another (the BBV overviews in thousands, the
# taakveld overview to the euro), the finest print answers.
EXACT_ASKED = re.compile(
    r"\btot op de (?:euro|cent)\b|\bop de euro (?:nauwkeurig|precies)\b|\bin hele euro'?s\b|\bexacte?\b"
    r"|\bto the (?:euro|cent)\b|\bexact(?:ly)?\b"
)

# A relative number is asked: a ratio, a quote (netto schuldquote, belastingquote), a
# percentage, a kengetal (BBV art. 11: all five are ratios or percentages) or a dekkingsgraad.
# Such a number is never an amount of money, whatever words the amount's sentence shares
# (`ratio_asked`).
_RATIO = re.compile(r"ratios?\b|quote\b|\bpercentage\b|\bprocent\b|%|\bper ?cent\b|\bkengetal\w*|dekkingsgraad")
# A percentage the question gives is part of its subject ("de cao-ontwikkeling van 2% naar 4%").
_GIVEN_PERCENTAGE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|procent\b|per ?cent\b)")
_MONEY_WORD = re.compile(r"\bkost(?:en|te|ten)?\b|\bbedrag\w*|\bgeld\b|\beuros?\b|€")


# A share of something asked ("welk deel van de kosten wordt gedekt"): an amount or a percentage.
# (The words of a part asked, PART_ASKED, ask a share too.)
_SHARE = re.compile(_SHARE_WORDS + r"|\bwelk aandeel\b|\bwhat share\b")


def money_named(question: str) -> bool:
    """True when the question names money itself ("welk bedrag", "hoeveel geld", "wat kost")
    and no relative number ("welk percentage van de kosten"): then a percentage is no answer,
    whatever else it shares with the question."""
    q = _GIVEN_PERCENTAGE.sub(" ", fold(question))
    return bool(_MONEY_WORD.search(q)) and not _RATIO.search(q) and not _SHARE.search(q)


# The chance a risk occurs is a percentage (the risk table's "Kans", BBV art. 11), unless the
# question weighs an amount by it ("gewogen naar de kans dat …": bedrag x kans, `DEFINED_BY`).
_PROBABILITY = re.compile(r"(?<!\bnaar de )(?<!\bmaal de )\bkans\b(?!\s*(?:x|maal)\b)|\bprobability\b|\blikelihood\b|\bhoe waarschijnlijk\b")


def ratio_asked(question: str) -> bool:
    """True when the question asks for a ratio or a percentage (not for money, nor for the
    change of an amount in percent, which is computed from amounts). The costs a percentage
    of covered costs is about ("voor hoeveel procent worden de kosten gedekt") are its base;
    the chance of a risk is a percentage (`_PROBABILITY`)."""
    q = _GIVEN_PERCENTAGE.sub(" ", fold(question))
    money = _MONEY_WORD.search(q) and not _COST_COVERAGE.search(q)
    return bool(_RATIO.search(q) or _PROBABILITY.search(q)) and not money and calculation_asked(q) is None


# The verb of a bijdrage, separable in Dutch: "bijdragen", "draagt de provincie … bij" — to pay
# towards, or to contribute to anything ("draagt bij aan de doelen", `names_money`).
_CONTRIBUTE_VERB = r"\bbij(?:dragen|gedragen|draagt)\b|\b(?:draagt|dragen|droeg|droegen)\b(?:\s+\S+){0,8}?\s+bij\b"

# Words that name money. Dutch public-finance words (BBV: lasten, baten, saldo, reserves,
# ramingen, realisatie; the investeringen and kredieten of BBV art. 20 and the staat van
# investeringen; opbrengsten, inkomsten, the uitkering uit het gemeentefonds, leningen and
# kapitaallasten) and general money words; English equivalents for English questions.
_MONEY = re.compile(
    r"€|\beuro|\bbedrag|\bbudget|\blasten\b|\bbaten\b|\bsaldo|\bgeraamd|\braming|\bbegroot"
    r"|\bkosten|\bkost\b|\buitgaven|\buitgegeven|\brealisatie|\bgerealiseerd|\bbesteding|\bbesteed"
    r"|\bgeld\b|\bmiljoen|\bsubsidie|\breserve|\bonttrekking|\bstorting|\bfinancieel|\btekort|\boverschot"
    r"|\bvoordeel|\bnadeel|\boverschrijding|\bbijdrage|\bfonds\b|\bputting|\bbeta(?:len|alt|alde|alden|ald)\b"
    r"|" + _CONTRIBUTE_VERB + "|" + _SPEND_VERB +
    r"|\binvestering|\bgeinvesteerd|\bkrediet|\bopbrengst|\binkomsten\b|\buitkering|\blening|\bkapitaallasten"
    r"|\btarie[fv]\w*|\w*belasting\w*|\w*heffing\w*|\bleges\b|\bozb\b"
    r"|\bhow much\b|\bcosts?\b|\bspend|\bspent\b|\bexpenditure|\brevenue|\bamount\b|\bfunding\b|\bfund\b"
    r"|\binvestment|\bcredit\b|\bincome\b|\bloans?\b"
    # The balance sheet's capital (BBV art. 42-43): what a municipality or a verbonden partij owns.
    r"|\b(?:eigen|vreemd)\s+vermogen\b|\bequity\b|\bborrowed capital\b"
    # A Dutch compound is a kind of its last part: "exploitatiebudget", "woonlasten",
    # "investeringsbedrag", "onderhoudskosten", "rijksbijdrage", "sportsubsidie".
    r"|\w(?:budget|bedrag|kosten|lasten|subsidie|krediet|bijdrage)\w{0,2}\b",
)
# "Wat gaat er in 2023 af?", "Wat komt er bij?": a change in an amount.
AMOUNT_CHANGE = re.compile(
    r"\b(?:gaat|gaan|ging|gingen) er\b[^.?!]*\baf\b|\b(?:komt|komen|kwam|kwamen) er\b[^.?!]*\bbij\b\s*(?:[?.!]|$|in\s)"
)
# "Hoe hoog / hoe groot is het risico": a size; an amount when a fact fits it well.
_SIZE = re.compile(r"\bhoe (?:hoog|groot)\b|\bhow (?:high|large|big)\b")


# Covering costs by revenue is the kostendekkendheid the paragraaf lokale heffingen reports
# per levy and tariff (BBV art. 10; Gemeentewet art. 229b): "welk deel van de kosten wordt
# gedekt / terugverdiend" asks for it in the verbs of everyday Dutch.
_COST_COVERAGE = re.compile(r"\b(?:gedekt|dekken|dekt|terugverdien\w*|verdien\w*(?:\s+\w+){0,5}?\s+terug)\b")


def cost_coverage(question: str) -> str:
    """The question with its words for covering costs ("gedekt", "verdient … terug") replaced
    by the BBV's term, "kostendekkendheid", when it asks a share or a percentage."""
    q = fold(question)
    if not (_SHARE.search(q) or _RATIO.search(q)):
        return question
    return _COST_COVERAGE.sub(" kostendekkendheid ", q)


# The phrase a share is of runs to a comma or the clause's verb: "welk deel van de kosten
# voor reisdocumenten | verdient …", "welk deel van wat de begraafplaats kost |, wordt …".
_SHARE_PHRASE = re.compile(
    r"\b(?:procent|percentage|deel|gedeelte|aandeel|share|percent)\s+(?:van|of)\s+(?P<base>[^,?]*?)"
    r"(?=,|\s(?:wordt|worden|werd|werden|is|zijn|was|waren|gaat|komt|verdient|verdienen|dekt|dekken|betaalt|betalen)\b|\?|$)"
)


def share_of(question: str) -> str | None:
    """The phrase a share is asked of ("welk deel van de kosten wordt gedekt" -> "de kosten";
    "welk deel van wat de begraafplaats kost, wordt …" -> "wat de begraafplaats kost"); None
    when no share is asked. Its flow words are its base, not the flow asked."""
    q = fold(question)
    m = _SHARE_PHRASE.search(q)
    return m.group("base") if m and m.group("base") and (_SHARE.search(q) or _RATIO.search(q)) else None


def percentage_base(question: str) -> set[str]:
    """The counted noun a percentage is taken of ("procent van de inwoners" -> {"inwoners"}):
    the base of the percentage, not its subject (what the inwoners do or are is); an
    indicator table names the subject ("Niet-sporters") and leaves the base to its definition."""
    base = [w for w in (share_of(question) or "").split() if w not in ("de", "het", "alle", "onze", "the", "all")]
    return {base[0]} if base and is_counted_noun(base[0]) else set()


# An amount is asked for (not merely money mentioned): "Hoeveel is er begroot voor …",
# "Wat zijn de lasten van …", "Hoe hoog is het budget …", "How much …".
_AMOUNT = re.compile(
    r"\bhoeveel\s+(?:geld|euro)\b"
    r"|\bhoeveel\b(?:\s+\S+){0,5}?\s+(?:begroot|geraamd|besteed|uit|uitgegeven|beschikbaar|gereserveerd"
    r"|ontvangen|kost|kosten|kostte|bedraagt|bedroeg|betaald|opgenomen)\b"
    r"|\bhoe\s+hoog\b|\bwelke?\s+\w*(?:bedrag|budget)\b|\bwat\s+(?:kost|kostte|kosten)\b"
    # "Hoeveel draagt de provincie bij aan …": a bijdrage is an amount of money.
    # ("Hoeveel inwoners dragen bij …" counts people.)
    r"|\bhoeveel\s+(?:geld\s+)?(?:draagt|dragen|droeg|droegen)\b(?:\s+\S+){0,8}?\s+bij\b"
    r"|\bhoeveel\s+(?:geld\s+)?(?:heeft|hebben|had|hadden|zal|zullen|gaat|gaan)\b(?:\s+\S+){0,5}?\s+bij(?:gedragen|dragen)\b"
    # "Wat betaalt de gemeente aan …", "Wat moet Ede jaarlijks betalen om …"
    r"|\bwat\b(?:\s+\S+){0,6}?\s+beta(?:len|alt|alde|alden)\b"
    # Dutch compounds are named by their last part: "het begrotingssaldo", "de personeelslasten".
    r"|\bwat\s+(?:is|zijn|was|waren|wordt|worden)\s+(?:de|het)\s+(?:\S+\s+){0,2}?\w*(?:lasten|baten|saldo|budget|bedrag"
    r"|kosten|uitgaven|raming|storting|onttrekking|putting|begroting)\b"
    r"|\bhow\s+much\b"
    r"|\bwhat\s+(?:is|are|was|were)\s+the\s+(?:\S+\s+){0,2}?(?:budget|costs?|expenses|expenditure|spending|income|revenue)\b",
    re.IGNORECASE,
)
# A number is asked for: "Hoeveel …", "Hoe groot …", "Welk percentage …", "How many …".
_QUANTITY = re.compile(
    r"\b(hoeveel|hoe\s+(?:veel|groot|hoog)|welk\s+(?:percentage|bedrag|aantal)|how\s+(?:many|much)|what\s+(?:percentage|share|amount))\b",
    re.IGNORECASE,
)
# A value a table may hold is asked for: a target, a percentage, a ratio, a rate, a count
# ("Wat is de streefwaarde …", "Welk percentage …", "Hoe hoog is de schuldquote …").
_VALUE = re.compile(
    r"\b(?:wat|welk|welke|hoe hoog|hoe groot)\b[^?]*?(?:streefwaarde\w*|\bwaarde\b|percentage|\bratio\b|quote\b"
    r"|\btarie[fv]\w*|\baantal\b|\bstand\b|\bomvang\b|\bkengetal\w*|\bindicator\w*|\bgemiddeld\w*)"
    # A rank on a list ("Op welke plaats staat Ede op de ranglijst …") is a value a table holds.
    r"|\bop welke (?:plaats|positie|plek)\b|\bwelke (?:positie|plaats|rang)\b[^?]*\b(?:ranglijst|ranking)"
    r"|\b(?:what|which|how high|how large)\b[^?]*?(?:\btargets?\b|\bvalue\b|percentage|\bratio\b|\brate\b"
    r"|\bnumber of\b|\baverage\b|\bindicators?\b|\btariffs?\b)"
)


@dataclass(frozen=True)
class Asked:
    """What kind of answer a question asks for.

    money: the question is about money (the budget facts are searched first);
    amount: it asks for an amount of money (only a fact answers it: no fact, no answer);
    quantity: it asks for a number (a passage answer must state one);
    value: it asks for a number a table may hold (a quantity, a target, a percentage, a
        ratio, a rate): the facts are searched too, the passages answer when none fits.
    """

    money: bool
    amount: bool
    quantity: bool
    value: bool = False


_CONTRIBUTE = re.compile(_CONTRIBUTE_VERB)


def names_money(question: str) -> bool:
    """True when a question names money in one of its words (`_MONEY`: "subsidie", "lasten",
    "kosten", "bijdrage" …), not merely by asking "hoeveel" or with the verb "bijdragen",
    which contributes to anything."""
    return bool(_MONEY.search(_CONTRIBUTE.sub(" ", fold(question))))


def _is_money(q: str) -> bool:
    if _MONEY.search(q) or _SIZE.search(q) or AMOUNT_CHANGE.search(q):
        return True
    if re.search(r"\b(?:som|totaal) van\b.*\ben\b", q):
        return True
    if len(years(q)) >= 2 and re.search(r"verschil|\bsom\b|totaal|stijging|daling|toename|afname", q):
        return True
    return bool(re.search(r"\bhoeveel\b", q)) and counted_noun(q) is None


def asked(question: str) -> Asked:
    """The one decision of what a question asks for: money, an amount, a quantity."""
    q = fold(question)
    quantity = bool(_QUANTITY.search(q))
    amount = bool(_AMOUNT.search(q))
    # Asking for an amount of money is asking about money, in whatever words.
    return Asked(money=amount or _is_money(q), amount=amount, quantity=quantity, value=quantity or bool(_VALUE.search(q)))
