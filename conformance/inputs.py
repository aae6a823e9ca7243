"""Deterministic sample inputs: descriptions (Arg, Sample), values drawn from the case id, layouts.

A Sample only *describes* its inputs (shapes, layouts, domains); values are drawn per case from
numpy.random.default_rng(crc32(case_id)), so neither -k nor -n nor execution order changes them.
The numpy arrays are made once; each framework turns the same arrays into tensors with the same
calls (fw.tensor, then the same view ops for a non-contiguous layout).
"""
import zlib
from dataclasses import dataclass, field
from typing import Any

import ml_dtypes
import numpy as np

from conformance.frameworks import FLOATING, make_tensor

NUMPY_DTYPES = {"bool": np.bool_, "uint8": np.uint8, "int8": np.int8, "int16": np.int16,
                "int32": np.int32, "int64": np.int64, "float16": np.float16,
                # bfloat16 values travel as float32 arrays holding exactly representable values.
                "bfloat16": np.float32, "float32": np.float32, "float64": np.float64}
LAYOUTS = ("contiguous", "transposed", "strided", "expanded", "offset")
OFFSET = 3  # elements skipped at the start of the storage by the "offset" layout


@dataclass(frozen=True)
class Arg:
    """One positional input. A tensor unless `scalar` or `value` says otherwise."""
    shape: tuple = ()
    layout: str = "contiguous"     # see LAYOUTS: how the tensor is viewed out of its storage
    domain: str | None = None      # None: the spec's domain for this position
    dtype: str | None = None       # None: the case's dtype; else fixed (mixed-dtype promotion)
    scalar: bool = False           # a Python number of the case dtype's kind instead of a tensor
    value: Any = None              # a fixed Python value passed as is (an exponent, a dim list)
    requires_grad: bool | None = None  # None: floating tensors take part in gradient checks


@dataclass(frozen=True)
class Sample:
    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    only_dtypes: tuple | None = None   # the sample makes sense only for these case dtypes


def seed_of(text):
    return zlib.crc32(text.encode())


def rng_for(case_id, purpose="inputs"):
    return np.random.default_rng(seed_of(f"{case_id}#{purpose}"))


