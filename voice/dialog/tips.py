"""The self-care tips in the order that fits the person: the ones their triggers call for first."""

from __future__ import annotations

from collections.abc import Collection

from voice.schema import Tip

MAX_LEAD = 3  # never more than this many steps before "Would you like more tips?"


def lead_and_rest(
    tips: list[Tip], triggers: Collection[str], lead: int
) -> tuple[list[Tip], list[Tip]]:
    """The tips said first (those fitting a trigger, topped up to ``lead``) and the rest.

    The tips keep the dialog's order within each group, so with no trigger named the first
    ``lead`` tips of the file come first.
    """
    fitting = [tip for tip in tips if set(tip.fits) & set(triggers)]
    others = [tip for tip in tips if tip not in fitting]
    count = max(lead, min(len(fitting), MAX_LEAD))
    ordered = [*fitting[:MAX_LEAD], *others, *fitting[MAX_LEAD:]]
    return ordered[:count], ordered[count:]
