"""Random in-place fills (uniform_, normal_, bernoulli_, random_, exponential_, log_normal_, geometric_, cauchy_)
and torch.bernoulli.

The numbers are torch's: the kernels of ops/_draws.py on mtv2's Generator (torch's mt19937), written in the order
torch's TensorIterator walks the output (`in_fill_order`), so a seeded fill gives torch's values bit for bit,
contiguous or not. Each fill is an op whose kernel ignores self's values and whose derivative is zero (torch's
UniformBackward0, NormalBackward0, ...), run through apply_inplace so it bumps the version, refuses a leaf that
requires grad and rebases history like every other `op_`.
"""
import math

import numpy as np

from .. import _dtype
from .._random import generator_or_default
from .._tensor import Tensor
from . import _draws
from ._registry import RAW, op
from ._surface import public
from .inplace import apply_inplace


def _refuse_non_floating(self, kernel):
    if not self.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_dtype.scalar_type_name(self.dtype)}\'')


def fill_axes(shape, strides):
    """The axes of an output, outermost first, in the order torch's TensorIterator walks it: its insertion sort of
    the dimensions by stride (the smallest innermost; equal strides put the smaller size inside; a zero stride
    decides nothing)."""
    order = list(range(len(shape) - 1, -1, -1))     # order[0] is the innermost candidate

    def should_swap(dim0, dim1):
        stride0, stride1 = strides[dim0], strides[dim1]
        if stride0 == 0 or stride1 == 0:
            return 0
        if stride0 != stride1:
            return 1 if stride0 > stride1 else -1
        return 1 if shape[dim0] > shape[dim1] else 0
    for i in range(1, len(order)):
        moving = i
        for before in range(i - 1, -1, -1):
            decision = should_swap(order[before], order[moving])
            if decision > 0:
                order[before], order[moving] = order[moving], order[before]
                moving = before
            elif decision < 0:
                break
    return order[::-1]


def in_fill_order(values, shape, strides):
    """An array of `shape` holding the flat `values` in the order torch fills an output with these strides."""
    axes = fill_axes(shape, strides)
    if axes == sorted(axes):
        return values.reshape(shape)
    result = np.empty(shape, values.dtype)
    np.transpose(result, axes)[...] = values.reshape([shape[axis] for axis in axes])
    return result


def _layout(tensor):
    return tuple(tensor.stride())




def _zero_derivative(g):
    """The derivative of every fill but bernoulli_: the old value is overwritten by a draw that does not depend
    on it (torch's UniformBackward0, NormalBackward0, ...)."""
    return g.new_zeros(g.shape)


# ---------------------------------------------------------------- torch.normal(mean, std) with a tensor mean or std

@op("normal_with_tensors", promotion=RAW, saves=())
def normal_with_tensors(mean, std, sample=None):
    """The value is `sample`, drawn by mtv2.normal as torch's normal_out_impl draws it (a normal_(0, 1) fill, then
    mul_(std), add_(mean)); this op only records the derivative with respect to the tensor mean and std."""
    return sample


@normal_with_tensors.vjp
def _(g):
    # torch's NormalBackward1/2/3: zeros for mean and std (a draw is not a function of its parameters there)
    return g.new_zeros(g.shape), g.new_zeros(g.shape)


# ---------------------------------------------------------------- uniform_

@op("uniform", promotion=RAW, fills=True)
def _uniform(a, low=0.0, high=1.0, generator=None, strides=()):
    values = _draws.uniform(generator_or_default(generator), a.size, a.dtype, low, high)
    return in_fill_order(values, a.shape, strides)


_uniform.vjp(_zero_derivative)


@public(function=False, method=True)
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
    return apply_inplace(self, lambda a: _uniform(a, low=from_, high=to, generator=generator, strides=_layout(self)),
                         "uniform_")


# ---------------------------------------------------------------- normal_

@op("normal", promotion=RAW, fills=True)
def _normal(a, mean=0.0, std=1.0, generator=None, strides=(), contiguous=True):
    values = _draws.normal(generator_or_default(generator), a.size, a.dtype, mean, std, contiguous)
    return in_fill_order(values, a.shape, strides)


_normal.vjp(_zero_derivative)


@public(function=False, method=True)
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_number(std)}")
    if self.numel() > 0:  # torch skips the dtype dispatch for an empty tensor (but still bumps its version)
        _refuse_non_floating(self, "normal_kernel_cpu")
    return apply_inplace(self, lambda a: _normal(a, mean=float(mean), std=float(std), generator=generator,
                                                 strides=_layout(self), contiguous=self.is_contiguous()), "normal_")


# ---------------------------------------------------------------- bernoulli_, bernoulli

