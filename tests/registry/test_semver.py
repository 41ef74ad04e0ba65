"""Semantic versions: precedence as semver.org defines it, and the next release number."""

from __future__ import annotations

import pytest

from mlci.registry import SemVer, VersionRecord, bump, next_version, parse_semver


def test_precedence_follows_semver_org():
    # The example chain from semver.org section 11, shuffled.
    chain = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.2.0",
        "1.10.0",
        "2.0.0",
    ]
    shuffled = chain[::2] + chain[1::2]
    assert sorted(shuffled, key=lambda v: SemVer.key(parse_semver(v))) == chain


def test_parse_accepts_a_v_prefix_and_build_metadata():
    v = parse_semver("v1.2.3-rc.1+build.7")
    assert (v.major, v.minor, v.patch, v.prerelease, v.build) == (1, 2, 3, ("rc", "1"), "build.7")
    assert str(v) == "1.2.3-rc.1+build.7"


@pytest.mark.parametrize("text", ["1.2", "01.2.3", "1.2.3-", "latest", "1.2.3.4"])
def test_parse_rejects(text):
    with pytest.raises(ValueError, match="not a semantic version"):
        parse_semver(text)


def test_bump_and_next_version():
    assert bump("1.2.3", "major") == "2.0.0"
    assert bump("1.2.3", "minor") == "1.3.0"
    assert bump("1.2.3", "patch") == "1.2.4"
    assert bump("1.3.0-rc.1", "patch") == "1.3.0"
    assert next_version([], improved=True) == "1.0.0"
    assert next_version(["1.0.0", "1.2.0", "1.10.0", "2.0.0-rc.1"], improved=True) == "1.11.0"
    assert next_version(["1.0.0", "1.2.0"], improved=False) == "1.2.1"
    assert next_version(["0.1.0-rc.1"], improved=False, initial="0.1.0") == "0.1.0"


def test_record_normalises_the_version_and_refuses_non_finite_metrics():
    assert VersionRecord(model="m", version="v2.0.0").version == "2.0.0"
    with pytest.raises(ValueError, match="finite"):
        VersionRecord(model="m", version="1.0.0", metrics={"auc": float("nan")})
    with pytest.raises(ValueError, match="semantic version"):
        VersionRecord(model="m", version="one")
