"""Nothing breaks it: random argument lists for every registered command.

Hypothesis builds argument lists from the commands' real option sets (read from the Typer
app, so commands added later are fuzzed too) mixed with random tokens: huge and tiny
numbers, NaN, unicode, empty strings, ``-`` (stdin gets random text), ``@files``. Whatever
comes in, regtrace must answer with exit code 0, 1 or 2, never a traceback, and on exit 2
exactly one stderr line starting with ``Error:``.

Left out: ``--debug`` (it shows tracebacks on purpose) and the shell-completion options
(``--install-completion`` edits the user's shell start-up files). Every run happens in a
fresh temporary folder, so ``--out`` can only write there.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import typer.main
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from regtrace.cli.app import app
from tests.conftest import INPUTS, invoke

EXCLUDED = {"--debug", "--install-completion", "--show-completion"}


@dataclass(frozen=True)
class OptionSpec:
    """One option of a command: its spellings, whether it is a flag, its choices if any."""

    names: tuple[str, ...]
    is_flag: bool
    choices: tuple[str, ...]


def _options(command: typer.main.click.Command) -> list[OptionSpec]:  # type: ignore[name-defined]
    specs = []
    for param in command.params:
        names = tuple(n for n in (*param.opts, *param.secondary_opts) if n not in EXCLUDED)
        if names and param.param_type_name == "option":
            choices = tuple(str(c) for c in getattr(param.type, "choices", None) or ())
            specs.append(OptionSpec(names, bool(getattr(param, "is_flag", False)), choices))
    return specs


ROOT_GROUP = typer.main.get_command(app)
COMMANDS: dict[str, list[OptionSpec]] = {
    name: [*_options(cmd), OptionSpec(("--help", "-h"), True, ())]
    for name, cmd in ROOT_GROUP.commands.items()  # type: ignore[attr-defined]
}
ROOT_OPTIONS = [*_options(ROOT_GROUP), OptionSpec(("--help", "-h"), True, ())]

# -- values -------------------------------------------------------------------------------

FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [0.0, -0.0, 1e308, 1.7976931348623157e308, -1e308, 5e-324, 2.2250738585072014e-308, 1e-320]
)
NUMBER_TEXT = st.one_of(
    FLOATS.map(repr),
    st.integers().map(str),
    st.sampled_from(["1e999", "-1e999", "1e-999", "nan", "inf", "-inf", "0x10", "1_000", "٣"]),
)
VECTOR_TEXT = st.lists(NUMBER_TEXT, min_size=0, max_size=6).flatmap(
    lambda items: st.sampled_from([",", " ", ", ", ",,", "\n", "\t"]).map(
        lambda sep: sep.join(items)
    )
)
FILES = st.sampled_from(
    [
        f"@{INPUTS / 'w.npy'}",
        f"@{INPUTS / 'w.txt'}",
        f"@{INPUTS / 'grad.csv'}",
        f"@{INPUTS}",
        "@",
        "@missing.npy",
        "@missing.txt",
        "-",
        " - ",
    ]
)
OUT_NAMES = st.sampled_from(
    ["r.npy", "r.npz", "r.csv", "r.json", "r.txt", "", ".", "nodir/r.npz", "R.NPZ", "r"]
)
TOKENS = st.one_of(
    NUMBER_TEXT,
    VECTOR_TEXT,
    FILES,
    OUT_NAMES,
    st.text(max_size=12),
    st.sampled_from(["", " ", "-", "--", "--w", "-x", "--nope", "\x00", "é", "\u22122.5", "[1,2]"]),
)


VECTOR_OPTIONS = {"--w", "--grad", "--lam", "--lam1", "--lam2", "--target", "--answer"}
SCALAR_OPTIONS = {"--lr", "--loss", "--steps", "--every", "--digits", "--seed"}
WELL_FORMED_VECTOR = (
    st.integers(1, 3)
    .flatmap(lambda n: st.lists(FLOATS.filter(lambda x: x == x).map(repr), min_size=n, max_size=n))
    .map(",".join)
)


def _value_for(name: str) -> st.SearchStrategy[str]:
    """Mostly a value of the right shape for the option, sometimes anything at all."""
    if name in VECTOR_OPTIONS:
        return st.one_of(WELL_FORMED_VECTOR, WELL_FORMED_VECTOR, VECTOR_TEXT, FILES, TOKENS)
    if name in SCALAR_OPTIONS:
        return st.one_of(NUMBER_TEXT, st.integers(-5, 200).map(str), TOKENS)
    if name == "--out":
        return OUT_NAMES
    return TOKENS


@st.composite
def option_args(draw: st.DrawFn, specs: list[OptionSpec]) -> list[str]:
    """One option from ``specs`` with a value that fits it, sometimes, and sometimes not."""
    spec = draw(st.sampled_from(specs))
    name = draw(st.sampled_from(spec.names))
    if spec.is_flag:
        return [name]
    long_name = spec.names[0]
    fits = st.sampled_from(spec.choices) if spec.choices else _value_for(long_name)
    value = draw(st.one_of(fits, fits, fits, TOKENS))
    if draw(st.booleans()) and name.startswith("--"):
        return [f"{name}={value}"]
    return [name, value]


@st.composite
def argument_lists(draw: st.DrawFn) -> list[str]:
    """A command (or none), then mostly its own options, with a stray token now and then."""
    command = draw(st.sampled_from([*COMMANDS, *COMMANDS, None]))
    specs = ROOT_OPTIONS if command is None else COMMANDS[command]
    specs = [s for s in specs if "--help" not in s.names or draw(st.integers(0, 9)) == 0]
    args = [] if command is None else [command]
    for part in draw(st.lists(option_args(specs), max_size=8)) if specs else []:
        args += part
    if draw(st.integers(0, 4)) == 0:  # now and then a stray token, anywhere
        args.insert(draw(st.integers(0, len(args))), draw(TOKENS))
    return args


STDIN = st.one_of(st.just(""), VECTOR_TEXT, st.text(max_size=30))


@settings(
    max_examples=int(os.environ.get("REGTRACE_FUZZ_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(args=argument_lists(), stdin=STDIN)
def test_no_argument_list_breaks_regtrace(args: list[str], stdin: str) -> None:
    """Exit 0, 1 or 2; never a traceback; on exit 2 a single ``Error:`` line."""
    assume(not EXCLUDED & set(args))  # Hypothesis also tries string constants from our code
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        result = invoke(args, input=stdin)
        leftovers = [p.name for p in Path(folder).iterdir() if p.name.endswith(".part")]
    event(f"exit {result.code}: {result.stderr[:30]}")
    assert result.code in (0, 1, 2), (args, result)
    assert "Traceback" not in result.stdout + result.stderr, (args, result)
    if result.code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (args, result)
        assert lines[0].startswith("Error: "), (args, result)
    assert leftovers == []  # a refused or failed --out never leaves a temporary file


def test_fuzzer_knows_every_command() -> None:
    """The fuzzer reads the option set from the app itself, including ``step``'s ``--out``."""
    assert "step" in COMMANDS
    step_names = {n for spec in COMMANDS["step"] for n in spec.names}
    assert {"--w", "--grad", "--lam", "--lr", "--out", "--format", "--digits"} <= step_names
    assert not step_names & EXCLUDED


