"""Renderers: every result type has one registry of output formats (`tco.render.formats`), each format
a function from the result to text (or an image's bytes). Renderers word and lay out what a result
carries; they call no engine function or analysis to work a figure out again."""
