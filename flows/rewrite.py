"""A better version of the rep's own risky line, in the rep's own words.

When a line of ours gives something for nothing, takes a hard line, gives the floor away or
offers to split the difference, the coach offers the same line said the method's way:

- a give is tied to an ask ("If you can <ask>, we can throw in the onboarding"); the ask is
  the mapped issue worth most to us relative to them (something of theirs we value), never
  the issue the line itself gives or names, and never the price when the line states a
  figure; without one, the playbook's ask for the deal's side of the table;
- a hard line keeps its figure and loses the ultimatum, and invites a package across the
  other issues ("120k is where we are on price; if the term or the scope can move...");
- a floor clause is dropped with its number, the rest of the line kept; a line that was
  all floor becomes a rationale with no number;
- a split becomes a trade across issues: the figure offered against an ask, or a bigger
  share of the thing split taken on in return for one.

The line is cut into clauses and each is judged by our own checks, so only the risky
clauses change. The result is offered only when it passes :meth:`Detectors.check_our_line`
and the walk-away check itself; otherwise there is no better line (None). The templates
live in ``phrases/rewrites.yaml``.
"""

from __future__ import annotations

import re

from flows.amounts import find_amounts
from flows.detectors import Detectors, Finding, normalise
from flows.model import Deal, IssueScore
from flows.reading.words import is_word, verb_lemma
from flows.vocabulary import WarningCode
from phrases import PhraseLibrary

ONE_WAY, HARD, SPLIT, FLOOR = (
    "one_way_concession",
    "hard_line_tone",
    "split_the_difference",
    "overshare_walkaway",
)
RISKY = frozenset({ONE_WAY, HARD, SPLIT, FLOOR})
# A line longer than this is a paragraph, not a line to say: no rewrite.
MAX_LINE = 400

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
# Where one clause ends and the next begins: sentence ends, commas, dashes, "but"/"so".
_CLAUSE_END = re.compile(r"\s*(?:[.;:!?]+\s+|,\s+|\s-\s+)|\s+(?=(?:but|so|otherwise)\s)", re.I)
# A clause that is only a condition once its threat is cut ("if you can't sign this week").
_CONDITION_ONLY = re.compile(r"^(?:if|unless|when|once|until|before|after|as long as)\b", re.I)
_LEAD = re.compile(
    r"^(?:(?:ok|okay|fine|alright|all right|sure|yes|yeah|yep|look|listen|"
    r"honestly|well|so|but|and|then|tell you what|to be honest|frankly|"
    r"otherwise|or|you win|deal|done)\b[,.!:]?\s*)+",
    re.I,
)
_TAIL = re.compile(
    r"(?:[,;]?\s*\b(?:no problem|no worries|if that helps|if it helps|"
    r"if you like|if you'd like|honestly|to be honest|frankly|then)\b)+$",
    re.I,
)
# What is left of a clause once an ultimatum is cut out of it: words that dangle.
_DANGLING = re.compile(
    r"^(?:[,:;-]|\b(?:or|and|but|so|then|is|are|it's|that's|this is|"
    r"that is|at|of)\b)\s*|\s*(?:[,:;-]|\b(?:or|and|but|so|then|is|are|was|"
    r"it's|that's|this is|that is)\b)$",
    re.I,
)
# Finality said about a figure that our checks let pass: "120k is final", "110k stays firm".
_FINAL = re.compile(
    r"\s*\b(?:(?:is|are|'s|stays|remains)\s+(?:final|firm|fixed|set in stone|"
    r"not moving|non-?negotiable)\b|(?:is|'s) it$|(?:and )?not a (?:point|penny|"
    r"cent|dollar|euro|pound|day|percent) (?:more|less|lower|higher)\b|"
    r"(?:is|'s) (?:the|our|my) (?:max|maximum|limit|ceiling|most|cap|top|minimum|"
    r"floor)\b)",
    re.I,
)
_PERCENT = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d+)?\s?%(?!\s*(?:off|discount))")
_DISCOUNT = re.compile(r"\d\s?%\s*(?:off|discount)\b|\b(?:discount|rebate)\b", re.I)
_PRICE_WORDS = re.compile(
    r"\b(?:price|pricing|fees?|rates?|costs?|salary|base|pay|comp|"
    r"compensation|budget|share|discount|revenue|equity|bonus)\b",
    re.I,
)
_I = re.compile(r"\b(?:i|i'm|i'll|i'd|i've|me|my|mine)\b")
_WE = re.compile(r"\b(?:we|we're|we'll|we'd|we've|us|our|ours)\b")
# The thing a split shares out: "split the implementation cost 50/50".
_SPLIT_OBJECT = re.compile(
    r"\b(?:(?:split|share|divide)\s+(?:the (?:difference|gap|diff) on\s+)?|"
    r"(?:halfway|half way|in the middle|partway) on\s+)"
    r"(?P<obj>(?:the|our|your|this|that|those|these)\s+[\w-]+(?:\s+(?!(?:50|fifty|evenly|"
    r"equally|down|in|between|with|and|at|for|on)\b)[\w-]+){0,2})",
    re.I,
)
_VERBISH = re.compile(
    r"\b(?:we|i|you|they|he|she|it|this|that|is|are|was|were|be|can|could|"
    r"will|would|should|shall|may|might|must|do|does|did|have|has|had)\b|"
    r"'(?:s|re|ll|d|ve|m)\b",
    re.I,
)
# A deadline left once its threat is cut ("sign by Friday") is still pressure: it goes too.
_DEADLINE = re.compile(
    r"\b(?:by|before|until|till)\s+(?:\w+\s+)?(?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|tomorrow|tonight|today|noon|midnight|"
    r"eod|eow|cob|end of|the end of|\d)",
    re.I,
)
# A give said with no subject ("happy to cover your relocation") gets one after the ask.
_NO_SUBJECT = re.compile(r"^(?:happy|glad|willing|prepared|able|ready) to\b", re.I)
_ENDS_IN_CONDITION = re.compile(r"\b(?:if|unless|when|provided)$", re.I)
# Words that carry meaning (a figure counts): a remnant needs two to stand as a clause.
_CONTENT_WORD = re.compile(
    r"(?<![\w'])(?!(?:a|an|the|our|my|your|their|this|that|it|we|i|"
    r"you|they|is|are|at|of|to|for|on|in|and|or|but)\b)[\w$€£%.,'-]+",
    re.I,
)
# A secret told aside, which only ever introduces what should stay unsaid.
_ASIDE = re.compile(
    r"^(?:just |strictly |honestly )?(?:off the record|between (?:us|you and me|"
    r"ourselves|the two of us)|confidentially|in confidence|entre nous|"
    r"if i'm honest|to be frank)$",
    re.I,
)
_THREAT_TAIL = re.compile(r"^(?:or|otherwise|else|unless|if)\b", re.I)
_NOT_AN_OBJECT = re.compile(r"\b(?:difference|gap|diff|delta|middle|rest|lot)$", re.I)
_NOT_PAST = frozenset(
    {
        "are",
        "is",
        "am",
        "be",
        "have",
        "do",
        "can",
        "will",
        "shall",
        "may",
        "must",
        "need",
        "fine",
        "ok",
        "okay",
        "sure",
        "happy",
        "you",
        "they",
    }
)


