"""Nodes: immutable values with declared, validated fields, and the registry configs load from.

A node class declares its fields as annotated class attributes; the annotation says what a
field holds and `field` adds bounds and allowed values::

    class Cosine(Schedule):
        start_value: float                    # any finite number
        steps: int = field(ge=1)              # required, an int >= 1 (ints are <= 2**53)
        end_value: float = 0.0                # optional, with its default
        power: float = field(1.0, gt=0.0)     # optional, > 0

Nothing is generated with ``exec``: one ``__init__`` shared by every node reads the class's
field table, checks each argument (one error template, ``Cosine: `steps` must be an int >= 1
and <= 9007199254740992, got steps=0``) and stores it. A node is immutable, equal by value,
hashable, picklable, and its repr is its constructor call. Cross-field rules go in an optional
``validate(self)`` method, run after every field has been checked.
"""

from __future__ import annotations

import math
from types import FunctionType
TYPE_CHECKING = False  # typing is not imported at run time (import lrcore stays light)
if TYPE_CHECKING:
    from typing import Any, Callable, ClassVar, Self, TypeVar
    from ._units import Duration

    T = TypeVar("T")

    # a field's checker: check(node, name, value) -> the value to store
    Check = Callable[[str, str, Any], Any]

from ._errors import MAX_STEPS, ScheduleError, ScheduleTypeError, Spelled, check_bool, check_int, check_real

__all__ = ["Node", "Field", "field", "fields", "register", "registered", "MAX_STEPS"]

_MISSING: Any = type("MISSING", (), {"__repr__": lambda self: "MISSING"})()


