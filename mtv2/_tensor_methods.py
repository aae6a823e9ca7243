"""Tensor's op methods and Python operators: each delegates to the op of the same name in mtv2.ops.

Kept apart from _tensor.py (layout, autograd metadata, conversions) so both stay readable; Tensor inherits
this class, which inherits the pointwise-math methods (_tensor_pointwise_methods.py), and nothing else.
Sections follow the op families of mtv2/ops.
"""
import numpy as np

from . import _dtype
# The op modules import Tensor, which inherits this class: methods reach them through the package at
# call time (mtv2/_tensor.py imports every op module once Tensor exists).
from . import ops as _ops
from ._tensor_pointwise_methods import TensorPointwiseMethods


def _check_self(self, name):
    # Tensor.__radd__(2, t) called unbound: torch's method descriptor refuses a non-Tensor self
    if not isinstance(self, TensorMethods):
        raise TypeError(f"descriptor '{name}' for 'torch._C.TensorBase' objects doesn't apply to a "
                        f"'{type(self).__name__}' object")


class TensorMethods(TensorPointwiseMethods):
    __slots__ = ()

    def add(self, other, *, alpha=1):
        return _ops.elementwise.add(self, other, alpha=alpha)

    def add_(self, other, *, alpha=1):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.add, "add_", other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return _ops.elementwise.sub(self, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.sub, "sub_", other, alpha=alpha)

    subtract, subtract_ = sub, sub_

    def mul(self, other):
        return _ops.elementwise.mul(self, other)

    def mul_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.mul, "mul_", other)

    multiply, multiply_ = mul, mul_

    def div(self, other, *, rounding_mode=None):
        return _ops.elementwise.div(self, other, rounding_mode=rounding_mode)

    def div_(self, other, *, rounding_mode=None):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.div, "div_", other, rounding_mode=rounding_mode)

    divide, divide_ = div, div_

    def true_divide(self, other):
        return _ops.elementwise.div(self, other)

    def floor_divide(self, other):
        return _ops.elementwise.floor_divide(self, other)

    def floor_divide_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.floor_divide, "floor_divide_", other)

    def remainder(self, other):
        return _ops.elementwise.remainder(self, other)

    def remainder_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.remainder, "remainder_", other)

    def fmod(self, other):
        return _ops.elementwise.fmod(self, other)

    def fmod_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.fmod, "fmod_", other)

    def pow(self, exponent):
        return _ops.elementwise.pow(self, exponent)

    def pow_(self, exponent):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.pow, "pow_", exponent)

    def maximum(self, other):
        return _ops.elementwise.maximum(self, other)

    def minimum(self, other):
        return _ops.elementwise.minimum(self, other)

    def where(self, condition, other):
        return _ops.elementwise.where(condition, self, other)

    def neg(self):
        return _ops.elementwise.neg(self)

    def neg_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.neg, "neg_")

    negative, negative_ = neg, neg_

    def abs(self):
        return _ops.elementwise.abs(self)

    def abs_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.abs, "abs_")

    def sign(self):
        return _ops.elementwise.sign(self)

    def exp(self):
        return _ops.elementwise.exp(self)

    def exp_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.exp, "exp_")

    def log(self):
        return _ops.elementwise.log(self)

    def log_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.log, "log_")

    def sqrt(self):
        return _ops.elementwise.sqrt(self)

    def sqrt_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.sqrt, "sqrt_")

    def sin(self):
        return _ops.elementwise.sin(self)

    def sin_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.sin, "sin_")

    def cos(self):
        return _ops.elementwise.cos(self)

    def cos_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.cos, "cos_")

    def tanh(self):
        return _ops.elementwise.tanh(self)

    def tanh_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.tanh, "tanh_")

    def sigmoid(self):
        return _ops.elementwise.sigmoid(self)

    def sigmoid_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.sigmoid, "sigmoid_")

    def relu(self):
        return _ops.elementwise.relu(self)

    def relu_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.relu, "relu_")

    def eq(self, other):
        return _ops.elementwise.eq(self, other)

    def ne(self, other):
        return _ops.elementwise.ne(self, other)

    def lt(self, other):
        return _ops.elementwise.lt(self, other)

    def le(self, other):
        return _ops.elementwise.le(self, other)

    def gt(self, other):
        return _ops.elementwise.gt(self, other)

    def ge(self, other):
        return _ops.elementwise.ge(self, other)

    def eq_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.eq, "eq_", other)

    def ne_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.ne, "ne_", other)

    def lt_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.lt, "lt_", other)

    def le_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.le, "le_", other)

    def gt_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.gt, "gt_", other)

    def ge_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.ge, "ge_", other)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _ops.pointwise_math.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _ops.pointwise_math.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other):
        return _ops.pointwise_math.equal(self, other)

    def logical_not(self):
        return _ops.elementwise.logical_not(self)

    def logical_and(self, other):
        return _ops.elementwise.logical_and(self, other)

    def logical_or(self, other):
        return _ops.elementwise.logical_or(self, other)

    def logical_xor(self, other):
        return _ops.elementwise.logical_xor(self, other)

    def bitwise_and(self, other):
        return _ops.elementwise.bitwise_and(self, other)

    def bitwise_or(self, other):
        return _ops.elementwise.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return _ops.elementwise.bitwise_xor(self, other)

    def bitwise_not(self):
        return _ops.elementwise.bitwise_not(self)

    # reductions
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduction.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduction.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _ops.reduction.var(self, dim, correction=correction, keepdim=keepdim, unbiased=unbiased)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _ops.reduction.std(self, dim, correction=correction, keepdim=keepdim, unbiased=unbiased)

    def max(self, dim=None, keepdim=False):
        return _ops.reduction.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _ops.reduction.min(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _ops.reduction.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _ops.reduction.argmin(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return _ops.reduction.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return _ops.reduction.any(self, dim, keepdim)

    def sum_to_size(self, *size):
        return _ops.reduction.sum_to_size(self, *size)

    def matmul(self, other):
        return _ops.linalg.matmul(self, other)

    # shape and views
    def view(self, *shape, dtype=None):
        if dtype is None and len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
            (dtype,), shape = shape, ()
        if dtype is not None:
            if shape:
                raise TypeError("view() takes either a shape or a dtype, not both")
            return self._view_as_dtype(dtype)
        return _ops.views.view(self, *shape)

    def _view_as_dtype(self, dtype):
        """view(dtype): the same bytes read as `dtype` (safetensors' torch loader uses it), sharing storage. The
        last dimension scales by the itemsize ratio and must have stride 1 when the sizes differ, as in torch;
        a bit reinterpretation has no derivative, so the result carries no autograd history."""
        if dtype is self.dtype:
            return _ops.views.view(self, self.shape)
        from ._meta import MetaArray
        meta = type(self._data) is MetaArray
        try:
            array = (self._data.layout if meta else self._data).view(dtype.numpy_type)
        except ValueError:
            raise RuntimeError(f"self.stride(-1) must be 1 to view {self.dtype} as {dtype} (different element sizes), "
                               f"but got shape {list(self.shape)} with strides {list(self.stride())}") from None
        from ._tensor import Tensor
        result = Tensor._make_view(MetaArray(array) if meta else array, self)
        result.dtype = dtype
        return result

    def view_as(self, other):
        return _ops.views.view(self, other.shape)

    def reshape(self, *shape):
        return _ops.views.reshape(self, *shape)

    def reshape_as(self, other):
        return _ops.views.reshape(self, other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return _ops.views.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return _ops.views.unflatten(self, dim, sizes)

    def transpose(self, dim0, dim1):
        return _ops.views.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return _ops.views.t(self)

    @property
    def T(self):
        return _ops.views.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self):
        return _ops.views.transpose(self, -2, -1)

    def permute(self, *dims):
        return _ops.views.permute(self, *dims)

    def movedim(self, source, destination):
        return _ops.views.movedim(self, source, destination)

    def expand(self, *sizes):
        return _ops.views.expand(self, *sizes)

    def expand_as(self, other):
        return _ops.views.expand_as(self, other)

    def broadcast_to(self, *sizes, size=None):
        # like expand, the method also takes the sizes unpacked (x.broadcast_to(3, 4)); torch.broadcast_to does not
        if size is None:
            size = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
        return _ops.views.broadcast_to(self, size)

    def squeeze(self, dim=None):
        return _ops.views.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _ops.views.unsqueeze(self, dim)

    def narrow(self, dim, start, length):
        return _ops.views.narrow(self, dim, start, length)

    def select(self, dim, index):
        return _ops.views.select(self, dim, index)

    def unfold(self, dimension, size, step):
        return _ops.views.unfold(self, dimension, size, step)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _ops.views.diagonal(self, offset, dim1, dim2)

    def as_strided(self, size, stride, storage_offset=None):
        return _ops.views.as_strided(self, size, stride, storage_offset)

    def split(self, split_size, dim=0):
        return _ops.views.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return _ops.views.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _ops.views.unbind(self, dim)

    def nonzero(self, *, as_tuple=False):
        return _ops.indexing.nonzero(self, as_tuple=as_tuple)

    def index_put_(self, indices, values, accumulate=False):
        return _ops.indexing.index_put_(self, indices, values, accumulate)

    def __getitem__(self, index):
        return _ops.indexing.getitem(self, index)

    def __setitem__(self, index, value):
        _ops.indexing.setitem(self, index, value)

    # conversions and copies
    def to(self, *args, **kwargs):
        return _ops.conversion.to(self, *args, **kwargs)

    def cpu(self):
        if self.is_meta:
            from ._meta import NO_DATA
            raise NotImplementedError(NO_DATA)
        return self

    def float(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.float32, memory_format, "float")

    def double(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.float64, memory_format, "double")

    def half(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.float16, memory_format, "half")

    def bfloat16(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.bfloat16, memory_format, "bfloat16")

    def long(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.int64, memory_format, "long")

    def int(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.int32, memory_format, "int")

    def short(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.int16, memory_format, "short")

    def char(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.int8, memory_format, "char")

    def byte(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.uint8, memory_format, "byte")

    def bool(self, *, memory_format=None):
        return _ops.conversion.convert(self, _dtype.bool, memory_format, "bool")

    def type_as(self, other):
        return self.to(other.dtype)

    def clone(self, *, memory_format=None):
        return _ops.conversion.clone(self, memory_format=memory_format)

    def copy_(self, src, non_blocking=False):
        return _ops.conversion.copy_(self, src)

    def fill_(self, value):
        return _ops.conversion.fill_(self, value)

    def zero_(self):
        return _ops.conversion.zero_(self)

    # ---- joining, splitting, repeating (ops/joining.py)

    def split_with_sizes(self, split_sizes, dim=0):
        return _ops.views.split_with_sizes(self, split_sizes, dim)

    def repeat(self, *sizes, repeats=None):
        return _ops.joining.repeat(self, *(sizes if repeats is None else (repeats,)))

    def tile(self, *sizes, dims=None):
        return _ops.joining.tile(self, dims if dims is not None else sizes[0] if len(sizes) == 1 else sizes)

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        return _ops.joining.repeat_interleave(self, repeats, dim, output_size=output_size)

    def flip(self, *sizes, dims=None):
        # the method also takes the dims unpacked (x.flip(0, 1)); torch.flip wants a sequence
        if dims is None:
            dims = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (list, tuple)) else sizes
        return _ops.joining.flip(self, dims)

    def fliplr(self):
        return _ops.joining.fliplr(self)

    def flipud(self):
        return _ops.joining.flipud(self)

    def roll(self, shifts, dims=None):
        return _ops.joining.roll(self, shifts, dims)

    def masked_fill(self, mask, value):
        return _ops.joining.masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        return _ops.joining.masked_fill_(self, mask, value)

    def tril(self, diagonal=0):
        return _ops.joining.tril(self, diagonal)

    def tril_(self, diagonal=0):
        return _ops.inplace.apply_inplace(self, _ops.joining.tril, "tril_", diagonal)

    def triu(self, diagonal=0):
        return _ops.joining.triu(self, diagonal)

    def triu_(self, diagonal=0):
        return _ops.inplace.apply_inplace(self, _ops.joining.triu, "triu_", diagonal)

    # ---- gather, scatter, index_* (ops/indexing.py, ops/gather_scatter.py)
    def index_put(self, indices, values, accumulate=False):
        return _ops.indexing.index_put(self, indices, values, accumulate)

    def gather(self, dim, index, *, sparse_grad=False):
        return _ops.gather_scatter.gather(self, dim, index, sparse_grad=sparse_grad)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        return _ops.gather_scatter.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        return _ops.gather_scatter.scatter_(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim, index, src):
        return _ops.gather_scatter.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        return _ops.gather_scatter.scatter_add_(self, dim, index, src)

    def index_select(self, dim, index):
        return _ops.gather_scatter.index_select(self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        return _ops.gather_scatter.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim, index, source, *, alpha=1):
        return _ops.gather_scatter.index_add_(self, dim, index, source, alpha=alpha)

    def take_along_dim(self, indices, dim=None):
        return _ops.gather_scatter.take_along_dim(self, indices, dim)

    def masked_select(self, mask):
        return _ops.gather_scatter.masked_select(self, mask)


    # ---- reductions, scans, sorting (ops/reduction.py, ops/scan_sort.py)
    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduction.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduction.nanmean(self, dim, keepdim, dtype=dtype)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.reduction.prod(self, dim, keepdim, dtype=dtype)

    def amax(self, dim=(), keepdim=False):
        return _ops.reduction.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return _ops.reduction.amin(self, dim, keepdim)

    def logsumexp(self, dim, keepdim=False):
        return _ops.reduction.logsumexp(self, dim, keepdim)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return _ops.reduction.norm(self, p, dim, keepdim, dtype=dtype)

    def cumsum(self, dim, *, dtype=None):
        return _ops.scan_sort.cumsum(self, dim, dtype=dtype)

    def cumsum_(self, dim, *, dtype=None):
        return _ops.scan_sort.cumsum_(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        return _ops.scan_sort.cumprod(self, dim, dtype=dtype)

    def cumprod_(self, dim, *, dtype=None):
        return _ops.scan_sort.cumprod_(self, dim, dtype=dtype)

    def sort(self, *args, **kwargs):
        return _ops.scan_sort.sort(self, *args, **kwargs)

    def argsort(self, *args, **kwargs):
        return _ops.scan_sort.argsort(self, *args, **kwargs)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return _ops.scan_sort.topk(self, k, dim, largest, sorted)


    # ---- linear algebra (ops/linalg.py, ops/einsum.py)
    def mm(self, mat2):
        return _ops.linalg.mm(self, mat2)

    def bmm(self, mat2):
        return _ops.linalg.bmm(self, mat2)

    def mv(self, vec):
        return _ops.linalg.mv(self, vec)

    def dot(self, tensor):
        return _ops.linalg.dot(self, tensor)

    def vdot(self, other):
        return _ops.linalg.vdot(self, other)

    def outer(self, vec2):
        return _ops.linalg.outer(self, vec2)

    ger = outer

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return _ops.linalg.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
        return _ops.inplace.apply_inplace(self, _ops.linalg.addmm, "addmm_", mat1, mat2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _ops.linalg.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return _ops.inplace.apply_inplace(self, _ops.linalg.baddbmm, "baddbmm_", batch1, batch2, beta=beta,
                                          alpha=alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return _ops.linalg.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addmv_(self, mat, vec, *, beta=1, alpha=1):
        return _ops.inplace.apply_inplace(self, _ops.linalg.addmv, "addmv_", mat, vec, beta=beta, alpha=alpha)


    # ---- random in-place fills: uniform_, normal_, bernoulli_, ... (ops/random_fill.py)
    def uniform_(self, *args, generator=None, **kwargs):  # torch's first parameter is named `from`
        return _ops.random_fill.uniform_(self, *args, generator=generator, **kwargs)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return _ops.random_fill.normal_(self, mean, std, generator=generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        return _ops.random_fill.bernoulli_(self, p, generator=generator)

    def bernoulli(self, p=None, *, generator=None):
        return _ops.random_fill.bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        from .ops.sampling import multinomial
        return multinomial(self, num_samples, replacement, generator=generator)

    def random_(self, *args, generator=None, **kwargs):  # random_(), random_(to), random_(from, to)
        return _ops.random_fill.random_(self, *args, generator=generator, **kwargs)

    def exponential_(self, lambd=1.0, *, generator=None):
        return _ops.random_fill.exponential_(self, lambd, generator=generator)

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        return _ops.random_fill.log_normal_(self, mean, std, generator=generator)

    def geometric_(self, p, *, generator=None):
        return _ops.random_fill.geometric_(self, p, generator=generator)

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        return _ops.random_fill.cauchy_(self, median, sigma, generator=generator)

    # ---- activations (ops/activation.py)
    def softmax(self, dim, dtype=None):
        return _ops.activation.softmax(self, dim, dtype)

    def log_softmax(self, dim, dtype=None):
        return _ops.activation.log_softmax(self, dim, dtype)

    # ------------------------------------------------------------ Python operators

    __add__ = add
    __iadd__ = add_
    __sub__ = sub
    __isub__ = sub_
    __mul__ = mul
    __imul__ = mul_
    __truediv__ = div
    __itruediv__ = div_
    __floordiv__ = floor_divide
    __ifloordiv__ = floor_divide_
    __mod__ = remainder
    __imod__ = remainder_
    __pow__ = pow
    __ipow__ = pow_
    __matmul__ = matmul
    __neg__ = neg
    __abs__ = abs
    __lt__ = lt
    __le__ = le
    __gt__ = gt
    __ge__ = ge

    def __radd__(self, other):
        _check_self(self, "__radd__")
        return _ops.elementwise.add(other, self)

    def __rsub__(self, other):
        return _ops.elementwise.sub(other, self)

    def __rmul__(self, other):
        _check_self(self, "__rmul__")
        return _ops.elementwise.mul(other, self)

    def __rtruediv__(self, other):
        return _ops.elementwise.div(other, self)

    def __rfloordiv__(self, other):
        return _ops.elementwise.floor_divide(other, self)

    def __rmod__(self, other):
        return _ops.elementwise.remainder(other, self)

    def __rpow__(self, other):
        return _ops.elementwise.pow(other, self)

    def __rmatmul__(self, other):
        return _ops.linalg.matmul(other, self)

    def __pos__(self):
        if self.dtype is _dtype.bool:
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    def __invert__(self):
        return _ops.elementwise.bitwise_not(self)

    def __and__(self, other):
        return _ops.elementwise.bitwise_and(self, other)

    def __rand__(self, other):
        _check_self(self, "__rand__")
        return _ops.elementwise.bitwise_and(other, self)

    def __iand__(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.bitwise_and, "bitwise_and_", other)

    def __or__(self, other):
        return _ops.elementwise.bitwise_or(self, other)

    def __ror__(self, other):
        _check_self(self, "__ror__")
        return _ops.elementwise.bitwise_or(other, self)

    def __ior__(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.bitwise_or, "bitwise_or_", other)

    def __xor__(self, other):
        return _ops.elementwise.bitwise_xor(self, other)

    def __rxor__(self, other):
        _check_self(self, "__rxor__")
        return _ops.elementwise.bitwise_xor(other, self)

    def __ixor__(self, other):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.bitwise_xor, "bitwise_xor_", other)

    def __eq__(self, other):
        if other is None or not isinstance(other, (TensorMethods, int, float, bool, np.number, np.bool_)):
            return False
        return _ops.elementwise.eq(self, other)

    def __ne__(self, other):
        if other is None or not isinstance(other, (TensorMethods, int, float, bool, np.number, np.bool_)):
            return True
        return _ops.elementwise.ne(self, other)

