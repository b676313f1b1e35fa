"""``--loss-fn`` text to a small syntax tree, through an allow-list: never ``eval``.

A formula is numbers (``3``, ``0.5``, ``1e-3``, ``1/3`` as a division), weights ``w0``,
``w1``, ... (or ``w[0]``), ``+ - * /``, powers ``^`` or ``**`` (right-associative, binding
tighter than a leading minus: ``-w0^2`` is ``-(w0^2)``, and ``2^-1`` is ``2^(-1)``),
parentheses and the functions in :data:`FUNCTIONS`. Anything else (names, dots, brackets
other than ``w[i]``, quotes, ``lambda``, commas outside a call) is refused with one line that
names the character and its position, before any of it reaches SymPy: SymPy's own string
parser evaluates Python, this module only builds the tree.

The tree is bounded so that no formula can hang or exhaust memory later: its length
(:data:`MAX_LENGTH`), nesting (:data:`MAX_DEPTH`, counted, so deep parentheses are an error
and never a ``RecursionError``), the weights it names (:data:`MAX_WEIGHTS`), the digits of a
number (:data:`MAX_DIGITS`) and powers: a constant exponent is at most
:data:`MAX_EXPONENT` in size, nested powers multiply to at most :data:`MAX_EXPONENT`, and
constant parts are folded here in exact fractions with a size check, so ``9^9^9^9`` is
refused before anything computes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from regtrace.errors import RegtraceError

MAX_LENGTH = 2000  # characters: a homework loss is a line or two
MAX_DEPTH = 60  # nested parentheses, calls, signs and powers
MAX_WEIGHTS = 1000  # w0 .. w999
MAX_DIGITS = 40  # digits in one number, and in a folded constant's numerator/denominator
MAX_EXPONENT = 1000  # |constant exponent|, and the product of nested ones

FUNCTIONS: dict[str, int] = {
    "exp": 1,
    "log": 1,
    "sqrt": 1,
    "abs": 1,
    "sin": 1,
    "cos": 1,
    "tanh": 1,
    "sigmoid": 1,
    "softplus": 1,
    "relu": 1,
    "max": 2,
    "min": 2,
}
"""The functions a formula may call, with their number of arguments."""

ALLOWED = "numbers, w0 w1 ... (or w[0]), + - * / ^ **, parentheses and " + ", ".join(FUNCTIONS)


@dataclass(frozen=True)
class Num:
    """A number as written, kept exact (``0.1`` is ``1/10``)."""

    value: Fraction


@dataclass(frozen=True)
class Weight:
    """The weight ``w<index>``."""

    index: int


@dataclass(frozen=True)
class Neg:
    """``-operand``."""

    operand: Node


@dataclass(frozen=True)
class BinOp:
    """``left op right`` with ``op`` one of ``+ - * / ^`` (``**`` is stored as ``^``)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """``name(args)`` for a name in :data:`FUNCTIONS`."""

    name: str
    args: tuple[Node, ...]


Node = Num | Weight | Neg | BinOp | Call
T = TypeVar("T")


@dataclass(frozen=True)
class Formula:
    """A parsed loss: the text, its tree and how many weights it names (highest index + 1)."""

    text: str
    tree: Node
    n_weights: int


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int  # 0-based character offset


_OPS = ("**", "+", "-", "*", "/", "^", "(", ")", "[", "]", ",")


def _fail(option: str, message: str) -> RegtraceError:
    return RegtraceError(f"{option}: {message}")


def _show(char: str) -> str:
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


def _number(text: str, start: int, option: str) -> tuple[str, int]:
    """The number token starting at ``start``: digits, one point, an optional exponent."""
    i = start
    n = len(text)
    while i < n and (text[i].isdigit() or text[i] == "."):
        i += 1
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        if j < n and text[j].isdigit():
            i = j
            while i < n and text[i].isdigit():
                i += 1
    token = text[start:i]
    exponent = token.lower().partition("e")[2]
    if exponent and abs(int(exponent)) > MAX_DIGITS:
        raise _fail(
            option, f"the number {token!r} at character {start + 1} is too large or too small"
        )
    mantissa = token.split("e")[0].split("E")[0]
    if not any(c.isdigit() for c in mantissa):
        raise _fail(
            option,
            f"{_show(text[start])} at character {start + 1} is not allowed; a formula has "
            f"{ALLOWED}",
        )
    if mantissa.count(".") > 1:
        raise _fail(option, f"bad number {token!r} at character {start + 1}")
    if sum(c.isdigit() for c in token) > MAX_DIGITS:
        raise _fail(
            option, f"the number at character {start + 1} has more than {MAX_DIGITS} digits"
        )
    return token, i


