"""Under CI a test that cannot run fails; elsewhere it is skipped. ``CI=1`` is CI as much as
``CI=true``: the rule is written out here as a table of values."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from .browser.conftest import missing
from .ci import cannot_run, under_ci
from .server.services import unavailable

ROOT = Path(__file__).resolve().parent.parent

# CI's value -> whether it is CI
CI_VALUES = {
    "true": True,
    "1": True,
    "TRUE": True,
    "yes": True,
    "": False,
    "0": False,
    "false": False,
    "no": False,
}


@pytest.mark.parametrize(("value", "is_ci"), CI_VALUES.items())
def test_ci_is_read_from_its_value(value: str, is_ci: bool) -> None:
    assert under_ci({"CI": value}) is is_ci


def test_no_ci_variable_is_not_ci() -> None:
    assert under_ci({}) is False


def outcome(give_up: Callable[[], object]) -> pytest.ExceptionInfo[BaseException]:
    """What giving up raised: a skip or a failure (caught alike, so that either is checked)."""
    with pytest.raises((pytest.skip.Exception, pytest.fail.Exception)) as raised:
        give_up()
    return raised


@pytest.mark.parametrize("value", ["true", "1"])
def test_under_ci_a_test_that_cannot_run_fails(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", value)
    browser = outcome(lambda: missing("no Chromium"))
    assert browser.type is pytest.fail.Exception
    assert f"no Chromium (CI={value}: the browser tests must run)" in str(browser.value)
    service = outcome(lambda: unavailable("no Redis"))
    assert service.type is pytest.fail.Exception
    assert f"no Redis (CI={value}: these tests must run" in str(service.value)


@pytest.mark.parametrize("value", ["", "0"])
def test_elsewhere_a_test_that_cannot_run_is_skipped(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", value)
    skipped = outcome(lambda: cannot_run("no Chromium", because="the browser tests must run"))
    assert skipped.type is pytest.skip.Exception
    assert str(skipped.value) == "no Chromium"


def test_the_ci_script_says_it_is_ci_unless_told_otherwise() -> None:
    printed = subprocess.run(
        ["bash", "-c", 'source <(sed -n "/^export CI=/p" .ci/run); echo "$CI"'],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert under_ci({"CI": printed.stdout.strip()})
