"""The built-in example, kept as text: what ``regtrace step`` traces with no ``--w``/``--grad``.

``w = [2.5, -0.8, 0.1]``, base loss ``L = 1.2``, ``lam = 0.01``, ``lr = 0.1`` and the
data gradient ``dL/dw = [-0.2, 0.1, -0.05]``. Plain strings so that importing this module
costs nothing and the example goes through the same parser as user input.
"""

from __future__ import annotations

EXAMPLE_W = "2.5,-0.8,0.1"
EXAMPLE_GRAD = "-0.2,0.1,-0.05"
EXAMPLE_LAM = "0.01"
EXAMPLE_LR = "0.1"
EXAMPLE_LOSS = "1.2"

BUILTIN_CAPTION = "This is the built-in example; give yours with --w and --grad (see --help)"
"""One short line under a built-in trace (at most 80 characters)."""
