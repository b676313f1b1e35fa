"""regtrace in Jupyter and IPython: results that display themselves, the ``%regtrace`` magic
and inline plots.

This layer sits above the renderers, as the command line does: the engine returns frozen
results and knows nothing of display; :mod:`regtrace.notebook.results` subclasses them with
IPython's display hooks (``_repr_mimebundle_`` and friends), drawing the same
:class:`~regtrace.render.page.Page` the command line prints; :mod:`regtrace.notebook.api` is
the public functions (``regtrace.step``, ``regtrace.run``, ...) returning those subclasses.
IPython itself is imported only by :mod:`regtrace.notebook.magic`, when ``%load_ext regtrace``
asks for it.
"""