def tokenize(text: str, option: str = "--loss-fn") -> list[_Token]:
    """The tokens of ``text``; a character outside the allow-list is an error here."""
    tokens: list[_Token] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char in " \t":
            i += 1
        elif char.isascii() and (char.isdigit() or char == "."):
            token, end = _number(text, i, option)
            tokens.append(_Token("num", token, i))
            i = end
        elif char.isascii() and char.isalpha():
            end = i
            while end < n and text[end].isascii() and (text[end].isalnum() or text[end] == "_"):
                end += 1
            tokens.append(_Token("name", text[i:end], i))
            i = end
        else:
            op = next((o for o in _OPS if text.startswith(o, i)), None)
            if op is None:
                raise _fail(
                    option,
                    f"{_show(char)} at character {i + 1} is not allowed; a formula has {ALLOWED}",
                )
            tokens.append(_Token("op", op, i))
            i += len(op)
    tokens.append(_Token("end", "", n))
    return tokens


def _weight_index(token: _Token, option: str) -> int | None:
    """``w12`` -> 12; ``w`` alone -> None (then ``[i]`` must follow)."""
    digits = token.text[1:]
    if token.text == "w":
        return None
    if token.text[0] != "w" or not digits.isdigit():
        return -1
    if len(digits) > 1 and digits[0] == "0":
        raise _fail(option, f"write {token.text!r} as w{int(digits)} (character {token.pos + 1})")
    return int(digits)


