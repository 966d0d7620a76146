"""Melting Pot's Python API on Crucible: ``from crucible.meltingpot import substrate, scenario``."""

from . import scenario, substrate

__all__ = ["substrate", "scenario"]