@op("bernoulli", promotion=RAW, fills=True)
def _bernoulli(a, p, generator=None, strides=()):
    generator = generator_or_default(generator)
    if isinstance(p, np.ndarray):
        # each element's own probability, taken in the order the output is filled
        axes = fill_axes(a.shape, strides)
        ordered = np.transpose(np.broadcast_to(p, a.shape), axes).reshape(-1)
        draws = _draws.bernoulli_tensor(generator, ordered)
    else:
        draws = _draws.bernoulli_scalar(generator, a.size, float(p))
    return in_fill_order(draws, a.shape, strides).astype(a.dtype)


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


def _probabilities(p):
    """A probability tensor's values as the kernel compares them: float64 stays float64, other floating dtypes
    become float32 (torch compares them with float uniforms)."""
    values = p.detach()._data
    return values if values.dtype == np.float64 else values.astype(np.float32)


@public(function=False, method=True)
def bernoulli_(self, p=0.5, *, generator=None):
    """Tensor.bernoulli_: 0/1 draws with probability p (a number or a tensor broadcast to self's shape)."""
    _check_probability(p, "bernoulli_")
    if isinstance(p, Tensor) and not p.is_meta:
        if not p.dtype.is_floating_point and p.numel() > 0:
            raise NotImplementedError(f'"bernoulli_tensor_cpu_p_" not implemented for '
                                      f'\'{_dtype.scalar_type_name(p.dtype)}\'')
        p = _probabilities(p)
        if np.broadcast_shapes(p.shape, self.shape) != tuple(self.shape):
            raise RuntimeError(f"bernoulli_: the probability tensor of shape {list(p.shape)} cannot be broadcast "
                               f"to self's shape {list(self.shape)}")
    return apply_inplace(self, lambda a: _bernoulli(a, p, generator=generator, strides=_layout(self)), "bernoulli_")


@public(method=True)
def bernoulli(input, p=None, *, generator=None, out=None):
    """torch.bernoulli: draws with the probabilities in `input` (or the number p for every element), into a
    contiguous empty_like(input) (or `out`), whose layout sets the order of the draws."""
    if p is None:
        if not input.dtype.is_floating_point and input.numel() > 0:  # torch checks the dtype of non-empty input
            raise NotImplementedError(f'"bernoulli_tensor_cpu_p_" not implemented for '
                                      f'\'{_dtype.scalar_type_name(input.dtype)}\'')
        _check_probability(input, "bernoulli")
        probability = 0.5 if input.is_meta else _probabilities(input)   # meta: not drawn
    else:
        _check_probability(p, "bernoulli")
        probability = p
    strides = _layout(out) if out is not None and tuple(out.shape) == tuple(input.shape) else \
        _contiguous_strides(tuple(input.shape))
    result = _bernoulli(input, probability, generator=generator, strides=strides)
    if out is not None:
        return out.copy_(result)
    return result


def _contiguous_strides(shape):
    return tuple(int(s) for s in np.cumprod((1,) + tuple(max(n, 1) for n in shape[:0:-1]))[::-1]) if shape else ()


# ------------------------------------------------ random_, exponential_, log_normal_, geometric_, cauchy_

@op("random", promotion=RAW, fills=True)
def _random(a, range_=None, base=0, generator=None, strides=()):
    """range_=None: torch's random_kernel (no bounds); "full": every int64; else (draw % range_) + base."""
    generator = generator_or_default(generator)
    if range_ is None:
        values = _draws.random_default(generator, a.size, a.dtype)
    elif range_ == "full":
        values = _draws.random_full_range(generator, a.size, a.dtype)
    else:
        values = _draws.random_from_to(generator, a.size, range_, base, a.dtype)
    return in_fill_order(values, a.shape, strides)


_random.vjp(_zero_derivative)


# the mantissa digits of each floating dtype: random_ draws integers it holds exactly, up to 2**digits
_FLOAT_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}
_INT64_MIN = -2 ** 63


def _round_to_digits(value, digits):
    """An int64 converted to a float of `digits` mantissa bits (round half to even), as an exact integer."""
    magnitude = abs(value)
    shift = magnitude.bit_length() - digits
    if shift <= 0:
        return value
    quotient, remainder = divmod(magnitude, 1 << shift)
    if remainder > 1 << (shift - 1) or (remainder == 1 << (shift - 1) and quotient & 1):
        quotient += 1
    return (quotient << shift) * (1 if value >= 0 else -1)


def _update_from(low, digits):
    """torch's update_from: a `from` whose successor is not representable moves up to the next float that is."""
    rounded = _round_to_digits(low + 1, digits)
    if rounded < low:
        low = rounded + (1 << (abs(low + 1).bit_length() - 1 - digits + 1))
    return low