class Field:
    """One declared field: its name, kind (from the annotation), default and constraints."""

    __slots__ = ("name", "kind", "optional", "default", "ge", "gt", "le", "lt", "choices", "min_len",
                 "increasing", "check", "duration")
    # a bound: a number, None, or (until `_resolved` reads it from the earlier fields) a field's name
    ge: Any
    gt: Any
    le: Any
    lt: Any

    def __init__(self, default: Any = _MISSING, *, ge: float | str | None = None, gt: float | str | None = None,
                 le: float | str | None = None, lt: float | str | None = None, choices: tuple[str, ...] | None = None,
                 min_len: int = 1, increasing: bool = False, check: Check | None = None,
                 duration: bool = False) -> None:
        self.name, self.kind, self.optional = "", "", False
        self.default, self.ge, self.gt, self.le, self.lt = default, ge, gt, le, lt
        self.choices, self.min_len, self.increasing, self.check = choices, min_len, increasing, check
        self.duration = duration

    @property
    def required(self) -> bool:
        """True if the field has no default."""
        return self.default is _MISSING

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.kind}{' | None' if self.optional else ''}{', duration' if self.duration else ''})"

    # -- checking one value against the declaration
    def validate(self, node: str, value: Any, earlier: dict[str, Any] | None = None) -> Any:
        """`value` checked and normalised (ints as int, numbers as float, sequences as tuples).

        A bound given as a string names an earlier field (``upper: float = field(gt="lower")``):
        its value in `earlier` is the bound, and no bound where that is None."""
        if value is None and self.optional:
            return None
        if earlier is not None and any(isinstance(b, str) for b in (self.ge, self.gt, self.le, self.lt)):
            return self._resolved(earlier).validate(node, value)
        if self.check is not None:
            return self.check(node, self.name, value)
        kind = self.kind
        if self.duration and kind != "ints" and isinstance(value, (str, Spelled)):
            return self._duration(node, self.name, value)
        if kind == "float":
            return check_real(node, self.name, value, low=self._low(), high=self._high(),
                              low_open=self.gt is not None, high_open=self.lt is not None)
        if kind == "int":
            return self._int(node, self.name, value)
        if kind == "number":  # an int stays an int (a step count), any other real a float
            if isinstance(value, int) and not isinstance(value, bool):
                return self._int(node, self.name, value)
            return check_real(node, self.name, value, low=self._low(), high=self._high(),
                              low_open=self.gt is not None, high_open=self.lt is not None)
        if kind == "bool":
            return check_bool(node, self.name, value)
        if kind == "str":
            if self.choices is None:
                if not isinstance(value, str):
                    raise ScheduleTypeError(node, self.name, "a string", value)
                return value
            if not isinstance(value, str) or value not in self.choices:
                raise ScheduleError(node, self.name, "one of " + ", ".join(repr(c) for c in self.choices), value)
            return value
        if kind == "schedule":
            return check_child(node, self.name, value)
        if kind in ("floats", "ints", "schedules"):
            return self._sequence(node, value)
        if kind == "callable":
            if not callable(value):
                raise ScheduleTypeError(node, self.name, "a callable", value)
            return value
        return value  # an annotation this module does not check (a user's own type)

    def _duration(self, node: str, name: str, value: Any) -> Any:
        """A duration string (or an already parsed one): a `StepCount` checked as a number of
        steps, or a `Duration` in another unit, whose bounds wait for `resolve` (but its sign
        not: a negative duration where the bound is >= 0 is an error now)."""
        from ._units import StepCount, parse_duration

        if isinstance(value, str):
            value = parse_duration(value, node, name, self._requirement() + " or a duration string: '500' or "
                                   "'500ba' (steps), '2ep' (epochs), '10%' or '0.1dur' (of the run), '1.5Mtok' "
                                   "(tokens), '100ksp' (samples)")
        if isinstance(value, StepCount):
            try:
                n = self._int(node, name, int(value)) if self.kind in ("int", "number", "ints") else check_real(
                    node, name, int(value), low=self._low(), high=self._high(), low_open=self.gt is not None,
                    high_open=self.lt is not None)
            except ScheduleError as e:  # shown as written
                raise ScheduleError(node, name, e.requirement, value.text) from None
            return StepCount(int(n), value.text)
        low = self._low()
        if value.mantissa < 0 and isinstance(low, (int, float)) and low >= 0:
            raise ScheduleError(node, name, f"a duration >= {low}" if self.gt is None else f"a duration > {low}",
                                value.text)
        return value._at(node, name)

    def _requirement(self) -> str:
        """What the field takes, as its numbers' error says it."""
        if self.kind in ("int", "ints"):
            try:
                self._int("", "", None)
            except ScheduleTypeError as e:
                return e.requirement
        try:
            check_real("", "", None, low=self._low(), high=self._high(), low_open=self.gt is not None,
                       high_open=self.lt is not None)
        except ScheduleTypeError as e:
            return e.requirement
        return "a number"  # pragma: no cover

    def _resolved(self, earlier: dict[str, Any]) -> "Field":
        f = Field(self.default, choices=self.choices, min_len=self.min_len, increasing=self.increasing, check=self.check,
                  duration=self.duration,
                  **{k: earlier.get(b) if isinstance(b, str) else b
                     for k, b in (("ge", self.ge), ("gt", self.gt), ("le", self.le), ("lt", self.lt))})
        f.name, f.kind, f.optional = self.name, self.kind, self.optional
        return f

    def _low(self) -> float | None:
        low: float | None = self.gt if self.gt is not None else self.ge  # resolved: a number here
        return low

    def _high(self) -> float | None:
        high: float | None = self.lt if self.lt is not None else self.le
        return high

    def _int(self, node: str, name: str, value: Any) -> int:
        low = 0 if self.ge is None and self.gt is None else (
            math.ceil(self.ge) if self.ge is not None else math.floor(self.gt) + 1)
        high = MAX_STEPS if self.le is None and self.lt is None else (
            math.floor(self.le) if self.le is not None else math.ceil(self.lt) - 1)
        return check_int(node, name, value, low=low, high=high)

    def _sequence(self, node: str, xs: Any) -> tuple[Any, ...]:
        name, n = self.name, self.min_len
        if self.kind == "schedules":
            what = f"a list of at least {n} Schedules"
        else:
            what = ("a non-empty list of " if n else "a list of ") + ("ints" if self.kind == "ints" else "numbers")
        if isinstance(xs, (str, bytes, dict, Node)) or not hasattr(xs, "__iter__"):
            raise ScheduleTypeError(node, name, what, xs)
        try:
            xs = tuple(xs)
        except TypeError:  # iterable in name only: a 0-d numpy array
            raise ScheduleTypeError(node, name, what, xs) from None
        if len(xs) < n:
            raise ScheduleError(node, name, what, list(xs))
        if self.kind == "schedules":
            return tuple(check_child(node, f"{name}[{i}]", x) for i, x in enumerate(xs))
        if self.kind == "ints":
            if self.duration:
                out = tuple(self._duration(node, f"{name}[{i}]", x) if isinstance(x, (str, Spelled))
                            else self._int(node, f"{name}[{i}]", x) for i, x in enumerate(xs))
                if any(_is_unit(x) for x in out):
                    return out  # the order of durations in other units is checked when they are resolved
            else:
                out = tuple(self._int(node, f"{name}[{i}]", x) for i, x in enumerate(xs))
        else:
            out = tuple(check_real(node, f"{name}[{i}]", x, low=self._low(), high=self._high(),
                                   low_open=self.gt is not None, high_open=self.lt is not None)
                        for i, x in enumerate(xs))
        if self.increasing and any(b <= a for a, b in zip(out, out[1:])):
            raise ScheduleError(node, name, "strictly increasing", list(xs))
        return out


