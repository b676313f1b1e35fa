"""The built-in example: the anchor of the blog post (seed ``002``), kept as text.

``w = [2.5, -0.8, 0.1]``, base loss ``L = 1.2``, ``lam = 0.01``, ``lr = 0.1`` and the
hypothetical data gradient ``dL/dw = [-0.2, 0.1, -0.05]``. Plain strings so that importing
this module costs nothing and the example goes through the same parser as user input.
"""

from __future__ import annotations

BLOG_W = "2.5,-0.8,0.1"
BLOG_GRAD = "-0.2,0.1,-0.05"
BLOG_LAM = "0.01"
BLOG_LR = "0.1"
BLOG_LOSS = "1.2"

BUILTIN_CAPTION = (
    "This is the built-in example (the blog's anchor). Pass your own values with "
    "--w and --grad, e.g. regtrace step --w 1,-2 --grad 0.5,0.1 --lam 0.01 --lr 0.1"
)