# ---- values -------------------------------------------------------------------------------
def draw(rng, shape, dtype, domain="real"):
    """Values of `dtype` in `domain`, exactly representable in `dtype`."""
    size = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        values = np.ones(size, bool) if domain in ("positive", "nonzero") else rng.random(size) < 0.5
        return values.reshape(shape)
    floating = dtype in FLOATING
    low = 0 if dtype == "uint8" else None
    if domain == "distinct":
        # A permutation: no ties, so max/min pick the same element and their gradient is defined.
        values = rng.permutation(size) - (0 if low == 0 else size // 2)
        values = values * 0.5 + 0.25 if floating else values
    elif domain == "zero":
        values = np.zeros(size)
    elif domain == "small_int":
        values = rng.integers(0 if low == 0 else -2, 3, size)     # many ties, for comparisons
    elif domain in ("one_zero", "two_zeros"):
        # prod/cumprod gradients at zeros: nonzero values with one (two) zeros in every last-dim row
        signs = np.ones(size) if low == 0 else rng.choice([-1, 1], size)
        values = signs * (rng.uniform(0.5, 1.5, size) if floating else rng.integers(1, 4, size))
        rows = values.reshape(-1, shape[-1]) if len(shape) and size else values.reshape(1, -1)
        for row in rows:
            row[rng.permutation(row.size)[:1 if domain == "one_zero" else 2]] = 0
    elif floating:
        values = {"real": lambda: rng.normal(0, 1, size),
                  "positive": lambda: rng.uniform(0.2, 3, size),
                  "nonzero": lambda: np.sign(rng.normal(0, 1, size)) * rng.uniform(0.25, 2, size),
                  "unit": lambda: rng.uniform(-0.9, 0.9, size),
                  "base": lambda: rng.uniform(0.5, 2, size),
                  "exponent": lambda: rng.uniform(-2, 2, size),
                  "above_one": lambda: rng.uniform(1.2, 3, size),             # acosh
                  "halves": lambda: rng.integers(-8, 9, size) / 2,           # rounding ties, clamp bounds hit
                  "nonfinite": lambda: _with_nonfinite(rng, rng.normal(0, 1, size))}[domain]()
    else:
        lowest = {"real": -9, "positive": 1, "nonzero": -9, "unit": -1, "base": -3, "exponent": 0,
                  "above_one": 2, "halves": -9, "nonfinite": -9}
        highest = {"real": 10, "positive": 10, "nonzero": 10, "unit": 2, "base": 4, "exponent": 4,
                   "above_one": 10, "halves": 10, "nonfinite": 10}
        values = rng.integers(max(lowest[domain], -128 if low is None else low), highest[domain], size)
        if domain == "nonzero":
            values[values == 0] = 1
    values = np.asarray(values).reshape(shape)
    if dtype == "bfloat16":
        return values.astype(ml_dtypes.bfloat16).astype(np.float32)
    return values.astype(NUMPY_DTYPES[dtype])


def _with_nonfinite(rng, values):
    """About one value in four replaced by nan, inf or -inf (each kind present once there are 3+ values)."""
    count = max(len(values) // 4, min(len(values), 3))
    positions = rng.permutation(len(values))[:count]
    values[positions] = np.resize(np.array([np.nan, np.inf, -np.inf]), count)
    return values


def draw_scalar(rng, dtype, domain="real"):
    """A Python number of the kind torch would take with a `dtype` tensor."""
    if dtype == "bool":
        return True
    if dtype in FLOATING:
        magnitude = float(round(rng.uniform(0.5, 2), 2))
        return -magnitude if domain == "real" and rng.random() < 0.5 else magnitude
    return int(rng.integers(1, 5))


# ---- layouts ------------------------------------------------------------------------------
def storage_shape(shape, layout):
    """Shape of the array a layout views its input out of."""
    shape = tuple(shape)
    if layout == "transposed":
        return shape[:-2] + (shape[-1], shape[-2])
    if layout == "strided":
        return shape[:-1] + (2 * shape[-1],)
    if layout == "expanded":
        return (1,) + shape[1:]
    if layout == "offset":
        return (int(np.prod(shape, dtype=np.int64)) + OFFSET,)
    return shape


def apply_layout(fw, storage, shape, layout):
    """The view ops that give a tensor of `shape` with the layout; identical for both frameworks."""
    if layout == "transposed":
        return storage.transpose(-2, -1)
    if layout == "strided":
        return storage[..., ::2]
    if layout == "expanded":
        return storage.expand(*shape)
    if layout == "offset":
        return storage[OFFSET:].view(tuple(shape))
    return storage


def layout_source(layout, shape):
    """The same view ops as text, for reproductions."""
    return {"transposed": ".transpose(-2, -1)", "strided": "[..., ::2]",
            "expanded": f".expand(*{tuple(shape)})", "offset": f"[{OFFSET}:].view({tuple(shape)})",
            "contiguous": ""}[layout]


@dataclass
class Drawn:
    """An Arg with its values: a numpy storage array (tensor) or a Python value."""
    arg: Arg
    dtype: str | None       # tensor dtype; None for Python values
    storage: Any            # numpy array for tensors, the Python value otherwise

    @property
    def is_tensor(self):
        return self.dtype is not None


def draw_sample(sample, dtype, domains, case_id):
    """Values for every arg of `sample`, from the case id's seed. `domains`: one per position."""
    rng = rng_for(case_id)
    drawn = []
    for position, arg in enumerate(sample.args):
        domain = arg.domain or domains[min(position, len(domains) - 1)]
        if arg.value is not None:
            drawn.append(Drawn(arg, None, arg.value))
        elif arg.scalar:
            drawn.append(Drawn(arg, None, draw_scalar(rng, arg.dtype or dtype, domain)))
        else:
            arg_dtype = arg.dtype or dtype
            drawn.append(Drawn(arg, arg_dtype,
                               draw(rng, storage_shape(arg.shape, arg.layout), arg_dtype, domain)))
    return drawn


def wants_grad(item):
    if not item.is_tensor or item.dtype not in FLOATING:
        return False
    return item.arg.requires_grad is not False


def build(fw, drawn, *, grad=False, dtype_override=None):
    """(op inputs, storage tensors): fw tensors for `drawn`; storages are leaves when grad=True
    (grad="explicit": only args declared requires_grad=True).

    dtype_override turns every floating tensor into that dtype (gradcheck runs in float64)."""
    inputs, storages = [], []
    for item in drawn:
        if not item.is_tensor:
            inputs.append(item.storage)
            storages.append(None)
            continue
        dtype = dtype_override if dtype_override and item.dtype in FLOATING else item.dtype
        if grad == "explicit":      # error cases: exactly the args that ask for it
            requires_grad = item.arg.requires_grad is True
        else:
            requires_grad = grad and wants_grad(item)
        storage = make_tensor(fw, item.storage, dtype, requires_grad=requires_grad)
        storages.append(storage)
        inputs.append(apply_layout(fw, storage, item.arg.shape, item.arg.layout))
    return inputs, storages


# ---- sample generators --------------------------------------------------------------------
def T(*shape, **options):
    """Shorthand for a tensor Arg: T(3, 4, layout="transposed")."""
    return Arg(tuple(shape), **options)


def unary_samples():
    return (Sample("0d", (T(),)),
            Sample("vector", (T(5),)),
            Sample("matrix", (T(3, 4),)),
            Sample("size1_dims", (T(1, 3, 1),)),
            Sample("size0", (T(0, 3),)),
            Sample("transposed", (T(3, 4, layout="transposed"),)),
            Sample("strided", (T(3, 4, layout="strided"),)),
            Sample("expanded", (T(3, 4, layout="expanded"),)),
            Sample("storage_offset", (T(2, 3, layout="offset"),)))


def binary_samples(scalar=True):
    samples = (Sample("same_shape", (T(3, 4), T(3, 4))),
               Sample("broadcast_rhs", (T(2, 3, 4), T(4))),
               Sample("broadcast_both", (T(3, 1), T(1, 4))),
               Sample("0d_rhs", (T(3, 4), T())),
               Sample("0d_both", (T(), T())),
               Sample("size0", (T(0, 4), T(4))),
               Sample("transposed_lhs", (T(3, 4, layout="transposed"), T(3, 4))),
               Sample("strided_rhs", (T(3, 4), T(3, 4, layout="strided"))),
               Sample("expanded_lhs", (T(3, 4, layout="expanded"), T(3, 4))),
               Sample("storage_offset", (T(2, 3, layout="offset"), T(2, 3, layout="offset"))))
    if scalar:
        samples += (Sample("scalar_rhs", (T(3, 4), Arg(scalar=True))),)
    return samples


def inplace_safe(samples):
    """Samples whose first input can take the result in place (no broadcast to a bigger shape)."""
    return tuple(s for s in samples if s.name not in ("broadcast_rhs", "broadcast_both"))


def scalar_lhs_samples():
    """For reflected operators: a Python number on the left of a tensor."""
    return (Sample("scalar_lhs_matrix", (T(3, 4), Arg(scalar=True))),
            Sample("scalar_lhs_0d", (T(), Arg(scalar=True))),
            Sample("scalar_lhs_strided", (T(3, 4, layout="strided"), Arg(scalar=True))))


def promotion_samples():
    """Mixed dtypes: the rhs has a fixed dtype, the lhs the case dtype (torch's promotion table)."""
    samples = []
    for other in ("bool", "uint8", "int32", "int64", "float16", "bfloat16", "float32", "float64"):
        samples.append(Sample(f"with_{other}", (T(2, 3), T(2, 3, dtype=other))))
        samples.append(Sample(f"with_0d_{other}", (T(2, 3), T(dtype=other))))
    samples.append(Sample("with_int_scalar", (T(2, 3), Arg(value=3))))
    samples.append(Sample("with_float_scalar", (T(2, 3), Arg(value=2.5))))
    samples.append(Sample("with_bool_scalar", (T(2, 3), Arg(value=True))))
    return tuple(samples)