def field(default: Any = _MISSING, *, ge: float | str | None = None, gt: float | str | None = None,
          le: float | str | None = None, lt: float | str | None = None, choices: tuple[str, ...] | None = None,
          min_len: int = 1, increasing: bool = False, check: Check | None = None, duration: bool = False) -> Any:
    """Declare a field's default and constraints next to its annotation.

    ``ge``/``gt``/``le``/``lt``: bounds (ints also stay <= 2**53), a number or the name of an
    earlier field (``field(gt="lower")``, no bound while that is None); ``choices``: the allowed
    strings; ``min_len`` and ``increasing`` for sequences; ``check(node, name, value)``: a
    checker of your own that returns the stored value. Without a default the field is required.
    ``duration=True``: the field holds a step count (an int, float or list of ints) and also
    takes a duration string, ``"500ba"``, ``"2ep"``, ``"10%"``, ``"1.5Mtok"``, ``"100ksp"``
    (the grammar and rounding: `lrcore.Schedule.resolve`); `fields` lists it so
    (``Field.duration``), and `lrcore.scale_batch` scales it.

    >>> import lrcore
    >>> class Half(lrcore.Schedule):
    ...     start_value: float
    ...     half_life: float = lrcore.field(gt=0.0)
    ...     def formula(self, t, xp):
    ...         return self.start_value * xp.exp(-0.6931471805599453 * t / self.half_life)
    ...     duration = None
    >>> Half(start_value=1.0, half_life=10)(10)
    0.5
    >>> Half(start_value=1.0, half_life=0)
    Traceback (most recent call last):
    ...
    lrcore._errors.ScheduleError: Half: `half_life` must be a number > 0.0, got half_life=0
    """
    return Field(default, ge=ge, gt=gt, le=le, lt=lt, choices=choices, min_len=min_len, increasing=increasing,
                 check=check, duration=duration)


# annotation (as written, or its name under `from __future__ import annotations`) -> field kind
_KINDS = {
    "float": "float", "int": "int", "int | float": "number", "float | int": "number", "bool": "bool",
    "str": "str", "Schedule": "schedule", "Callable": "callable", "Callable[..., Any]": "callable",
    "Params": "params",
    "tuple[float, ...]": "floats", "tuple[int, ...]": "ints", "tuple[Schedule, ...]": "schedules",
}


def _kind_of(annotation: Any) -> tuple[str, bool]:
    """(kind, optional) of an annotation: ``float``, ``int | None``, ``tuple[int, ...]``, ..."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", None) or str(annotation)
    text = text.replace("typing.", "").strip()
    optional = text.startswith("Optional[")
    if optional:
        text = text[len("Optional["):-1]
    optional = optional or text.endswith("| None") or text.startswith("None |")
    if optional:
        text = text.replace("| None", "").replace("None |", "").strip()
    return _KINDS.get(text, "object:" + text), optional


def _is_unit(x: Any) -> bool:
    """A duration in a unit other than steps (a `lrcore._units.Duration`): the tree is unresolved."""
    return isinstance(x, Spelled) and not isinstance(x, int)


class FrozenNodeError(AttributeError):
    """A node's fields cannot be changed: build a new one (``node.replace(field=value)``)."""