ANY_FINITE = st.floats(allow_nan=False, allow_infinity=False)
PENALTY_LISTS = st.lists(st.sampled_from(["l2", "l1", "elastic", "none"]), min_size=1, max_size=4)


@st.composite
def well_formed_steps(draw: st.DrawFn) -> list[str]:
    """``regtrace step`` with every option well formed and numbers of any finite size."""
    n = draw(st.integers(1, 5))
    vector = st.lists(ANY_FINITE, min_size=n, max_size=n).map(lambda v: ",".join(map(repr, v)))
    strength = st.one_of(
        st.floats(0, 1e308).map(repr),
        st.lists(st.floats(0, 1e308), min_size=n, max_size=n).map(lambda v: ",".join(map(repr, v))),
    )
    args = ["step", "--w", draw(vector), "--grad", draw(vector), "--lam", draw(strength)]
    args += ["--lr", repr(draw(st.floats(0, 1e308)))]
    args += ["--penalty", ",".join(draw(PENALTY_LISTS))]
    if draw(st.booleans()):
        args += ["--loss", repr(draw(ANY_FINITE))]
    if draw(st.booleans()):
        args += ["--lam1", draw(strength), "--lam2", draw(strength)]
    args += ["--l1-method", draw(st.sampled_from(["subgradient", "proximal"]))]
    args += ["--l2-form", draw(st.sampled_from(["lambda", "half"]))]
    args += ["--format", draw(st.sampled_from(["table", "json", "csv", "markdown"]))]
    args += ["--layout", draw(st.sampled_from(["auto", "wide", "tall", "summary"]))]
    args += ["--digits", str(draw(st.integers(1, 17)))]
    if draw(st.booleans()):
        args.append("--show-work")
    return args


@settings(max_examples=int(os.environ.get("REGTRACE_FUZZ_EXAMPLES", "200")), deadline=None)
@given(args=well_formed_steps())
def test_numbers_of_any_size_never_break_a_step(args: list[str]) -> None:
    """Huge, tiny and subnormal numbers: a result without inf/nan, or one ``Error:`` line."""
    result = invoke(args)
    event(f"exit {result.code}: {result.stderr[:40]}")
    assert result.code in (0, 2), (args, result)
    assert "Traceback" not in result.stdout + result.stderr, (args, result)
    if result.code == 2:
        assert len(result.stderr.splitlines()) == 1, (args, result)
        assert result.stderr.startswith("Error: "), (args, result)
    else:
        words = set(result.stdout.replace(",", " ").replace("|", " ").split())
        assert not words & {"inf", "-inf", "nan", "Infinity", "NaN"}, (args, result)
