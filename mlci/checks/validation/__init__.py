"""Schema validation: the dataset against ``schema.yml``, every violation collected."""

from mlci.checks.validation.results import ValidationOutcome, ViolationResult
from mlci.checks.validation.validator import (
    Validator,
    text_columns,
    validate_frame,
    validate_source,
)

__all__ = [
    "ValidationOutcome",
    "Validator",
    "ViolationResult",
    "text_columns",
    "validate_frame",
    "validate_source",
]
