"""Renderers: result objects in, strings or Rich renderables out; nothing is printed here."""
