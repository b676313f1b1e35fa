"""Text to numbers: vectors and scalars (:mod:`.numbers`), exact fractions (:mod:`.exact`),
lambda grids (:mod:`.lams`) and data tables (:mod:`.table`).

Nothing here computes a step; every bad token raises :class:`regtrace.errors.RegtraceError`
with a one-line message that names the option, the token and the fix.
"""
