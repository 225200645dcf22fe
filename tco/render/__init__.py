"""Renderers: every result type has one registry of output formats (`tco.render.formats`), each format
a function from the result to text (or an image's bytes). Renderers word and lay out; they compute nothing."""