def _annotation(f: Field) -> Any:
    """The type of a field, for signatures (jsonargparse, LightningCLI and IDEs read it)."""
    from collections.abc import Callable as CallableT, Mapping, Sequence
    from typing import Any, Literal

    from ._base import Schedule

    if f.kind == "str" and f.choices:
        t: Any = Literal[tuple(f.choices)]
    else:
        t = {"float": float, "int": int, "number": int | float, "bool": bool, "str": str, "schedule": Schedule,
             "floats": Sequence[float], "ints": Sequence[int], "schedules": Sequence[Schedule],
             "callable": CallableT, "params": Mapping[str, Any]}.get(f.kind, Any)
    if f.duration:  # a step count also takes a duration string ("10%", "2ep", ...)
        t = Sequence[int | str] if f.kind == "ints" else t | str
    return t | None if f.optional and t is not Any else t


def _signature(cls: type[Node], self_too: bool) -> Any:
    import inspect  # on use: it costs milliseconds to import

    P = inspect.Parameter
    params = [P("self", P.POSITIONAL_OR_KEYWORD)] if self_too else []
    keyword_only = False  # fields are taken positionally in declaration order ...
    for f in cls._fields:
        default = P.empty if f.required else f.default
        if default is P.empty and any(p.default is not P.empty for p in params):
            keyword_only = True  # ... up to a required field after a defaulted one
        kind = P.KEYWORD_ONLY if keyword_only else P.POSITIONAL_OR_KEYWORD
        params.append(P(f.name, kind, default=default, annotation=_annotation(f)))
    return inspect.Signature(params)


class _Signature:
    """``inspect.signature(NodeClass)``: its fields as parameters, with types and defaults (computed on use)."""

    def __get__(self, obj: Any, cls: type[Node]) -> Any:
        if obj is not None:
            return None  # an instance's own call signature
        return _signature(cls, False)


class _InitSignature:
    """What a node class's ``__init__`` wraps: ``inspect.signature(NodeClass.__init__)`` reads
    this ``__signature__`` (with ``self``), so tools that read ``__init__`` (jsonargparse,
    LightningCLI) see the fields instead of ``*args, **kwargs``."""

    __slots__ = ("cls",)

    def __init__(self, cls: type[Node]) -> None:
        self.cls = cls

    @property
    def __signature__(self) -> Any:
        return _signature(self.cls, True)