def better_line(
    lib: PhraseLibrary, deal: Deal, text: str, *, item: str | None = None
) -> str | None:
    """The line said the method's way, or None when it is fine or cannot be improved.

    Args:
        lib: the phrase library (templates and detector patterns).
        deal: the deal the line is for (issue map, walk-away, context).
        text: the rep's line, as they wrote it.
        item: what the line gives, when the reader read it as a give; the line is then
            tied to an ask even if its wording alone reads as no give.

    """
    line = _clean(text)
    if not line or len(line) > MAX_LINE:
        return None
    detectors = Detectors(lib)
    codes = {f.code for f in detectors.check_our_line(deal, line, is_offer=False)} & RISKY
    if not codes and item is None:
        return None
    writer = _Writer(lib, deal, line)
    candidates: list[str | None]
    if item is not None and _past(line):
        candidates = [writer.give_made(item)]
    else:
        candidates = [
            writer.rewrite(detectors, force_give=item is not None),
            writer.fallback(codes),
        ]
    for candidate in candidates:
        if candidate and _passes(detectors, deal, candidate):
            return candidate
    return None


def _passes(detectors: Detectors, deal: Deal, line: str) -> bool:
    """Our own `say` checks find nothing in ``line``, the walk-away check included."""
    return (
        not detectors.check_our_line(deal, line, is_offer=False)
        and detectors.past_walkaway(deal, line) is None
    )


