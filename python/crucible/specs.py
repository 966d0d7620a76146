"""dm_env-shaped specs and timesteps.

When ``dm_env`` is installed its own classes are used (``dm_env.specs.Array``, ``BoundedArray``,
``DiscreteArray``, ``dm_env.TimeStep``, ``dm_env.StepType``), so code written for Melting Pot type-checks and
behaves the same; otherwise the frozen dataclasses below stand in, with the same fields and methods
(``shape``, ``dtype``, ``name``, ``minimum``, ``maximum``, ``num_values``, ``generate_value()``,
``validate()``, ``replace()``; ``TimeStep.first()/mid()/last()``).
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any, NamedTuple

import numpy as np

__all__ = ["Array", "BoundedArray", "DiscreteArray", "StepType", "TimeStep", "array", "bounded", "discrete", "HAVE_DM_ENV"]


@dataclasses.dataclass(frozen=True)
class Array_:
    shape: tuple[int, ...]
    dtype: np.dtype
    name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", tuple(int(s) for s in self.shape))
        object.__setattr__(self, "dtype", np.dtype(self.dtype))

    def generate_value(self) -> np.ndarray:
        return np.zeros(self.shape, self.dtype)

    def validate(self, value: Any) -> np.ndarray:
        v = np.asarray(value)
        if v.shape != self.shape:
            raise ValueError(f"{self.name}: expected shape {self.shape}, got {v.shape}")
        if v.dtype != self.dtype:
            raise ValueError(f"{self.name}: expected dtype {self.dtype}, got {v.dtype}")
        return v

    def replace(self, **kwargs: Any) -> Any:
        return dataclasses.replace(self, **kwargs)


@dataclasses.dataclass(frozen=True)
class BoundedArray_(Array_):
    minimum: Any = None
    maximum: Any = None

    def generate_value(self) -> np.ndarray:
        return np.full(self.shape, self.minimum, self.dtype)

    def validate(self, value: Any) -> np.ndarray:
        v = super().validate(value)
        if (v < self.minimum).any() or (v > self.maximum).any():
            raise ValueError(f"{self.name}: values must be in [{self.minimum}, {self.maximum}]")
        return v


@dataclasses.dataclass(frozen=True)
class DiscreteArray_(BoundedArray_):
    num_values: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "minimum", 0)
        object.__setattr__(self, "maximum", self.num_values - 1)


class StepType_(enum.IntEnum):
    FIRST = 0
    MID = 1
    LAST = 2

    def first(self) -> bool:
        return self is StepType_.FIRST

    def mid(self) -> bool:
        return self is StepType_.MID

    def last(self) -> bool:
        return self is StepType_.LAST


class TimeStep_(NamedTuple):
    step_type: Any
    reward: Any
    discount: Any
    observation: Any

    def first(self) -> bool:
        return bool(self.step_type == StepType_.FIRST)

    def mid(self) -> bool:
        return bool(self.step_type == StepType_.MID)

    def last(self) -> bool:
        return bool(self.step_type == StepType_.LAST)


try:  # pragma: no cover - depends on the environment
    import dm_env as _dm_env
    from dm_env import specs as _dm_specs

    HAVE_DM_ENV = True
    Array: Any = _dm_specs.Array
    BoundedArray: Any = _dm_specs.BoundedArray
    DiscreteArray: Any = _dm_specs.DiscreteArray
    StepType: Any = _dm_env.StepType
    TimeStep: Any = _dm_env.TimeStep

    def array(shape: tuple[int, ...], dtype: Any, name: str) -> Any:
        return _dm_specs.Array(shape=tuple(shape), dtype=dtype, name=name)

    def bounded(shape: tuple[int, ...], dtype: Any, minimum: Any, maximum: Any, name: str) -> Any:
        return _dm_specs.BoundedArray(shape=tuple(shape), dtype=dtype, minimum=minimum, maximum=maximum, name=name)

    def discrete(num_values: int, name: str = "action") -> Any:
        return _dm_specs.DiscreteArray(num_values=num_values, dtype=np.int64, name=name)

except ImportError:
    HAVE_DM_ENV = False
    Array = Array_
    BoundedArray = BoundedArray_
    DiscreteArray = DiscreteArray_
    StepType = StepType_
    TimeStep = TimeStep_

    def array(shape: tuple[int, ...], dtype: Any, name: str) -> Any:
        return Array_(tuple(shape), np.dtype(dtype), name)

    def bounded(shape: tuple[int, ...], dtype: Any, minimum: Any, maximum: Any, name: str) -> Any:
        return BoundedArray_(tuple(shape), np.dtype(dtype), name, minimum, maximum)

    def discrete(num_values: int, name: str = "action") -> Any:
        return DiscreteArray_((), np.dtype(np.int64), name, num_values=num_values)


for _cls, _name in ((Array_, "Array"), (BoundedArray_, "BoundedArray"), (DiscreteArray_, "DiscreteArray"),
                    (StepType_, "StepType"), (TimeStep_, "TimeStep")):
    _cls.__name__ = _cls.__qualname__ = _name
