"""The self-care ending's two optional questions: what set it off, and "more tips?".

Neither can hold the consultation up: silence, or an answer not understood twice, goes on
with the tips in their usual order. A warning sign said here still counts: the answers
change and the advice is decided again.
"""

from __future__ import annotations

from voice.dialog.answers import changes, correct
from voice.dialog.flow import Flow
from voice.dialog.said import FINE, Said
from voice.dialog.turn import Turn
from voice.events import FINISHED, STOPPED, Event, Say
from voice.rules import UNSURE


def hear_triggers(flow: Flow, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
    """ "Do you know what might have set it off?": the tips that fit come first."""
    found = changes(flow, said, doubtful)
    if found:
        return correct(flow, found, said.bounds)
    if said.command == "stop":
        return flow.close(STOPPED)
    if said.command is not None and not said.triggers:
        return flow.command(said.command, turn, doubtful)
    if said.triggers or said.declines() or said.reply == UNSURE:
        return flow.tips()
    return flow.not_understood(turn)


def hear_more_tips(flow: Flow, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
    """ "Would you like more tips?": yes says the rest; no, or nothing, closes."""
    found = changes(flow, said, doubtful)
    if found:
        return correct(flow, found, said.bounds)
    if said.command == "repeat":
        lines = tuple(Say(tip.text) for tip in flow.tips_said)
        return flow.ask(turn, flow.consultation.say.more_tips, lines)
    if said.command == "stop":
        return flow.close(STOPPED)
    if said.command is not None:
        return flow.command(said.command, turn, doubtful)
    if said.reply == "yes":
        return flow.more_tips(FINISHED)
    if said.declines() or said.reply in (UNSURE, FINE):
        return flow.close(FINISHED)
    return flow.not_understood(turn)