class _Writer:
    """Rewrites one line for one deal: its clauses, figures, voice and the ask to make."""

    def __init__(self, lib: PhraseLibrary, deal: Deal, line: str):
        self.lib, self.deal, self.line = lib, deal, line
        self.low = line.lower()
        self.rw = lib.rewrites
        self.side = _side(deal)
        ours = bool(_WE.search(self.low))
        # "I" when the rep speaks for themselves, or is the candidate and says no "we".
        self.i = not ours and (bool(_I.search(self.low)) or self.side == "candidate")
        # A figure is about the price, and so is a discount ("5% off"): never ask for price.
        self.has_figure = bool(_figures(line) or _DISCOUNT.search(line))

    # -- the whole line ---------------------------------------------------------------
    def rewrite(self, detectors: Detectors, *, force_give: bool) -> str | None:
        """Each risky clause changed, the rest kept; None when nothing usable is left."""
        kept: list[tuple[str, str]] = []  # (the words joining it to the one before, clause)
        figures: list[str] = []
        objects: list[str] = []
        seen: set[str] = set()
        spans = self._spans(detectors)
        for joint, clause, start, end in _clauses(self.line):
            found = {f.code: f for f in detectors.check_our_line(self.deal, clause, is_offer=False)}
            # A phrase across clauses ("off the record, we're authorised up to 118k") marks
            # every clause it touches.
            found.update(
                {
                    code: finding
                    for code, finding, (a, b) in spans
                    if code not in found and a < end and start < b
                }
            )
            if FLOOR in found:
                seen.add(FLOOR)  # the floor goes, its number with it
            elif HARD in found:
                seen.add(HARD)
                rest = _tidy(_cut(clause, str(found[HARD].values["phrase"])), cut=True)
                if (
                    rest
                    and not _DEADLINE.search(rest)
                    and not _CONDITION_ONLY.match(rest)
                    and not detectors.check_our_line(self.deal, rest, is_offer=False)
                ):
                    kept.append((joint, rest))
                else:
                    figures.extend(_figures(clause))
            elif SPLIT in found:
                seen.add(SPLIT)
                figures.extend(_figures(clause))
                objects.extend(_split_objects(clause))
            else:
                kept.append((joint, clause))
        if FLOOR in seen:
            # "Off the record," only ever introduced the floor.
            kept = [(j, k) for j, k in kept if not _ASIDE.match(k)]
        if HARD in seen:
            # "120k is final" passes our checks but is the same ultimatum in other words.
            kept = [(j, _tidy(_FINAL.sub("", k), cut=True)) for j, k in kept]
        # A clause that is only a figure ("120k") is the figure, not a sentence.
        figures.extend(f for _, k in kept if _only_figure(k) for f in _figures(k))
        body = _join([(j, k) for j, k in kept if k and not _only_figure(k)])
        if HARD in seen and not figures and _figure_phrase(body):
            figures, body = [body], ""  # "115k for three years" is the figure to stand by
        sentences: list[str] = []
        if body:
            gives = force_give or any(
                f.code == ONE_WAY for f in detectors.check_our_line(self.deal, body, is_offer=False)
            )
            sentences.append(self.give(body) if gives else body)
        if SPLIT in seen:
            sentences.append(self.split(figures[:1], objects[:1]))
        elif HARD in seen and (figures or body):
            sentences.append(self.firm(figures[:1], kept=bool(body and _figures(body))))
        if FLOOR in seen and not figures and not _figures(body):
            # The floor was the line's number: say where the number comes from instead.
            sentences.append(self.render(self.rw.rationale))
        if HARD in seen and not sentences:
            sentences.append(self.render(self.rw.firm_open))
        return _finish(sentences)

    def _spans(self, detectors: Detectors) -> list[tuple[WarningCode, Finding, tuple[int, int]]]:
        """Where in the line each risky phrase of the whole line stands."""
        low = normalise(self.line)
        if len(low) != len(self.line):
            return []  # lower case changed the length: positions would not line up
        spans = []
        for finding in detectors.check_our_line(self.deal, self.line, is_offer=False):
            phrase = str(finding.values.get("phrase", ""))
            at = low.find(phrase) if phrase and finding.code != ONE_WAY else -1
            if at >= 0:
                spans.append((finding.code, finding, (at, at + len(phrase))))
        return spans

    def fallback(self, codes: set[WarningCode]) -> str | None:
        """A line from our templates alone, when the rep's words will not do.

        Only for a hard line (firm but open) or a floor (the rationale): a give or a split
        without the rep's words is no better version of their line.
        """
        if HARD in codes:
            return _finish([self.render(self.rw.firm_open)])
        if FLOOR in codes:
            return _finish([self.render(self.rw.rationale)])
        return None

    # -- each move --------------------------------------------------------------------
    def give(self, body: str) -> str:
        """A give tied to an ask: "If you can <ask>, <the rep's give>".

        A give told as done ("we threw in training for free") asks for the return after it.
        """
        if _past(body):
            return self.render(self.rw.give_past, line=body, ask=self.ask())
        if _NO_SUBJECT.match(body):
            subject = "I'm" if self.i else "we're"
            body = f"{subject} {body[0].lower()}{body[1:]}"
        return self.render(self.rw.give, line=_lower_first(body), ask=self.ask())

    def give_made(self, item: str) -> str:
        """A give already made: ask for the return now."""
        return self.render(self.rw.give_made, item=_clean(item).rstrip(".!?"), ask=self.ask())

    def firm(self, figures: list[str], *, kept: bool) -> str:
        """The firm-but-open sentence: the figure stays, other issues are invited to move."""
        subject = self.subject(figures[0] if figures else None)
        values = {"subject": subject, "levers": self.levers(subject)}
        if figures:
            return self.render(self.rw.firm_figure, figure=figures[0], **values)
        if kept:
            return self.render(self.rw.firm_kept, **values)
        return self.render(self.rw.firm_open)

    def split(self, figures: list[str], objects: list[str]) -> str:
        """A split turned into a trade across issues."""
        if figures:
            return self.render(self.rw.split_figure, figure=figures[0], ask=self.ask())
        if objects:
            return self.render(self.rw.split_item, item=objects[0], ask=self.ask())
        return self.render(self.rw.split_trade, ask=self.ask(), give=self.cheap_give())

    # -- the deal's facts -------------------------------------------------------------
    def ask(self) -> str:
        """Something of theirs worth more to us than to them, that the line does not name."""
        pool = [
            i
            for i in self._unnamed()
            if i.us > i.them and not (self.has_figure and _PRICE_WORDS.search(i.name))
        ]
        if pool:
            best = max(pool, key=lambda i: (i.us - i.them, i.us))
            return self.render(self.rw.ask_issue, issue=best.name)
        return self.render(self.rw.asks.get(self.side) or self.rw.asks[self.deal.context])

    def cheap_give(self) -> str:
        """What we could offer back: worth more to them than to us, else a tradeable."""
        pool = [i for i in self._unnamed() if i.them > i.us]
        if pool:
            return max(pool, key=lambda i: (i.them - i.us, i.them)).name
        named = [t for t in self.deal.tradeables if t.lower() not in self.low]
        return _clean(named[0]).rstrip(".!?") if named else ""

    def subject(self, figure: str | None = None) -> str:
        """What the figure is about.

        Money: the price-like mapped issue. A share or an uptime is no price: a mapped
        issue the line names, else "the number".
        """
        if figure is None or find_amounts(figure):
            issue = next((i for i in self.deal.issues if _PRICE_WORDS.search(i.name)), None)
        else:
            issue = next((i for i in self.deal.issues if i not in self._unnamed()), None)
        return issue.name if issue else "the number"

    def levers(self, subject: str) -> str:
        """Up to two other mapped issues that could move, else the side's usual ones."""
        names = [i.name for i in self._unnamed() if i.name != subject][:2]
        if names:
            return " or ".join(names)
        return self.render(self.rw.levers.get(self.side) or self.rw.levers[self.deal.context])

    def _unnamed(self) -> list[IssueScore]:
        line = normalise(self.line)
        return [
            i
            for i in self.deal.issues
            if not re.search(rf"(?<!\w){re.escape(i.name.lower())}(?!\w)", line)
        ]

    def render(self, source: str, **values: str) -> str:
        return self.lib.render(source, i=self.i, hiring=self.deal.context == "hiring", **values)


