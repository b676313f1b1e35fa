"""``regtrace explore``: step trace, weight decay and lambda sweep as a terminal app (Textual).

Only :mod:`regtrace.explore.app` and :mod:`regtrace.explore.panes` import Textual, the optional
``explore`` extra; the model of the app (:mod:`~regtrace.explore.state`,
:mod:`~regtrace.explore.decay`, :mod:`~regtrace.explore.plot`) is plain Python and NumPy.
"""
