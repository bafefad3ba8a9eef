"""Durations with units: step counts written as users count training.

Every node field that holds a step count (``lrcore.fields`` marks it ``duration``) takes an
int, a number of optimizer steps, or a string in this grammar (read by hand, never ``eval``)::

    duration  := ["-"] number [magnitude] [unit]
    number    := digits ["." digits] | "." digits
    magnitude := "k" | "M" | "B" | "T"              10**3, 10**6, 10**9, 10**12 (steps, tokens, samples)
    unit      := "ba"  (or none)   optimizer steps ("batches")      "500", "500ba", "2kba"
               | "ep"              epochs                           "2ep", "0.5ep"
               | "%" | "dur"       a fraction of the run            "10%", "0.1dur"
               | "tok"             tokens                           "1.5Mtok", "2Btok"
               | "sp"              samples                          "100ksp"

A string in steps is a plain step count at once (it must be whole: ``"2.5ba"`` is an error);
the node keeps it as a `StepCount`, an ``int`` that remembers how it was written, so configs
write the string back. Any other unit leaves a `Duration` in the field and the tree
*unresolved*: it builds (bounds that need the number wait), stores and compares, but it does
not evaluate until ``s.resolve(...)`` turns every duration into steps:

    ==========  ====================================================================
    unit        steps (x the number as written, exactly)
    ==========  ====================================================================
    ``ep``      ``x * steps_per_epoch``
    ``%/dur``   ``x * total_steps`` (``x / 100`` for ``%``)
    ``tok``     ``x / tokens_per_step``
    ``sp``      ``x / samples_per_step``
    ==========  ====================================================================

rounded to the nearest int, halves up (``floor(steps + 1/2)``, in exact arithmetic).

>>> import lrcore
>>> s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps="2ep"), warmup_steps="10%")
>>> [(path, str(d), d.needs) for path, d in s.unresolved]
[('schedule.steps', '2ep', 'steps_per_epoch'), ('warmup_steps', '10%', 'total_steps')]
>>> s.resolve(total_steps=1000, steps_per_epoch=450)
Warmup(schedule=Cosine(start_value=1.0, steps=900, end_value=0.0, power=1.0), warmup_steps=100, start_value=0.0, shape='linear', prefix=True)
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any

    from typing import TypeVar

    from ._node import Node

    N = TypeVar("N", bound=Node)
    M = TypeVar("M", bound=Node)


from ._errors import ScheduleError, ScheduleTypeError, Spelled

__all__ = ["Duration", "StepCount", "UnresolvedError", "parse_duration", "resolve", "unresolved",
           "GRAMMAR", "NEEDS", "round_half_up", "total_steps"]

GRAMMAR = ("an int or a duration string: '500' or '500ba' (steps), '2ep' (epochs), '10%' or '0.1dur' "
           "(of the run), '1.5Mtok' (tokens), '100ksp' (samples)")
"""What a duration field takes, as error messages say it."""

NEEDS = {"ep": "steps_per_epoch", "dur": "total_steps", "tok": "tokens_per_step", "sp": "samples_per_step"}
"""The `resolve` keyword each unit needs."""

_UNIT_WORDS = {"ba": "steps", "ep": "epochs", "dur": "a fraction of the run", "tok": "tokens", "sp": "samples"}
_MAGNITUDES = {"k": 3, "M": 6, "B": 9, "T": 12}
_MAX_LEN = 40  # characters: a duration string is short (and int() of huge digit strings is slow)


class UnresolvedError(ValueError):
    """A schedule holds durations in epochs, tokens, samples or a fraction of the run: call
    ``s.resolve(...)`` with what they need before evaluating it."""


class Duration(Spelled):
    """A duration in a unit other than steps, as parsed: ``value * unit``, kept exactly.

    ``unit`` is "ep", "dur", "tok" or "sp" ("ba" only for a step count being scaled);
    ``value`` the number (exact: ``mantissa / 10**exponent``); ``text`` the string as
    written (configs keep it); ``str(d)`` the canonical spelling, which parses back to an
    equal duration (``"0.1dur"`` and ``"10%"`` are equal, and print as ``"10%"``);
    ``needs`` the `resolve` keyword. Durations are equal by unit and value. Used as a
    number (``float(d)``, ``d + 1``, ``d < 5``) it raises `UnresolvedError`, naming the node
    and field it was given for: an unresolved tree does not evaluate.

    >>> from lrcore._units import parse_duration
    >>> d = parse_duration("1.5Mtok")
    >>> d.unit, d.needs, str(d), d.steps(tokens_per_step=4096)
    ('tok', 'tokens_per_step', '1.5Mtok', 366)
    >>> parse_duration("0.1dur") == parse_duration("10%"), str(parse_duration("0.1dur"))
    (True, '10%')
    """

    __slots__ = ("mantissa", "exponent", "unit", "text", "where")
    mantissa: int
    exponent: int
    unit: str
    text: str
    where: tuple[str, str]

    def __init__(self, mantissa: int, exponent: int, unit: str, text: str, where: tuple[str, str] = ("", "")) -> None:
        while exponent > 0 and mantissa % 10 == 0:
            mantissa, exponent = mantissa // 10, exponent - 1
        object.__setattr__(self, "mantissa", mantissa)
        object.__setattr__(self, "exponent", exponent)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "where", where)  # (node, field) it was given for

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Duration is immutable")

    def _at(self, node: str, field: str) -> "Duration":
        return Duration(self.mantissa, self.exponent, self.unit, self.text, (node, field))

    @property
    def value(self) -> Any:
        """The number, exact (a `fractions.Fraction`)."""
        from fractions import Fraction

        return Fraction(self.mantissa, 10**self.exponent)

    @property
    def needs(self) -> str:
        """The keyword of `resolve` this duration needs."""
        return NEEDS.get(self.unit, "")

    def steps(self, total_steps: Any = None, steps_per_epoch: Any = None, tokens_per_step: Any = None,
              samples_per_step: Any = None) -> int:
        """The step count, rounded to the nearest int, halves up (exactly; see the module docstring)."""
        given = {"total_steps": total_steps, "steps_per_epoch": steps_per_epoch,
                 "tokens_per_step": tokens_per_step, "samples_per_step": samples_per_step}
        return round_half_up(self._exact(given))

    def _exact(self, given: dict[str, Any]) -> Any:
        from fractions import Fraction

        x = self.value
        if self.unit == "ba":
            return x
        key = self.needs
        k = given.get(key)
        if k is None:
            node, field = self.where
            at = f"{node}: `{field}`={self.text!r}" if node else f"the duration {self.text!r}"
            raise UnresolvedError(f"{at} is in {_UNIT_WORDS[self.unit]}: resolve needs {key}=..., "
                                  "which was not given")
        k = Fraction(k)
        return x * k if self.unit in ("ep", "dur") else x / k

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return (self.unit, self.mantissa, self.exponent) == (other.unit, other.mantissa, other.exponent)

    def __ne__(self, other: Any) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash((Duration, self.unit, self.mantissa, self.exponent))

    def __repr__(self) -> str:
        return repr(self.text)

    def __str__(self) -> str:
        return _spell(self.mantissa, self.exponent, self.unit)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Duration, (self.mantissa, self.exponent, self.unit, self.text, self.where))

    # -- used as a number: the tree is unresolved
    def _unresolved(self, *args: Any) -> Any:
        node, field = self.where
        at = f"{node}: `{field}`={self.text!r}" if node else f"the duration {self.text!r}"
        raise UnresolvedError(f"{at} is in {_UNIT_WORDS[self.unit]}, not steps: the schedule is unresolved; "
                              f"call s.resolve({self.needs}=...) first and use the tree it returns")

    __float__ = __int__ = __index__ = __bool__ = __neg__ = __abs__ = _unresolved
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _unresolved
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _unresolved
    __lt__ = __le__ = __gt__ = __ge__ = _unresolved


class StepCount(int, Spelled):
    """A step count given as a string in steps (``"500"``, ``"500ba"``, ``"2kba"``): the int, which
    remembers its ``text`` so configs write it back as written. Equal to the plain int.

    >>> import lrcore
    >>> s = lrcore.Cosine(start_value=1.0, steps="2kba")
    >>> s.steps == 2000, s == lrcore.Cosine(start_value=1.0, steps=2000), s.to_config()["steps"]
    (True, True, '2kba')
    """

    text: str  # as written: "500", "500ba", "2kba"

    def __new__(cls, value: int, text: str) -> "StepCount":
        self = super().__new__(cls, value)
        self.text = text
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (StepCount, (int(self), self.text))

    unit = "ba"


def _spell(mantissa: int, exponent: int, unit: str) -> str:
    """The canonical spelling: % for fractions of the run; the largest magnitude that leaves a
    number >= 1 for tokens and samples; plain digits for steps and epochs."""
    def number(m: int, e: int) -> str:
        sign, digits = ("-" if m < 0 else ""), str(abs(m))
        if e <= 0:
            return sign + digits + "0" * -e
        digits = digits.rjust(e + 1, "0")
        return f"{sign}{digits[:-e]}.{digits[-e:]}".rstrip("0").rstrip(".")

    if unit == "dur":
        return number(mantissa, exponent - 2) + "%"
    if unit in ("tok", "sp"):
        for mag, k in (("T", 12), ("B", 9), ("M", 6), ("k", 3)):
            if abs(mantissa) >= 10 ** (exponent + k):
                return number(mantissa, exponent + k) + mag + unit
    return number(mantissa, exponent) + unit


def parse_duration(text: Any, node: str = "", field: str = "", requirement: str = GRAMMAR) -> StepCount | Duration:
    """A duration string as a `StepCount` (a unit of steps) or a `Duration` (any other unit).

    Errors name the node's field and the string (a `lrcore.ScheduleError`).

    >>> parse_duration("500ba"), parse_duration("2ep"), parse_duration("100ksp").value
    (500, '2ep', Fraction(100000, 1))
    >>> parse_duration("2 ep", "Cosine", "steps")
    Traceback (most recent call last):
    ...
    lrcore._errors.ScheduleError: Cosine: `steps` must be an int or a duration string: '500' or '500ba' (steps), '2ep' (epochs), '10%' or '0.1dur' (of the run), '1.5Mtok' (tokens), '100ksp' (samples), got steps='2 ep'
    """
    if not isinstance(text, str):
        raise ScheduleTypeError(node, field, requirement, text)
    s = text
    if not s or len(s) > _MAX_LEN:
        raise ScheduleError(node, field, requirement, text)
    sign = 1
    if s[0] == "-":
        sign, s = -1, s[1:]
    i = 0
    while i < len(s) and (s[i].isdigit() and s[i].isascii() or s[i] == "."):
        i += 1
    num, rest = s[:i], s[i:]
    whole, dot, frac = num.partition(".")
    if not (whole or frac) or "." in frac or not (whole + frac).isdigit():
        raise ScheduleError(node, field, requirement, text)
    mag = 0
    if rest[:1] in _MAGNITUDES:
        mag, rest = _MAGNITUDES[rest[0]], rest[1:]
    unit = {"": "ba", "ba": "ba", "ep": "ep", "%": "dur", "dur": "dur", "tok": "tok", "sp": "sp"}.get(rest)
    if unit is None or (mag and unit not in ("ba", "tok", "sp")):
        raise ScheduleError(node, field, requirement, text)
    mantissa, exponent = sign * int(whole + frac), len(frac) - mag + (2 if rest == "%" else 0)
    if exponent < 0:
        mantissa, exponent = mantissa * 10**-exponent, 0
    d = Duration(mantissa, exponent, unit, text, (node, field))
    if unit != "ba":
        return d
    if d.exponent:
        raise ScheduleError(node, field, "a whole number of steps", text)
    return StepCount(d.mantissa, text)


def round_half_up(x: Any) -> int:
    """The nearest int to an exact number `x`, halves up: ``floor(x + 1/2)``.

    >>> round_half_up(2.5), round_half_up(-2.5), round_half_up(2.4999)
    (3, -2, 2)
    """
    from fractions import Fraction

    return int((Fraction(x) + Fraction(1, 2)) // 1)


# ----------------------------------------------------------------------------------------
# Trees: which durations are unresolved, and resolving them.

def unresolved(node: Node, path: str = "") -> tuple[tuple[str, Duration], ...]:
    """``(path, Duration)`` for every duration of the tree not in steps, in field order."""
    from ._node import Node

    if "_unresolved" not in node.__dict__:
        return ()
    out: list[tuple[str, Duration]] = []
    for f in node._fields:
        v = node.__dict__[f.name]
        where = f"{path}.{f.name}" if path else f.name
        if isinstance(v, Duration):
            out.append((where, v))
        elif isinstance(v, Node):
            out += unresolved(v, where)
        elif isinstance(v, tuple):
            for i, x in enumerate(v):
                if isinstance(x, Duration):
                    out.append((f"{where}[{i}]", x))
                elif isinstance(x, Node):
                    out += unresolved(x, f"{where}[{i}]")
    return tuple(out)


def resolve(node: N, given: dict[str, Any]) -> N:
    """`node` with every duration in steps (see `lrcore.Schedule.resolve`)."""
    from ._node import Node

    if "_unresolved" not in node.__dict__:
        return node
    for key in ("total_steps", "steps_per_epoch", "tokens_per_step", "samples_per_step"):
        v = given.get(key)
        if v is None:
            continue
        if key == "total_steps":
            from ._errors import check_steps

            check_steps("resolve", key, v, low=1)
        else:
            from ._errors import check_real

            check_real("resolve", key, v, low=0.0, low_open=True)

    def rebuild(n: M, path: str) -> M:
        if "_unresolved" not in n.__dict__:
            return n
        kwargs: dict[str, Any] = {}
        notes: list[str] = []
        for f in n._fields:
            v = n.__dict__[f.name]
            where = f"{path}.{f.name}" if path else f.name
            if isinstance(v, Duration):
                kwargs[f.name] = _steps(v, where, given, notes, f.name)
            elif isinstance(v, Node):
                kwargs[f.name] = rebuild(v, where)
            elif isinstance(v, tuple):
                kwargs[f.name] = tuple(
                    _steps(x, f"{where}[{i}]", given, notes, f"{f.name}[{i}]") if isinstance(x, Duration)
                    else rebuild(x, f"{where}[{i}]") if isinstance(x, Node) else x for i, x in enumerate(v))
            else:
                kwargs[f.name] = v
        return rebuilt(n, kwargs, "resolved from " + ", ".join(notes) if notes else "")

    return rebuild(node, "")


def _steps(d: Duration, where: str, given: dict[str, Any], notes: list[str], name: str) -> int:
    try:
        x = d._exact(given)
    except UnresolvedError:
        raise UnresolvedError(f"resolve: `{where}`={d.text!r} is in {_UNIT_WORDS[d.unit]} and needs "
                              f"{d.needs}=..., which was not given") from None
    n = round_half_up(x)
    notes.append(f"{name}={d.text!r} with {d.needs}={given[d.needs]!r}: {float(x):.6g} steps, rounded to {n}")
    return n


def rebuilt(node: N, kwargs: dict[str, Any], note: str) -> N:
    """``type(node)(**kwargs)``; an error of the new values says where they came from (`note`)."""
    cls = type(node)
    try:
        return cls(**kwargs)
    except (ScheduleError, ScheduleTypeError) as e:
        if not note:
            raise
        err = type(e)(e.node, e.field, e.requirement, e.value)
        err.args = (f"{err.args[0]} ({note})",)
        raise err from None


# ----------------------------------------------------------------------------------------
# The total: how many optimizer steps a run of some epochs takes.

def total_steps(*, epochs: float, batches_per_epoch: int | None = None, grad_accum: int = 1,
                dataset_size: int | None = None, batch_size: int | None = None, num_processes: int = 1,
                drop_last: bool = False, max_steps: int | None = None) -> int:
    """Optimizer steps in ``epochs`` epochs: the ``total_steps`` that ``s.resolve`` takes.

    ``batches_per_epoch`` is ``len(dataloader)`` as one process sees it; or give
    ``dataset_size``, ``batch_size`` (per process) and ``num_processes`` for it: each
    process reads ``ceil(dataset_size / num_processes)`` samples (torch's
    ``DistributedSampler`` pads the last round), in ``ceil(samples / batch_size)`` batches,
    ``floor`` with ``drop_last`` (the DataLoader's). Then, with ``B = batches_per_epoch``
    and ``A = grad_accum``::

        updates_per_epoch = max(ceil(B / A), 1)      # a last, partial accumulation still steps
        total = ceil(epochs * updates_per_epoch)     # then min(total, max_steps) if given

    This is what the peers compute:

    * HF Trainer (transformers 5.x, ``Trainer.set_initial_training_values``):
      ``num_update_steps_per_epoch = max(len_dataloader // A + int(len_dataloader % A > 0), 1)``
      and ``max_steps = ceil(num_train_epochs * num_update_steps_per_epoch)`` unless
      ``max_steps > 0`` is given, which wins (here: ``max_steps`` caps, so give the total
      itself instead). Transformers before 4.4x floored ``len_dataloader // A``.
    * Lightning (``Trainer.estimated_stepping_batches``):
      ``ceil(num_training_batches / accumulate_grad_batches) * max(max_epochs, 1)``, then
      ``min(..., max_steps)`` if ``max_steps != -1``: the same for whole epochs.
    * accelerate: ``len(dataloader)`` after ``prepare`` is per process
      (``ceil(batches / num_processes)`` with its default even batches), and the prepared
      scheduler (``AcceleratedScheduler.step``) steps only when gradients sync (once per A
      batches) and then ``num_processes`` times (unless ``split_batches``): a schedule built
      for it counts ``num_processes * total`` scheduler steps. lrcore's adapters count
      optimizer steps: pass ``total`` and step once per optimizer step.

    >>> total_steps(epochs=3, batches_per_epoch=10, grad_accum=4)      # ceil(10 / 4) = 3 per epoch
    9
    >>> total_steps(epochs=2, dataset_size=1000, batch_size=32, num_processes=2, grad_accum=2)
    16
    >>> total_steps(epochs=2, dataset_size=1000, batch_size=32, num_processes=2, drop_last=True)
    30
    """
    import math

    from ._errors import check_bool, check_int, check_real

    epochs_ = check_real("total_steps", "epochs", epochs, low=0.0, low_open=True)
    check_int("total_steps", "grad_accum", grad_accum, low=1)
    check_bool("total_steps", "drop_last", drop_last)
    if batches_per_epoch is None:
        if dataset_size is None or batch_size is None:
            raise TypeError("total_steps: give `batches_per_epoch`, or `dataset_size` and `batch_size`")
        check_int("total_steps", "dataset_size", dataset_size, low=1)
        check_int("total_steps", "batch_size", batch_size, low=1)
        check_int("total_steps", "num_processes", num_processes, low=1)
        samples = -(-dataset_size // num_processes)
        batches_per_epoch = samples // batch_size if drop_last else -(-samples // batch_size)
        if batches_per_epoch < 1:
            raise ScheduleError("total_steps", "batch_size", f"<= the samples per process ({samples}) with "
                                "drop_last=True", batch_size)
    else:
        if dataset_size is not None or batch_size is not None:
            raise TypeError("total_steps: give `batches_per_epoch` or `dataset_size` and `batch_size`, not both")
        check_int("total_steps", "batches_per_epoch", batches_per_epoch, low=1)
    per_epoch = max(-(-batches_per_epoch // grad_accum), 1)
    if not epochs_ * per_epoch <= 2**53:
        raise ScheduleError("total_steps", "epochs", f"small enough that epochs * {per_epoch} updates per epoch "
                            "is at most 2**53 steps", epochs)
    total = math.ceil(epochs_ * per_epoch)
    if max_steps is not None:
        total = min(total, check_int("total_steps", "max_steps", max_steps, low=1))
    return total
