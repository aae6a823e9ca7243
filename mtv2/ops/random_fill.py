"""Random in-place fills (uniform_, normal_, bernoulli_, random_, exponential_, log_normal_, geometric_, cauchy_)
and torch.bernoulli.

The numbers come from mtv2's Generator (NumPy's PCG64), so they are not bit-equal to torch's streams; the
conformance rows compare distribution statistics, shapes and dtypes instead of values. Each fill is an op whose
kernel ignores self's values and whose derivative is zero (torch's UniformBackward0, NormalBackward0, ...), run
through apply_inplace so it bumps the version, refuses a leaf that requires grad and rebases history like every
other `op_`.
"""
import math

import numpy as np

from .. import _dtype
from .._random import numpy_generator
from .._tensor import Tensor
from ._registry import RAW, op
from .inplace import apply_inplace


def _refuse_non_floating(self, kernel):
    if not self.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_dtype.scalar_type_name(self.dtype)}\'')


def _as_type_of(values, a):
    return np.asarray(values).astype(a.dtype)


def _zero_derivative(g):
    """The derivative of every fill but bernoulli_: the old value is overwritten by a draw that does not depend
    on it (torch's UniformBackward0, NormalBackward0, ...)."""
    return g.new_zeros(g.shape)


# ---------------------------------------------------------------- uniform_

@op("uniform", promotion=RAW, fills=True)
def _uniform(a, low=0.0, high=1.0, generator=None):
    values = numpy_generator(generator).uniform(low, high, a.shape)
    # as in torch, a draw just below `high` can round up to it in a narrow dtype
    return _as_type_of(values, a)


_uniform.vjp(_zero_derivative)


def uniform_(self, *args, generator=None, **kwargs):
    """Tensor.uniform_(from=0, to=1, *, generator=None): `from` is a Python keyword, so it comes via **kwargs."""
    if len(args) > 2:
        raise TypeError(f"uniform_() takes from 0 to 2 positional arguments but {len(args)} were given")
    bounds = dict(zip(("from", "to"), args))
    for name, value in kwargs.items():
        if name not in ("from", "to"):
            raise TypeError(f"uniform_() got an unexpected keyword argument '{name}'")
        if name in bounds:
            raise TypeError(f"uniform_() got multiple values for argument '{name}'")
        bounds[name] = value
    from_, to = bounds.get("from", 0.0), bounds.get("to", 1.0)
    _refuse_non_floating(self, "check_uniform_bounds")
    from_, to = float(from_), float(to)
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_number(from_)} > "
                           f"to={_number(to)}")
    largest = float(np.finfo(np.float64).max if self.dtype.itemsize == 8 else 3.4028234663852886e38)
    if not (math.isfinite(from_) and math.isfinite(to)) or to - from_ > largest:
        raise RuntimeError("uniform_: to - from is out of bounds for "
                           f"{'double' if self.dtype.itemsize == 8 else 'float'}")
    return apply_inplace(self, lambda a: _uniform(a, low=from_, high=to, generator=generator), "uniform_")


# ---------------------------------------------------------------- normal_

@op("normal", promotion=RAW, fills=True)
def _normal(a, mean=0.0, std=1.0, generator=None):
    return _as_type_of(numpy_generator(generator).normal(mean, std, a.shape), a)


_normal.vjp(_zero_derivative)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_number(std)}")
    if self.numel() > 0:  # torch skips the dtype dispatch for an empty tensor (but still bumps its version)
        _refuse_non_floating(self, "normal_kernel_cpu")
    return apply_inplace(self, lambda a: _normal(a, mean=float(mean), std=float(std), generator=generator),
                         "normal_")


# ---------------------------------------------------------------- bernoulli_, bernoulli

@op("bernoulli", promotion=RAW, fills=True)
def _bernoulli(a, p, generator=None):
    # uniforms in float32 for float32 and half tensors (a float64 draw of the tensor's size would double the memory
    # and the time of dropout), in float64 for float64
    draw_type = np.float32 if a.dtype in (np.float32, np.float16) or a.dtype.name == "bfloat16" else np.float64
    probability = np.asarray(p, dtype=draw_type)
    draws = numpy_generator(generator).random(a.shape, dtype=draw_type) < probability
    return draws.astype(a.dtype)


@_bernoulli.vjp
def _(g):
    return g.new_zeros(g.shape), None  # neither the old value nor p reaches the 0/1 draws


