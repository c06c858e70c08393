"""The dialog engine: a consultation as one state machine, text in, events out."""

from voice.dialog.conversation import Conversation

__all__ = ["Conversation"]
