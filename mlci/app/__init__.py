"""The use cases -- check, gate, drift, comment, release, monitor.

The only layer that strings config, checks, registry, report and platforms together. Plain
functions and small plan/execute objects, testable without the CLI.
"""
