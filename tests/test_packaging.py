"""The install says what it does and warns of nothing: ``make setup`` announces each step and
lets pip show its progress; the project's metadata uses the forms today's setuptools expects
(an SPDX licence string, the packages' folder stated), so a good install prints no deprecation
nor "Editable installation" warning. The whole output was read on a fresh clone; these tests
keep the causes from coming back."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_is_an_spdx_expression_that_the_build_backend_accepts() -> None:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    assert project["license"] == "AGPL-3.0-or-later"  # a table is deprecated since setuptools 77
    requires = pyproject()["build-system"]
    assert isinstance(requires, dict)
    assert requires["requires"] == ["setuptools>=77"]


def test_the_packages_folder_is_stated_so_an_editable_install_is_a_plain_path_file() -> None:
    tool = pyproject()["tool"]
    assert isinstance(tool, dict)
    assert tool["setuptools"]["package-dir"] == {"": "."}


def test_make_setup_announces_each_step_and_shows_pips_progress() -> None:
    targets = [".venv/.installed", "clients/tablet/node_modules/.installed"]
    targets.append("clients/tablet/dist/.vite/manifest.json")
    planned = subprocess.run(
        ["make", "-n", "-B", *targets], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    steps = [line.split('"')[1] for line in planned if line.startswith("printf")]
    assert steps == [
        "Python\u00a0: environnement virtuel .venv et pip à jour",
        "Python\u00a0: dépendances (pip\u202f; la première fois, quelques minutes)",
        "Client\u00a0: dépendances (npm ci)",
        "Client\u00a0: construction (vite build)",
    ]
    (install,) = [line for line in planned if "pip install" in line and "[dev]" in line]
    assert "--quiet" not in install
    assert "--progress-bar on" in install