# -- text helpers -------------------------------------------------------------------------
def _side(deal: Deal) -> str:
    """The deal's side of the table: its context, or ``candidate`` for a job seeker."""
    floor = deal.walkaway
    if deal.context == "hiring" and floor is not None and floor.direction == "min":
        return "candidate"
    return deal.context


def _clean(text: str) -> str:
    """Straight quotes, single spaces, no fillers around the line."""
    line = " ".join(text.translate(_QUOTES).split()).strip(" \"'")
    return line


def _clauses(line: str) -> list[tuple[str, str, int, int]]:
    """The line's clauses: the words joining each to the one before, it, and where it stands."""
    text = line.rstrip(" .!?")
    found: list[tuple[str, str, int, int]] = []
    joint, at = "", 0
    for match in _CLAUSE_END.finditer(text):
        found.append((joint, text[at : match.start()], at, match.start()))
        joint, at = match.group(0), match.end()
    found.append((joint, text[at:], at, len(text)))
    tidied = [(j, _tidy(c, lead=False), a, b) for j, c, a, b in found]
    return [clause for clause in tidied if clause[1]]


def _tidy(clause: str, *, cut: bool = False, lead: bool = True) -> str:
    """A clause without fillers at either end.

    ``lead``: nor its opening "ok" or "but"; ``cut``: nor the joins a cut left dangling.
    """
    text = clause.strip(" ,;:-.!?")
    for _ in range(3):
        before = text
        text = _TAIL.sub("", _LEAD.sub("", text) if lead else text).strip(" ,;:-.!?")
        if cut:
            text = _DANGLING.sub("", text).strip(" ,;:-.!?")
        if text == before:
            break
    return text


