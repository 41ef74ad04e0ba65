"""Layer 3: pure checks (schema validation, drift, gates): inputs -> typed results."""
