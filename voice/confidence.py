"""The shared confidence scale: every engine maps its raw score onto it, the dialog reads it."""

from __future__ import annotations

# The point of the scale where an engine's benchmark found its answers reliable, and the
# dialog's default confirm threshold (settings.confirm_below in dialogs/<locale>/).
CONFIRM_BELOW = 0.6


def calibrate(raw: float, raw_confident: float) -> float:
    """Map an engine's raw score onto the shared scale, raw_confident landing on CONFIRM_BELOW.

    Each engine's raw score means something different (a phone-loop agreement, a lattice
    posterior); the dialog compares every engine's confidence with one threshold, so each
    adapter names the raw score its benchmark found to separate right from wrong answers.
    """
    raw = min(max(raw, 0.0), 1.0)
    if raw >= raw_confident:
        return CONFIRM_BELOW + (1 - CONFIRM_BELOW) * (raw - raw_confident) / (1 - raw_confident)
    return CONFIRM_BELOW * raw / raw_confident