def _check_probability(p, name):
    if isinstance(p, Tensor) and p.is_meta:
        return   # no values to check (torch's meta kernel does not either)
    if isinstance(p, Tensor):
        values = p.detach()._data
        if values.size and not (np.all(values >= 0) and np.all(values <= 1)):
            raise RuntimeError(f"{name}: Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    elif not 0 <= p <= 1:
        raise RuntimeError(f"{name} expects p to be in [0, 1], but got p={_number(p)}")


def bernoulli_(self, p=0.5, *, generator=None):
    """Tensor.bernoulli_: 0/1 draws with probability p (a number or a tensor broadcast to self's shape)."""
    _check_probability(p, "bernoulli_")
    if isinstance(p, Tensor) and not p.is_meta:
        p = p.detach()._data.astype(np.float64)
        if np.broadcast_shapes(p.shape, self.shape) != tuple(self.shape):
            raise RuntimeError(f"bernoulli_: the probability tensor of shape {list(p.shape)} cannot be broadcast "
                               f"to self's shape {list(self.shape)}")
    return apply_inplace(self, lambda a: _bernoulli(a, p, generator=generator), "bernoulli_")


def bernoulli(input, p=None, *, generator=None, out=None):
    """torch.bernoulli: draws with the probabilities in `input` (or the number p for every element)."""
    if p is None:
        if not input.dtype.is_floating_point and input.numel() > 0:  # torch checks the dtype of non-empty input
            raise NotImplementedError(f'"bernoulli_tensor_cpu_p_" not implemented for '
                                      f'\'{_dtype.scalar_type_name(input.dtype)}\'')
        _check_probability(input, "bernoulli")
        probability = 0.5 if input.is_meta else input.detach()._data.astype(np.float64)   # meta: not drawn
    else:
        _check_probability(p, "bernoulli")
        probability = p
    result = _bernoulli(input, probability, generator=generator)
    if out is not None:
        return out.copy_(result)
    return result


# ------------------------------------------------ random_, exponential_, log_normal_, geometric_, cauchy_

@op("random", promotion=RAW, fills=True)
def _random(a, low=0, high=1, generator=None):
    return _as_type_of(numpy_generator(generator).integers(low, high, a.shape, dtype=np.int64, endpoint=False), a)


_random.vjp(_zero_derivative)


# the largest integer each dtype holds exactly: random_() with no bounds draws from [0, this]
_FLOAT_INTEGER_LIMIT = {"float16": 2 ** 11, "bfloat16": 2 ** 8, "float32": 2 ** 24, "float64": 2 ** 53}


def random_(self, *args, generator=None, **kwargs):
    """Tensor.random_(), random_(to), random_(from, to): integers drawn uniformly from [from, to - 1]."""
    bounds = dict(zip(("from", "to"), args if len(args) == 2 else (0,) + args))
    bounds.update(kwargs)
    if len(args) > 2 or set(kwargs) - {"from", "to"} or ("from" in kwargs and "to" not in bounds) or \
            any(not isinstance(v, (int, np.integer)) or isinstance(v, bool) for v in bounds.values() if v is not None):
        raise TypeError(f"random_() received an invalid combination of arguments - got {args} {kwargs}, but "
                        "expected one of: (*, Generator generator), (int from, int to, *, Generator generator), "
                        "(int to, *, Generator generator)")
    low, high = int(bounds.get("from", 0)), bounds.get("to")
    name = self.dtype.name
    if self.dtype.is_floating_point:
        largest = _FLOAT_INTEGER_LIMIT[name]
    else:
        largest = 1 if name == "bool" else int(np.iinfo(self._data.dtype).max)
    if high is None:
        high = largest + 1
    else:
        high = int(high)
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
        if not self.dtype.is_floating_point:
            smallest = 0 if name == "bool" else int(np.iinfo(self._data.dtype).min)
            if low < smallest:
                raise RuntimeError(f"random_: from is out of bounds for {_dtype.c_type_name(name, short=True)}")
            if high - 1 > largest:
                raise RuntimeError(f"random_: to - 1 is out of bounds for {_dtype.c_type_name(name, short=True)}")
    return apply_inplace(self, lambda a: _random(a, low=low, high=high, generator=generator), "random_")


def _refuse_continuous_on_integers(self, distribution, type_name):
    if not self.dtype.is_floating_point:
        raise RuntimeError(f"{distribution} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {type_name}")


@op("exponential", promotion=RAW, fills=True)
def _exponential(a, lambd=1.0, generator=None):
    return _as_type_of(numpy_generator(generator).exponential(1.0 / lambd, a.shape), a)


_exponential.vjp(_zero_derivative)


def exponential_(self, lambd=1.0, *, generator=None):
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_number(lambd)}")
    if self.numel() > 0:  # torch checks the dtype of non-empty tensors only
        _refuse_continuous_on_integers(self, "Exponential", _dtype.scalar_type_name(self.dtype))
    return apply_inplace(self, lambda a: _exponential(a, lambd=float(lambd), generator=generator), "exponential_")


@op("log_normal", promotion=RAW, fills=True)
def _log_normal(a, mean=1.0, std=2.0, generator=None):
    return _as_type_of(numpy_generator(generator).lognormal(mean, std, a.shape), a)


_log_normal.vjp(_zero_derivative)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_number(std)}")
    if self.numel() > 0:
        _refuse_non_floating(self, "log_normal_cpu")
    return apply_inplace(self, lambda a: _log_normal(a, mean=float(mean), std=float(std), generator=generator),
                         "log_normal_")


@op("geometric", promotion=RAW, fills=True)
def _geometric(a, p=0.5, generator=None):
    return _as_type_of(numpy_generator(generator).geometric(p, a.shape), a)


_geometric.vjp(_zero_derivative)


def geometric_(self, p, *, generator=None):
    """Tensor.geometric_: the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_number(p)}")
    if self.dtype.name == "bool" and self.numel() > 0:  # torch dispatches on the dtype only for a non-empty tensor
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    return apply_inplace(self, lambda a: _geometric(a, p=float(p), generator=generator), "geometric_")


@op("cauchy", promotion=RAW, fills=True)
def _cauchy(a, median=0.0, sigma=1.0, generator=None):
    return _as_type_of(median + sigma * numpy_generator(generator).standard_cauchy(a.shape), a)


_cauchy.vjp(_zero_derivative)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_number(sigma)}")
    # unlike exponential_, torch names the dtype by its C type here, and checks it even for an empty tensor
    _refuse_continuous_on_integers(self, "Cauchy", _dtype.c_type_name(self.dtype))
    return apply_inplace(self, lambda a: _cauchy(a, median=float(median), sigma=float(sigma), generator=generator),
                         "cauchy_")


def _number(value):
    """A number as torch's messages print it (2 rather than 2.0)."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)
