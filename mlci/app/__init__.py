"""The use cases: the only layer that strings config, checks, report and platforms together."""
