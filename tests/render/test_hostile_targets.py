"""A report whose every free-text field is hostile renders inert in every target.

Markdown is rendered by cmark-gfm (GitHub's engine) and the HTML checked for links,
images, tags, text that GitHub's or GitLab's filters would make live, ``<details>``
balance, table shape and the sticky marker; JUnit is parsed by ``xml.etree``; terminal
text is checked byte by byte.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from gfm_oracle import assert_inert, needs_cmark, render_gfm
from hostile_corpus import CORPUS, hostile_report

from mlci.platforms.github.comments import comment_body
from mlci.render import render
from mlci.render.escape import md, md_code
from mlci.render.invisible import INVISIBLE_RE
from mlci.report import DatasetValidation, ModelInfo, Report, Violation
from mlci.report.provenance import RunInfo

RUN_URL = "https://github.com/acme/churn/actions/runs/42"


@needs_cmark
@pytest.mark.parametrize("value", CORPUS)
def test_each_hostile_value_is_inert_on_github(value: str) -> None:
    assert_inert(f"| a | b |\n|---|---|\n| {md(value)} | {md_code(value)} |\n")
    assert_inert(f"<details><summary>{md(value)}</summary>\n\n{md(value)}\n</details>\n")


@needs_cmark
def test_entities_alone_would_not_have_been_enough() -> None:
    # The audit's finding: an entity decodes back into text, and GitHub's filters run on text.
    out = render_gfm("&#64;octocat user&#64;evil.example &#35;1 &#58;rocket&#58;\n")
    assert {name for name, _ in out.live_text()} >= {"mention", "issue", "emoji"}
    assert out.links == ["mailto:user@evil.example"]


@needs_cmark
def test_hostile_report_comment_is_inert_and_has_one_marker() -> None:
    report = hostile_report()
    assert report.run is not None and not report.run.run_url.startswith("https://")  # type: ignore[union-attr]
    out = assert_inert(comment_body(render(report, "md"), "churn"), markers=1)
    assert out.comments == [" mlci:churn "]
    assert out.links == []  # the forged run_url links nowhere
    report = report.model_copy(update={"run": RunInfo(run_url=RUN_URL)})
    out = assert_inert(comment_body(render(report, "md"), "churn"), allowed_links=(RUN_URL,), markers=1)
    assert out.links == [RUN_URL]


@needs_cmark
def test_hostile_report_keeps_its_text_readable() -> None:
    out = render_gfm(render(hostile_report(), "md"))
    shown = " ".join(text for text, _ in out.texts).replace("\u200b", "")
    for word in ("@octocat", "user@evil.example", ":rocket:", "#123", "~label", "$\\frac{1}{2}$"):
        assert word in shown


@needs_cmark
def test_check_field_from_a_forged_report_is_escaped() -> None:
    evil = "@octocat <img src=https://evil.example/p.png> [click](https://evil.example) <details open>"
    violation = Violation.model_construct(
        column="age", check=evil, failed_count=1, examples=[], example_rows=[], expected=None
    )
    ds = DatasetValidation(dataset="d", path="d.csv", rows=1, status="failed", violations=[violation])
    report = Report(validation=[ds], run=RunInfo(run_url="javascript:alert(1)")).with_status()
    out = assert_inert(render(report, "md"))
    assert out.links == []
    text = render(report, "text")
    assert "<img" in text and "\x1b" not in text  # shown as text
    root = ET.fromstring(render(report, "junit").encode())
    assert root.find(".//failure") is not None


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src", "xlink:href")]


def test_hostile_report_html_has_no_live_markup_or_script_link() -> None:
    report = hostile_report()
    assert report.run is not None
    for run_url, expected in ((RUN_URL, [RUN_URL]), ("javascript:alert(1)", []), ("data:text/html,x", [])):
        html = render(report.model_copy(update={"run": RunInfo(run_url=run_url)}), "html")
        parser = _Tags()
        parser.feed(html)
        assert parser.hrefs == expected
        assert not parser.tags & {"script", "img", "iframe", "object", "embed", "link", "form"}
        assert not INVISIBLE_RE.search(html.replace("\n", ""))


def test_hostile_report_junit_is_well_formed_and_shows_hidden_characters() -> None:
    xml = render(hostile_report(), "junit")
    root = ET.fromstring(xml.encode())
    values = [v for el in root.iter() for v in (*el.attrib.values(), el.text or "")]
    assert any("\\x00" in v or "\\x07" in v for v in values)  # shown, not dropped silently
    assert not any(INVISIBLE_RE.search(v.replace("\n", "")) for v in values)


@pytest.mark.parametrize("color", [False, True])
def test_hostile_report_text_is_safe_in_a_terminal_and_a_ci_log(color: bool) -> None:
    data = render(hostile_report(), "text", color=color).encode()
    assert b"##[" not in data
    for line in data.split(b"\n"):
        assert not line.lstrip(b" \t").startswith(b"::"), line
    # The only escape sequences are mlci's own colours.
    assert re.sub(rb"\x1b\[[0-9;]*m", b"", data).count(b"\x1b") == 0
    assert (b"\x1b[" in data) is color
    text = data.decode()
    assert not INVISIBLE_RE.search(re.sub(r"\x1b\[[0-9;]*m|\n", "", text))
    assert "\\u202e" in text and "\\x1b]8;;" in text  # shown, so a reader sees them


@needs_cmark
def test_code_values_stay_copyable_where_no_filter_runs() -> None:
    # Inside <code> GitHub's and GitLab's text filters do not run: tags and hashes keep
    # every character; only cmark-gfm's own autolinks (mail, scheme://) are broken up.
    for value in ("churn@v1.1.0", "sha256:35f4b0fe", "2026-01-01T00:00:00", "#12 !3 ~x"):
        out = assert_inert(md_code(value) + "\n")
        assert [text for text, _ in out.texts] == [value]
    for value in ("user@evil.example", "https://evil.example", "mailto:a@b.example"):
        assert assert_inert(md_code(value) + "\n").links == []


@needs_cmark
def test_hostile_report_gitlab_note_is_inert_and_has_one_marker() -> None:
    from mlci.platforms.gitlab.notes import note_body

    out = assert_inert(note_body(render(hostile_report(), "md"), "churn"), markers=1)
    assert out.links == []


@needs_cmark
def test_a_user_template_that_forgets_to_escape_is_escaped_anyway(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("{{ report.model.name }} | {{ report.status }}\n")
    (tmp_path / "report.txt.j2").write_text("{{ report.model.name }}\n")
    for value in CORPUS:
        report = hostile_report().model_copy(update={"model": ModelInfo(name=value)})
        assert_inert(render(report, "md", templates=tmp_path))
        text = render(report, "text", templates=tmp_path)
        assert "\x1b" not in text and "##[" not in text and not text.lstrip().startswith("::")


def test_a_template_symlinked_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    from mlci.errors import UsageError

    secret = tmp_path / "secret.txt"
    secret.write_text("hunter2")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.md.j2").symlink_to(secret)
    with pytest.raises(UsageError, match="outside its template folder"):
        render(hostile_report(), "md", templates=folder)
