"""Layer 6: Report -> str (markdown, json, terminal text) through templates/."""

from mlci.render.formats import RENDERERS, OutputFormat, render

__all__ = ["RENDERERS", "OutputFormat", "render"]
