"""Argument types the benchmark scripts share: a size knob must be a positive whole number."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    """argparse type: an integer of 1 or more (``--rows -5`` is refused with a clear message)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small: give 1 or more")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer of 0 or more (seeds)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative: give 0 or more")
    return value
