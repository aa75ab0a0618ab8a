"""Whether the tests run under CI, and what a test that cannot run does about it.

CI machines say so in the environment: ``CI=true`` (GitHub, GitLab), ``CI=1`` (others, and
``.ci/run``). Under CI a test that cannot run (a service down, no Chromium, no build) is a broken
CI and fails; elsewhere it is skipped, with a sentence saying what to install or start. This is
the one place that reads ``CI``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NoReturn

import pytest

__all__ = ["cannot_run", "under_ci"]

_NOT_CI = frozenset({"", "0", "false", "no", "off"})


def under_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """``CI`` is set to anything but an empty or false-looking value (``0``, ``false``, …)."""
    return environ.get("CI", "").strip().lower() not in _NOT_CI


def cannot_run(reason: str, *, because: str) -> NoReturn:
    """Fail under CI, saying ``because``; skip elsewhere, saying ``reason``."""
    if under_ci():
        pytest.fail(f"{reason} (CI={os.environ['CI']}: {because})", pytrace=False)
    pytest.skip(reason)
