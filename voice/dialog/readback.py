"""The readback before self-care, and "What is different?" after it was denied.

Only a plain, clear yes confirms the readback. Anything the reply adds is acted on (the
answer changes, and the consultation goes on from there: another question, the readback
again, or other advice); a plain "no", or a hedged yes ("mostly", "I think so"), asks what is
different instead of every question.
"""

from __future__ import annotations

from voice.dialog.answers import changes, correct
from voice.dialog.flow import Flow
from voice.dialog.said import Said
from voice.dialog.turn import Turn
from voice.events import FINISHED, Event, Say
from voice.rules import UNSURE


def hear_readback(flow: Flow, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
    """The reply to "So: no weakness, … Is that right?"."""
    found = changes(flow, said, doubtful)
    if found:
        return correct(flow, found, said.bounds)
    if said.command is not None and not said.facts:
        return flow.command(said.command, turn, doubtful)
    if said.reply == "no" and _named(flow, said, doubtful):
        return _ask_again(flow, said.question)  # "no, something is wrong about how long"
    if said.agrees_plainly() and not (said.unclear or said.facts) and not doubtful:
        flow.confirmed = True
        return flow.finish(FINISHED)
    if said.reply in ("no", UNSURE) or said.hedged or said.unclear:
        return flow.ask_which()
    help_readback = Say(flow.consultation.say.help_readback)
    return flow.ask(turn, flow.readback_text(), (help_readback,))


def hear_which(flow: Flow, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
    """The reply to "What is different?": the answer that changed, or the question it was."""
    found = changes(flow, said, doubtful)
    if found:
        return correct(flow, found, said.bounds)
    if _named(flow, said, doubtful):
        return _ask_again(flow, said.question)
    if said.command is not None:
        return flow.command(said.command, turn, doubtful)
    nothing_else = said.agrees_plainly() or (said.reply == "no" and not said.facts)
    if nothing_else and not said.unclear and not doubtful:
        if flow.rereads == 0:  # "nothing", "it's all right": read back again, once
            flow.rereads += 1
            return flow.ask_readback()
        return flow.denied()  # denied again, and still nothing named: ask everything again
    return flow.not_understood(turn)


def _named(flow: Flow, said: Said, doubtful: bool) -> bool:
    """Does the reply name one of the questions ("the weakness one"), clearly heard?"""
    return said.question in flow.consultation.questions and not doubtful


def _ask_again(flow: Flow, question: str | None) -> list[Event]:
    """The named question asked again; the readback follows."""
    if question is not None:
        flow.record.forget(question)
    flow.reopen()
    return flow.advance()