class Node:
    """Base of every node: declared fields, keyword construction, value semantics, no ``exec``.

    Subclasses declare fields as annotated class attributes (see `field`); they are built with
    keyword arguments (positional ones are taken in declaration order), and are immutable,
    equal by value, hashable and picklable. Private per-instance caches live in ``__dict__``
    under names starting with ``_c_``, outside equality, hashing and pickling.
    """

    _fields: ClassVar[tuple[Field, ...]] = ()
    _field_map: ClassVar[dict[str, Field]] = {}
    __signature__ = _Signature()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("__annotations__", {})
        table = {f.name: f for f in cls._fields}
        for name, annotation in own.items():
            if name.startswith("_") or "ClassVar" in str(annotation):
                continue
            spec = cls.__dict__.get(name, _MISSING)
            f = spec if isinstance(spec, Field) else Field(spec)
            f.name = name
            f.kind, f.optional = _kind_of(annotation)
            if f.default is None:
                f.optional = True
            if isinstance(spec, Field):
                if f.default is _MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, f.default)
            table[name] = f
        cls._fields = tuple(table.values())
        cls._field_map = table
        init = cls.__init__
        if init is Node.__init__ or isinstance(getattr(init, "__wrapped__", None), _InitSignature):
            # the shared __init__'s code as this class's own function (no extra call), wrapping
            # an object that gives its signature (see _InitSignature)
            own = FunctionType(Node.__init__.__code__, Node.__init__.__globals__, "__init__")
            own.__qualname__ = f"{cls.__qualname__}.__init__"
            own.__doc__ = Node.__init__.__doc__
            own.__wrapped__ = _InitSignature(cls)  # type: ignore[attr-defined]
            cls.__init__ = own  # type: ignore[method-assign]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        name, fields_ = cls.__name__, cls._fields
        if len(args) > len(fields_):
            raise TypeError(f"{name}() takes {len(fields_)} arguments but {len(args)} were given positionally")
        for f, a in zip(fields_, args):
            if f.name in kwargs:
                raise TypeError(f"{name}() got multiple values for argument '{f.name}'")
            kwargs[f.name] = a
        d = self.__dict__
        open_ = False  # a duration not in steps, here or below: the node is unresolved
        for f in fields_:
            v = kwargs.pop(f.name, _MISSING)
            if v is _MISSING:
                if f.default is _MISSING:
                    raise TypeError(f"{name}() missing required argument: '{f.name}'")
                d[f.name] = f.default
            else:
                v = d[f.name] = f.validate(name, v, d)
                if not open_ and (_is_unit(v) or (isinstance(v, Node) and "_unresolved" in v.__dict__) or (
                        type(v) is tuple and any(_is_unit(x) or (isinstance(x, Node) and "_unresolved" in
                                                                         x.__dict__) for x in v))):
                    open_ = True
        if kwargs:
            from ._hints import did_you_mean

            bad, valid = next(iter(kwargs)), [f.name for f in fields_]
            hint = did_you_mean(bad, valid)
            raise TypeError(f"{name}() got an unexpected keyword argument '{bad}'; {hint + ' ' if hint else ''}"
                            f"valid fields: {', '.join(valid)}")
        if open_:
            d["_unresolved"] = True  # cross-field rules need the numbers: checked by resolve()
        else:
            self.validate()

    def validate(self) -> None:
        """Cross-field rules, run after each field was checked (raise `lrcore.ScheduleError`)."""

    # -- value semantics
    @property
    def unresolved(self) -> tuple[tuple[str, Duration], ...]:
        """``(path, duration)`` for every duration of the tree in epochs, tokens, samples or a
        fraction of the run (empty, so false, for a tree that evaluates). ``duration.needs``
        names the keyword `resolve` needs for it.

        >>> import lrcore
        >>> lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps=100), warmup_steps="3%").unresolved
        (('warmup_steps', '3%'),)
        """
        from ._units import unresolved

        return unresolved(self)

    def resolve(self, total_steps: int | None = None, steps_per_epoch: float | None = None,
                tokens_per_step: float | None = None, samples_per_step: float | None = None) -> Self:
        """A plain tree: every duration in epochs, tokens, samples or a fraction of the run in steps.

        A duration ``x`` in a unit becomes ``x * steps_per_epoch`` ("ep"), ``x * total_steps``
        ("%" as ``x / 100``, "dur"), ``x / tokens_per_step`` ("tok"), ``x / samples_per_step``
        ("sp") steps, computed exactly and rounded to the nearest int, halves up
        (``floor(x + 1/2)``). Every node is rebuilt with those ints and fully validated: a
        value out of its bounds (a warmup of "0.01%" that rounds to 0 steps where >= 1 is
        required, milestones out of order) is the node's usual error, which also says which
        duration string gave it. A keyword a duration needs and not given is an
        `lrcore.UnresolvedError`; unneeded ones are ignored. A tree with nothing to resolve
        (step counts written ``"500ba"`` included) is returned as it is.

        Fingerprints: the tree as written (its spec) and the resolved tree each have their
        own. A run stores both; on resume, an unchanged spec with a changed resolved
        fingerprint means the run's size changed (another total, epoch length or batch),
        not the schedule as written; a changed spec means the schedule changed.

        >>> import lrcore
        >>> s = lrcore.Warmup(lrcore.Cosine(start_value=1.0, steps="90%"), warmup_steps="10%")
        >>> r = s.resolve(total_steps=1005)
        >>> r.warmup_steps, r.schedule.steps, r.resolve() is r
        (101, 905, True)
        >>> s(0)
        Traceback (most recent call last):
        ...
        lrcore._units.UnresolvedError: Cosine: `steps`='90%' is in a fraction of the run, not steps: the schedule is unresolved; call s.resolve(total_steps=...) first and use the tree it returns
        """
        from ._units import resolve

        return resolve(self, {"total_steps": total_steps, "steps_per_epoch": steps_per_epoch,
                              "tokens_per_step": tokens_per_step, "samples_per_step": samples_per_step})

    def _field_values(self) -> tuple[Any, ...]:
        d = self.__dict__
        return tuple(d[f.name] for f in self._fields)

    def __eq__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self is other or self._field_values() == other._field_values()

    def __hash__(self) -> int:
        try:
            h: int = self.__dict__["_c_hash"]
        except KeyError:
            h = self.__dict__["_c_hash"] = hash((type(self).__qualname__, self._field_values()))
        return h

    def __repr__(self) -> str:
        d = self.__dict__
        return f"{type(self).__qualname__}({', '.join(f'{f.name}={d[f.name]!r}' for f in self._fields)})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenNodeError(f"cannot assign to field '{name}' of {type(self).__name__}: nodes are immutable")

    def __delattr__(self, name: str) -> None:
        raise FrozenNodeError(f"cannot delete field '{name}' of {type(self).__name__}: nodes are immutable")

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_c_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (validated as in the constructor).

        >>> import lrcore
        >>> lrcore.Cosine(start_value=1.0, steps=10).replace(steps=20)
        Cosine(start_value=1.0, steps=20, end_value=0.0, power=1.0)
        """
        d = self.__dict__
        return type(self)(**{**{f.name: d[f.name] for f in self._fields}, **changes})

    # -- caching (kept out of eq/hash/repr/pickle)
    def _cached(self, key: str, make: Callable[[], T]) -> T:
        d = self.__dict__
        try:
            v: T = d[key]
        except KeyError:
            v = d[key] = make()
        return v

    def to_config(self) -> dict[str, Any]:
        """Plain JSON data that `lrcore.from_config` turns back into an equal node."""
        from ._config import to_config

        return to_config(self)


def fields(node: Node | type[Node]) -> tuple[Field, ...]:

    """The declared fields of a node class or instance, in order (each a `Field`).

    >>> import lrcore
    >>> [f.name for f in lrcore.fields(lrcore.Cosine)]
    ['start_value', 'steps', 'end_value', 'power']
    """
    cls = node if isinstance(node, type) else type(node)
    if not issubclass(cls, Node):
        raise TypeError(f"fields() takes an lrcore node or node class, got {cls.__name__}")
    return cls._fields


MAX_DEPTH = 100
"""Deepest schedule tree accepted (in nodes), so evaluation and configs never hit Python's recursion limit."""