def _cut(clause: str, phrase: str) -> str:
    """``clause`` with ``phrase`` (found without case) taken out, when it stood at an end.

    A threat that opens with "or" or "unless" takes the rest of the clause with it ("or
    we'll move on to the other candidate"); an ultimatum in the middle of a clause leaves
    nothing usable ("we're not making a ... offer").
    """
    at = clause.lower().find(phrase.lower())
    if at < 0:
        return ""
    before, after = clause[:at].strip(), clause[at + len(phrase) :].strip()
    if _THREAT_TAIL.match(phrase) or _ENDS_IN_CONDITION.search(phrase):
        return before  # "we'll look elsewhere if ...": the condition goes with its threat
    if before and after.strip(" ,.;:!?-"):
        return ""
    rest = before or after
    return rest if len(_CONTENT_WORD.findall(rest)) >= 2 else ""  # never a lone "our"


def _figures(text: str) -> list[str]:
    """The figures of a clause as written: money amounts, then shares."""
    money = [a.text for a in find_amounts(text) if not a.per_unit]
    return money + [m.group(0) for m in _PERCENT.finditer(text)]


def _only_figure(clause: str) -> bool:
    rest = clause
    for figure in _figures(clause):
        rest = rest.replace(figure, " ")
    return bool(_figures(clause)) and not re.search(r"[a-z]{2,}", rest, re.I)


def _figure_phrase(text: str) -> bool:
    """A short phrase with a figure and no verb of its own: "A 20% share", "115k for 3 years"."""
    words = text.split()
    return bool(_figures(text)) and len(words) <= 6 and not _VERBISH.search(text)


def _split_objects(clause: str) -> list[str]:
    objects = [m.group("obj") for m in _SPLIT_OBJECT.finditer(clause)]
    return [o for o in objects if not _NOT_AN_OBJECT.search(o)]


def _join(clauses: list[tuple[str, str]]) -> str:
    """Kept clauses joined as the rep joined them; the first without its opening filler."""
    if not clauses:
        return ""
    first = _tidy(clauses[0][1])
    rest = "".join(f"{joint or ', '}{clause}" for joint, clause in clauses[1:])
    return f"{first}{rest}" if first else _tidy(rest)


def _lower_first(text: str) -> str:
    """``text`` to follow a comma: its first word in lower case when it is a plain word."""
    word = text.split(" ", 1)[0]
    bare = word.strip(",.!?'\"").split("'", 1)[0]
    if bare == "I" or not bare.isalpha() or not is_word(bare):
        return text
    if bare[1:] != bare[1:].lower():
        return text  # an acronym or a name written in capitals
    return text[0].lower() + text[1:]


def _past(line: str) -> bool:
    """Whether the line tells of a give already made ("we threw in", "gave them net 60")."""
    words = re.findall(r"[a-z']+", line.lower())[:4]
    for word in words:
        if word in ("we", "i", "just", "already", "then", "so", "and", "also", "finally"):
            continue
        return (
            word.isalpha()
            and word not in _NOT_PAST
            and verb_lemma(word) != word
            and not word.endswith(("s", "ing"))
        )
    return False


def _finish(sentences: list[str]) -> str | None:
    """Sentences joined, each opening with a capital and closing with punctuation."""
    done = []
    for sentence in sentences:
        sentence = sentence.strip()
        if not sentence:
            continue
        sentence = sentence[0].upper() + sentence[1:]
        if sentence[-1] not in ".?!":
            sentence += "."
        done.append(sentence)
    return " ".join(done) or None
