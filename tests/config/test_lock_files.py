"""The installs do not drift: ``make install`` (so ``make run``, ``make test``, ``make stack`` and CI) installs
``requirements-dev.lock`` with ``--require-hashes``; production installs ``requirements.lock``. Both are made from
pyproject.toml's ranges by ``make lock``. These tests fail when pyproject.toml and the locks disagree (a
dependency added, removed or given a range the lock is outside of: run ``make lock``), or when an entry has
no hash."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)==(?P<version>[^\s\\;]+)")


def pins(lock: str) -> dict[str, tuple[str, int]]:
    """{name: (version, number of hashes)} of a pip-compile lock file."""
    found: dict[str, tuple[str, int]] = {}
    name = None
    for line in (ROOT / lock).read_text().splitlines():
        match = PIN.match(line)
        if match:
            name = canonicalize_name(match["name"])
            found[name] = (match["version"], 0)
        elif name and line.strip().startswith("--hash=sha256:"):
            version, hashes = found[name]
            found[name] = (version, hashes + 1)
        elif line and not line.startswith(" "):
            name = None
    return found


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(text) for text in requirements]


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", declared()),
        ("requirements-dev.lock", declared() + declared("dev")),
    ],
    ids=["production", "development"],
)
def test_every_dependency_is_pinned_within_its_range_with_hashes(lock, requirements):
    locked = pins(lock)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} manque dans {lock} : lancer « make lock »"
        version, hashes = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{requirement.name}=={version} ({lock}) hors de « {requirement.specifier} » : lancer « make lock »"
        )
    assert all(hashes for _version, hashes in locked.values()), f"une entrée de {lock} n'a pas d'empreinte"


def test_development_lock_keeps_the_production_versions():
    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: version for name, (version, _h) in production.items()} == {
        name: development[name][0] for name in production
    }


def test_no_machine_specific_index_in_the_locks():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        assert "file://" not in text and "--find-links" not in text, lock