def _update_to(high, digits):
    """torch's update_to: a `to` whose predecessor rounds up to it moves down to a float below it."""
    rounded = _round_to_digits(high - 1, digits)
    if rounded >= high:
        high = rounded - (1 << (abs(high - 1).bit_length() - 1 - digits + 1))
    return high


@public(function=False, method=True)
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
    floating = self.dtype.is_floating_point
    digits = _FLOAT_DIGITS.get(name)
    largest = 2 ** digits if floating else 1 if name == "bool" else int(np.iinfo(self._data.dtype).max)
    if not args and not kwargs:
        range_, base = None, 0
    elif high is None and low == _INT64_MIN:
        if name not in ("int64", "float32", "float64", "bfloat16"):
            raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16")
        range_, base = "full", 0
    elif high is None:   # [from, the dtype's largest]
        if floating:
            low = _update_from(low, digits)
            if not low < largest:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' "
                                   f"casted to dtype, but got from={low} > to_inc={largest}")
        range_, base = largest - low + 1, low
    else:
        high = int(high)
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
        if floating:
            low, high = _update_from(low, digits), _update_to(high, digits)
            if low >= high:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, "
                                   f"but got from={low} >= to={high}")
        else:
            smallest = 0 if name == "bool" else int(np.iinfo(self._data.dtype).min)
            if low < smallest:
                raise RuntimeError(f"random_: from is out of bounds for {_dtype.c_type_name(name, short=True)}")
            if high - 1 > largest:
                raise RuntimeError(f"random_: to - 1 is out of bounds for {_dtype.c_type_name(name, short=True)}")
        range_, base = high - low, low
    return apply_inplace(self, lambda a: _random(a, range_=range_, base=base, generator=generator,
                                                 strides=_layout(self)), "random_")


def _refuse_continuous_on_integers(self, distribution, type_name):
    if not self.dtype.is_floating_point:
        raise RuntimeError(f"{distribution} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {type_name}")


@op("exponential", promotion=RAW, fills=True)
def _exponential(a, lambd=1.0, generator=None, strides=()):
    values = _draws.exponential(generator_or_default(generator), a.size, lambd, a.dtype)
    return in_fill_order(values, a.shape, strides)


_exponential.vjp(_zero_derivative)


@public(function=False, method=True)
def exponential_(self, lambd=1.0, *, generator=None):
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_number(lambd)}")
    if self.numel() > 0:  # torch checks the dtype of non-empty tensors only
        _refuse_continuous_on_integers(self, "Exponential", _dtype.scalar_type_name(self.dtype))
    return apply_inplace(self, lambda a: _exponential(a, lambd=float(lambd), generator=generator,
                                                            strides=_layout(self)), "exponential_")


@op("log_normal", promotion=RAW, fills=True)
def _log_normal(a, mean=1.0, std=2.0, generator=None, strides=()):
    values = _draws.log_normal(generator_or_default(generator), a.size, mean, std, a.dtype)
    return in_fill_order(values, a.shape, strides)


_log_normal.vjp(_zero_derivative)


@public(function=False, method=True)
def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_number(std)}")
    if self.numel() > 0:
        _refuse_non_floating(self, "log_normal_cpu")
    return apply_inplace(self, lambda a: _log_normal(a, mean=float(mean), std=float(std), generator=generator,
                                                     strides=_layout(self)), "log_normal_")


@op("geometric", promotion=RAW, fills=True)
def _geometric(a, p=0.5, generator=None, strides=()):
    values = _draws.geometric(generator_or_default(generator), a.size, p, a.dtype)
    return in_fill_order(values, a.shape, strides)


_geometric.vjp(_zero_derivative)


@public(function=False, method=True)
def geometric_(self, p, *, generator=None):
    """Tensor.geometric_: the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_number(p)}")
    if self.dtype.name == "bool" and self.numel() > 0:  # torch dispatches on the dtype only for a non-empty tensor
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    return apply_inplace(self, lambda a: _geometric(a, p=float(p), generator=generator, strides=_layout(self)),
                         "geometric_")


@op("cauchy", promotion=RAW, fills=True)
def _cauchy(a, median=0.0, sigma=1.0, generator=None, strides=()):
    values = _draws.cauchy(generator_or_default(generator), a.size, median, sigma, a.dtype)
    return in_fill_order(values, a.shape, strides)


_cauchy.vjp(_zero_derivative)


@public(function=False, method=True)
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_number(sigma)}")
    # unlike exponential_, torch names the dtype by its C type here, and checks it even for an empty tensor
    _refuse_continuous_on_integers(self, "Cauchy", _dtype.c_type_name(self.dtype))
    return apply_inplace(self, lambda a: _cauchy(a, median=float(median), sigma=float(sigma), generator=generator,
                                                 strides=_layout(self)),
                         "cauchy_")


def _number(value):
    """A number as torch's messages print it (2 rather than 2.0)."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)
