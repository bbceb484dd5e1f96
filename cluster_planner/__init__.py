"""Cluster Planner: plan China's regional industrial layout according to local conditions."""

from __future__ import annotations

__version__ = "0.1.0"
