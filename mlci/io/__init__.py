"""Layer 2: read datasets (whole or in chunks) and fingerprint files."""

from mlci.io.fingerprint import sha256_file
from mlci.io.formats import DataFormat, detect_format
from mlci.io.readers import DEFAULT_CHUNK_ROWS, DataSource, open_source, read_frame

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "DataFormat",
    "DataSource",
    "detect_format",
    "open_source",
    "read_frame",
    "sha256_file",
]
