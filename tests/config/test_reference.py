"""docs/config.md is generated from the models: it matches them, and its examples are valid."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import yaml
from pydantic import TypeAdapter

from mlci.config.project import ProjectConfig
from mlci.config.reference import model_keys, render_reference
from mlci.config.reference_text import KEYS, SCHEMA_EXAMPLE, SCHEMA_KEYS, SECTIONS
from mlci.config.schema import Schema, schema_from_document
from mlci.config.yaml_source import load_yaml

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "config.md"


def test_the_committed_reference_is_the_generators_output() -> None:
    generated = subprocess.run(
        [sys.executable, "-m", "mlci.config.reference"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert generated == render_reference()
    assert DOC.read_text(encoding="utf-8") == generated, (
        "docs/config.md is stale: run `python -m mlci.config.reference > docs/config.md`"
    )


@pytest.mark.parametrize(
    ("model", "words"), [(ProjectConfig, KEYS), (Schema, SCHEMA_KEYS)], ids=["mlci.yml", "schema"]
)
def test_every_key_is_described_and_no_description_is_stale(model: type, words: dict[str, object]) -> None:
    paths = [k.path for k in model_keys(model)]
    assert sorted(set(paths) - set(words)) == [], "keys without a meaning in mlci/config/reference_text.py"
    assert sorted(set(words) - set(paths)) == [], "meanings of keys no model has"


def test_every_mlci_yml_key_appears_in_the_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in model_keys(ProjectConfig) + model_keys(Schema):
        assert f"| `{key.path}` |" in text, key.path


def test_types_and_defaults_come_from_the_models() -> None:
    by_path = {k.path: k for k in model_keys(ProjectConfig)}
    assert by_path["drift.drift_share"].default == "`0.5`" and "≤ 1" in by_path["drift.drift_share"].bounds
    assert by_path["model.name"].default == "required"
    assert by_path["registry.backend"].type.startswith("one of `file`, `git`")
    assert by_path["datasets.<name>.schema"].type == "string"  # the alias users write, not schema_
    assert "root" not in by_path  # set by mlci, not a key


def _annotation(model: type, path: str) -> object:
    """The type a key's value must have, following the path through the models."""
    annotation: object = model
    for part in path.replace("[]", ".[]").split("."):
        args = getattr(annotation, "__args__", ())
        if part in ("<name>", "[]"):
            annotation = args[-1]
            continue
        inner = next((a for a in (annotation, *args) if hasattr(a, "model_fields")), None)
        assert inner is not None, path
        field = next(f for n, f in inner.model_fields.items() if (f.alias or n) == part)
        # With the field's validators and bounds (a duration parses "24h" before it is a float).
        annotation = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    return annotation


@pytest.mark.parametrize(
    ("model", "words"), [(ProjectConfig, KEYS), (Schema, SCHEMA_KEYS)], ids=["mlci.yml", "schema"]
)
def test_every_example_value_is_one_the_model_accepts(model: type, words: dict[str, tuple[str, str]]) -> None:
    for key in model_keys(model):
        value = yaml.safe_load(words[key.path][1])
        TypeAdapter(_annotation(model, key.path)).validate_python(value)


def test_the_full_examples_load(tmp_path: Path) -> None:
    (tmp_path / "mlci.yml").write_text("".join(SECTIONS.values()), encoding="utf-8")
    config = ProjectConfig.model_validate(load_yaml(tmp_path / "mlci.yml").data)
    assert config.drift is not None and len(config.gates) == 3
    (tmp_path / "schema.yml").write_text(SCHEMA_EXAMPLE, encoding="utf-8")
    schema = schema_from_document(load_yaml(tmp_path / "schema.yml"))
    assert schema.columns["signup"].format == "%Y-%m-%d"