def check_child(node: str, field_name: str, x: Any) -> Any:
    """`x` if it is a Schedule nested less than MAX_DEPTH deep, else the field's error."""
    from ._base import Schedule

    if not isinstance(x, Schedule):
        raise ScheduleTypeError(node, field_name, "a Schedule", x)
    if x._depth >= MAX_DEPTH:
        raise ScheduleError(node, field_name, f"a schedule nested at most {MAX_DEPTH - 1} levels deep",
                            f"<{type(x).__name__} {x._depth} nodes deep>")
    return x


# ----------------------------------------------------------------------------------------
# The registry: the names `from_config` / `loads` know.

_REGISTRY: dict[str, type] = {}


def register(cls: Any = None, *, package: str | None = None, name: str | None = None) -> Any:
    """Make a node class loadable by `lrcore.from_config` and `lrcore.loads` under its name.

    The config ``type`` is the class name, or ``"package>Name"`` with ``package=`` (as Keras's
    ``register_keras_serializable``). Loading never imports a module: the module that defines
    a node must be imported, and the class registered, before a config naming it is loaded.
    Registering another class under a taken name is an error; registering the same class
    again (a module reloaded) replaces it.

    >>> import lrcore
    >>> @lrcore.register(package="docs")
    ... class Halve(lrcore.Schedule):
    ...     value: float
    ...     def formula(self, t, xp):
    ...         return self.value / 2
    ...     duration = 0
    >>> lrcore.dumps(Halve(value=1.0))
    '{"lrcore": 2, "schedule": {"type": "docs>Halve", "value": 1.0}}'
    >>> lrcore.loads(lrcore.dumps(Halve(value=1.0))) == Halve(value=1.0)
    True
    """
    def wrap(c: type) -> type:
        if not (isinstance(c, type) and issubclass(c, Node)):
            raise TypeError(f"register() takes a subclass of lrcore.Schedule, got {c!r}")
        key = (f"{package}>" if package else "") + (name or c.__name__)
        old = _REGISTRY.get(key)
        if old is not None and old is not c and (old.__module__, old.__qualname__) != (c.__module__, c.__qualname__):
            raise ValueError(f"register: the name {key!r} is taken by {old.__module__}.{old.__qualname__}; "
                             "pass package= to keep both")
        _REGISTRY[key] = c
        type.__setattr__(c, "_config_name", key)
        return c

    return wrap if cls is None else wrap(cls)


def registered() -> dict[str, type]:
    """The registered node classes by config name (a copy)."""
    return dict(_REGISTRY)


def config_name(node: Any) -> str | None:
    """The name `node`'s class is registered under, or None."""
    cls = type(node)
    key = cls.__dict__.get("_config_name")
    return key if key is not None and _REGISTRY.get(key) is cls else None
