"""MESO: several equivalent simultaneous offers, the grid, and what the other side picked."""

from __future__ import annotations

import re
import shlex

from flows.analysis.equivalence import EQUIVALENCE_TOLERANCE, equivalent
from flows.commands import BadArguments, command
from flows.model import Bundle, Move
from flows.replies import Table
from flows.turn import Turn

MAX_BUNDLES_KEPT = 6
_LABEL = re.compile(r"^[\w-]{1,20}$")
_PICK_SPLIT = re.compile(r"\s*(?:\+|,|&|\band\b|\bplus\b)\s*", re.I)


def parse_bundle(args: str) -> Bundle:
    """Read ``<label> <term>=<value> ... [worth=<0-100>]``; words after a value extend it."""
    try:
        tokens = shlex.split(args)
    except ValueError:
        raise BadArguments("A quote is not closed in that bundle.") from None
    if not tokens or "=" in tokens[0]:
        raise BadArguments("Start with the bundle's label, e.g. `bundle A price=95k term=2y`.")
    label = tokens[0]
    if not _LABEL.match(label):
        raise BadArguments("A bundle label is one short word, like A, B or premium.")
    terms: dict[str, str] = {}
    worth: int | None = None
    last: str | None = None
    for token in tokens[1:]:
        key, eq, value = token.partition("=")
        if not eq:
            if last is None:
                raise BadArguments(f"'{token}' needs a term name: write `<term>={token}`.")
            terms[last] = f"{terms[last]} {token}".strip()
            continue
        key = key.strip().lower()
        if not key:
            raise BadArguments(f"'{token}' has no term name before '='.")
        if key == "worth":
            try:
                worth = int(value.rstrip("%"))
            except ValueError:
                raise BadArguments("worth= takes a whole number from 0 to 100.") from None
            if not 0 <= worth <= 100:
                raise BadArguments("worth= takes a whole number from 0 to 100.")
            last = None
            continue
        terms[key] = value.strip()
        last = key
    if not terms:
        raise BadArguments("A bundle needs at least one term, e.g. `price=95k`.")
    return Bundle(label=label, terms=terms, worth=worth)


def _differing_terms(a: Bundle, b: Bundle) -> list[str]:
    keys = sorted(set(a.terms) | set(b.terms))
    return [k for k in keys if a.terms.get(k, "").lower() != b.terms.get(k, "").lower()]


@command("bundle", "package", form="bundle")
def handle_bundle(turn: Turn, args: str) -> None:
    """Add (or replace) a MESO bundle and check the set stays a good MESO."""
    bundle = parse_bundle(args)
    deal = turn.active
    replacing = deal.find_bundle(bundle.label)
    if replacing is None and len(deal.bundles) >= MAX_BUNDLES_KEPT:
        raise BadArguments(
            f"{MAX_BUNDLES_KEPT} bundles is the most the coach keeps; "
            "replace one by reusing its label."
        )
    if deal.phase == "setup":
        turn.warn("premature_offer")
    others = [b for b in deal.bundles if b.label.lower() != bundle.label.lower()]
    for other in others:
        differing = _differing_terms(bundle, other)
        if len(differing) == 1:
            turn.warn(
                "single_issue",
                count=len(deal.issues),
                bundle=bundle.label,
                other=other.label,
                term=differing[0],
            )
            break
    if len(others) + 1 > 3:
        turn.warn("too_many_bundles", count=len(others) + 1)
    worths = [b.worth for b in [*others, bundle] if b.worth is not None]
    # One rule with `analyze`, whose MESO proposals keep to half this tolerance.
    if not equivalent(worths, EQUIVALENCE_TOLERANCE):
        turn.warn("bundles_not_equivalent", low=min(worths), high=max(worths))
    deal = turn.touch()
    if replacing is not None:
        deal.bundles[deal.bundles.index(replacing)] = bundle
    else:
        deal.bundles.append(bundle)
    turn.say(
        "bundle_replaced" if replacing else "bundle_added",
        label=bundle.label,
        count=len(deal.bundles),
    )
    turn.suggest("meso")


@command("meso", "bundles", "grid", reads_only=True)
def handle_meso(turn: Turn, args: str) -> None:
    """Show the bundles side by side."""
    deal = turn.active
    if not deal.bundles:
        turn.say("meso_empty")
        turn.add_script("meso", limit=2)
        return
    terms: list[str] = []
    for bundle in deal.bundles:
        terms.extend(t for t in bundle.terms if t not in terms)
    rows = [[term, *(b.terms.get(term, "-") for b in deal.bundles)] for term in terms]
    rows.append(["worth", *(str(b.worth) if b.worth is not None else "-" for b in deal.bundles)])
    turn.table = Table(["term", *(b.label for b in deal.bundles)], rows)
    turn.say("meso_shown", count=len(deal.bundles))


@command("pick", "picked", "chose")
def handle_pick(turn: Turn, args: str) -> None:
    """Record which bundle the other side chose; more than one is cherry-picking."""
    labels = [p for p in _PICK_SPLIT.split(args.strip()) if p]
    if not labels:
        raise BadArguments("Name the bundle they chose, e.g. `pick B`.")
    deal = turn.active
    found = []
    for label in labels:
        bundle = deal.find_bundle(label)
        if bundle is None:
            known = ", ".join(b.label for b in deal.bundles) or "none yet"
            raise BadArguments(f"There is no bundle {label} (bundles: {known}).")
        found.append(bundle.label)
    if len(found) > 1:
        turn.warn("cherry_picking", labels=" and ".join(found))
    move = Move(
        kind="pick",
        text="+".join(found),
        created_at=turn.now,
        warnings=[w.code for w in turn.warnings],
    )
    turn.space.add_move(turn.touch(), move)
    deal.moves_count += 1
    deal.last_move_at = turn.now
    turn.say("picked", labels=" and ".join(found), many=len(found) > 1)