class _Parser:
    """Precedence climbing over the token list, with an explicit depth count."""

    def __init__(self, tokens: list[_Token], option: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.option = option
        self.depth = 0
        self.max_weight = -1

    # -- helpers --------------------------------------------------------------------------

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at(self, text: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text == text

    def expect(self, text: str, what: str) -> None:
        if not self.at(text):
            raise self.unexpected(what)
        self.i += 1

    def unexpected(self, wanted: str) -> RegtraceError:
        token = self.peek()
        if token.kind == "end":
            return _fail(self.option, f"the formula ends early; expected {wanted}")
        return _fail(
            self.option,
            f"unexpected {token.text!r} at character {token.pos + 1}; expected {wanted}",
        )

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _fail(
                self.option,
                f"the formula nests deeper than {MAX_DEPTH} levels (parentheses, calls, signs "
                f"and powers, at character {self.peek().pos + 1}); write it flatter",
            )

    # -- grammar --------------------------------------------------------------------------

    def formula(self) -> Node:
        if self.peek().kind == "end":
            raise _fail(self.option, 'the formula is empty; e.g. "(w0 - 3)^2 + 2*w1^2"')
        node = self.sum()
        if self.peek().kind != "end":
            raise self.unexpected("an operator (+ - * / ^) or the end of the formula")
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.at("+") or self.at("-"):
            op = self.take().text
            node = BinOp(op, node, self.product())
        return node

    def product(self) -> Node:
        node = self.signed()
        while self.at("*") or self.at("/"):
            op = self.take().text
            node = BinOp(op, node, self.signed())
        return node

    def signed(self) -> Node:
        if self.at("-") or self.at("+"):
            negative = self.take().text == "-"
            self.enter()
            operand = self.signed()
            self.depth -= 1
            return Neg(operand) if negative else operand
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.at("^") or self.at("**"):
            self.take()
            self.enter()
            exponent = self.signed()  # right-associative; 2^-1 is 2^(-1)
            self.depth -= 1
            return BinOp("^", base, exponent)
        return base

    def atom(self) -> Node:
        token = self.peek()
        if token.kind == "num":
            self.i += 1
            return Num(Fraction(token.text))
        if token.kind == "op" and token.text == "(":
            self.i += 1
            self.enter()
            node = self.sum()
            self.expect(")", "')'")
            self.depth -= 1
            return node
        if token.kind == "name":
            return self.name()
        raise self.unexpected("a number, a weight w0, a function or '('")

    def name(self) -> Node:
        token = self.take()
        index = _weight_index(token, self.option)
        if index is None:  # w[i]
            self.expect("[", "'[' after w (w[0]) or a number (w0)")
            number = self.peek()
            if number.kind != "num" or not number.text.isdigit():
                raise self.unexpected("a whole number inside w[...]")
            self.i += 1
            index = int(number.text)
            self.expect("]", "']'")
        elif index < 0:
            if token.text in FUNCTIONS:
                return self.call(token)
            raise _fail(
                self.option,
                f"unknown name {token.text!r} at character {token.pos + 1}; a formula has "
                f"{ALLOWED}",
            )
        if index >= MAX_WEIGHTS:
            raise _fail(
                self.option, f"w{index}: a formula names at most {MAX_WEIGHTS} weights (w0..)"
            )
        self.max_weight = max(self.max_weight, index)
        return Weight(index)

    def call(self, token: _Token) -> Node:
        arity = FUNCTIONS[token.text]
        self.expect("(", f"'(' after {token.text}")
        self.enter()
        args = [self.sum()]
        while self.at(","):
            self.i += 1
            args.append(self.sum())
        self.expect(")", "')'" if len(args) >= arity else "','")
        self.depth -= 1
        if len(args) != arity:
            plural = "argument" if arity == 1 else "arguments"
            raise _fail(
                self.option,
                f"{token.text} takes {arity} {plural}, not {len(args)} (character {token.pos + 1})",
            )
        return Call(token.text, tuple(args))


def _constant(node: Node) -> Fraction | None:
    """The value of a weight-free, function-free subtree, or None."""
    if isinstance(node, Num):
        return node.value
    return None


def _too_big(value: Fraction) -> bool:
    limit: int = 10**MAX_DIGITS
    return bool(abs(value.numerator) >= limit or value.denominator >= limit)


class _Bounds:
    """Fold constant arithmetic exactly with size checks, and bound nested powers."""

    def __init__(self, option: str) -> None:
        self.option = option

    def fold(self, root: Node) -> Node:
        # An explicit stack (post-order), so the walk itself never recurses.
        done: dict[int, Node] = {}
        scale: dict[int, int] = {id(root): 1}
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, visited = stack.pop()
            operands = children(node)
            if not visited:
                stack.append((node, True))
                outer = scale[id(node)]
                for k, child in enumerate(operands):
                    inner = outer
                    if isinstance(node, BinOp) and node.op == "^" and k == 0:
                        inner = outer * self._exponent_size(node.right)
                        if inner > MAX_EXPONENT:
                            raise _fail(
                                self.option,
                                f"nested powers multiply to more than {MAX_EXPONENT}; "
                                "write a smaller power",
                            )
                    scale[id(child)] = inner
                    stack.append((child, False))
                continue
            new = [done.pop(id(child)) for child in operands]
            done[id(node)] = self._rebuild(node, new)
        return done[id(root)]

    def _exponent_size(self, exponent: Node) -> int:
        """``|e|`` rounded up for a constant exponent (checked), 1 for one with weights."""
        value = _constant(exponent)
        if isinstance(exponent, Neg):
            value = _constant(exponent.operand)
        if value is None:
            return 1
        if abs(value) > MAX_EXPONENT:
            raise _fail(
                self.option, f"an exponent of {value} is too large (at most {MAX_EXPONENT})"
            )
        return max(1, -(-abs(value.numerator) // value.denominator))

    def _rebuild(self, node: Node, new: list[Node]) -> Node:
        if isinstance(node, Neg):
            value = _constant(new[0])
            return Num(-value) if value is not None else Neg(new[0])
        if isinstance(node, Call):
            return Call(node.name, tuple(new))
        if isinstance(node, BinOp):
            left, right = new
            a, b = _constant(left), _constant(right)
            if a is not None and b is not None:
                folded = self._arith(node.op, a, b)
                if folded is not None:
                    return Num(folded)
            return BinOp(node.op, left, right)
        return node

    def _arith(self, op: str, a: Fraction, b: Fraction) -> Fraction | None:
        """``a op b`` exactly, or None to leave it to SymPy (a root such as ``2^(1/2)``)."""
        if op == "+":
            value = a + b
        elif op == "-":
            value = a - b
        elif op == "*":
            value = a * b
        elif op == "/":
            if b == 0:
                raise _fail(self.option, "the formula divides by the constant 0")
            value = a / b
        else:
            if abs(b) > MAX_EXPONENT:
                raise _fail(
                    self.option, f"an exponent of {b} is too large (at most {MAX_EXPONENT})"
                )
            if b.denominator != 1:
                return None
            if a == 0 and b < 0:
                raise _fail(self.option, "the formula divides by the constant 0 (0 to a power < 0)")
            digits = max(len(str(a.numerator)), len(str(a.denominator)))
            if digits * abs(b.numerator) > 4 * MAX_DIGITS:
                raise _fail(
                    self.option,
                    f"the constant {a}^{b} has more than {MAX_DIGITS} digits; write it smaller",
                )
            value = a**b.numerator
        if _too_big(value):
            raise _fail(
                self.option,
                f"a constant in the formula has more than {MAX_DIGITS} digits; write it smaller",
            )
        return value


def children(node: Node) -> tuple[Node, ...]:
    """The operands of ``node``, left to right."""
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def postorder(root: Node, combine: Callable[[Node, list[T]], T]) -> T:
    """``combine(node, values of its children)`` bottom-up, with an explicit stack, so a long
    left-leaning chain such as ``w0 + w0 + ... + w0`` never recurses."""
    done: dict[int, T] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, visited = stack.pop()
        if not visited:
            stack.append((node, True))
            stack.extend((child, False) for child in children(node))
            continue
        done[id(node)] = combine(node, [done.pop(id(child)) for child in children(node)])
    return done[id(root)]


def read_formula(spec: str, option: str = "--loss-fn") -> str:
    """The formula typed, read from stdin (``-``, one option only), or read from ``@path``
    through the guarded reader's checks (a regular file, remembered as an input so no output
    replaces it); at most
    ``4*MAX_LENGTH + 1`` bytes are read, so an oversized file is refused without loading it."""
    from regtrace.parse.source import decode, read_stdin, regular_file, remember_file, shown_path

    if spec.strip() == "-":  # stdin, as every vector option reads it
        return read_stdin(option).strip()
    if not spec.startswith("@"):
        return spec
    path = regular_file(spec[1:], option)
    limit = 4 * MAX_LENGTH  # UTF-8 takes at most 4 bytes a character
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise _fail(option, f"cannot read {shown_path(spec[1:])!r}: {exc.strerror}") from None
    remember_file(path)
    if len(data) > limit:
        raise _fail(option, f"the formula is longer than {MAX_LENGTH} characters; shorten it")
    return decode(data, f"{option} @{shown_path(spec[1:])}").strip()


def parse_formula(text: str, option: str = "--loss-fn") -> Formula:
    """Parse ``text`` into a bounded tree, or raise :class:`RegtraceError` with one line.

    >>> f = parse_formula("(w0 - 3)^2 + 2*w[1]**2")
    >>> f.n_weights
    2
    >>> parse_formula("-w0^2").tree
    Neg(operand=BinOp(op='^', left=Weight(index=0), right=Num(value=Fraction(2, 1))))
    """
    text = read_formula(text, option)
    if len(text) > MAX_LENGTH:
        raise _fail(option, f"the formula is longer than {MAX_LENGTH} characters; shorten it")
    text = text.replace("\u2212", "-")  # the Unicode minus sign, as in every vector option
    parser = _Parser(tokenize(text, option), option)
    tree = _Bounds(option).fold(parser.formula())
    if parser.max_weight < 0:
        raise _fail(option, "the formula names no weight; use w0, w1, ... (or w[0])")
    return Formula(text=text.strip(), tree=tree, n_weights=parser.max_weight + 1)


__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "BinOp",
    "Call",
    "Formula",
    "Neg",
    "Node",
    "Num",
    "Weight",
    "children",
    "parse_formula",
    "postorder",
]
