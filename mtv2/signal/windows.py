"""torch.signal.windows: torch's window functions, written as torch writes them (torch/signal/windows/windows.py)
with the same creation and pointwise ops in the same order, so that float32 windows round as torch's do."""
import math
from collections.abc import Iterable

from .. import _dtype
from .._layout import strided
from ..creation import arange, empty, linspace, ones, tensor
from ..ops.elementwise import abs, cos, exp, minimum, pow, sin, sqrt
from ..ops.special import i0

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]


def _window_function_checks(function_name, M, dtype, layout):
    if M < 0:
        raise ValueError(f"{function_name} requires non-negative window length, got M={M}")
    if layout is not strided:
        raise ValueError(f"{function_name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (_dtype.float32, _dtype.float64):
        raise ValueError(f"{function_name} expects float32 or float64 dtypes, got: {dtype}")


def _start(function_name, M, dtype, layout):
    """The default dtype and torch's checks; the dtype to use."""
    dtype = _dtype.get_default_dtype() if dtype is None else dtype
    _window_function_checks(function_name, M, dtype, layout)
    return dtype


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=strided, device=None,
                requires_grad=False):
    """exp(-|n - center| / tau) (the Poisson window)."""
    dtype = _start("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return empty((0,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    if center is None:
        center = (M if not sym and M > 1 else M - 1) / 2.0
    constant = 1 / tau
    k = linspace(start=-center * constant, end=(-center + (M - 1)) * constant, steps=M, dtype=dtype, layout=layout,
                 device=device, requires_grad=requires_grad)
    return exp(-abs(k))


def cosine(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """sin(pi (n + 0.5) / M) (the sine window, as SciPy's)."""
    dtype = _start("cosine", M, dtype, layout)
    if M == 0:
        return empty((0,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    start = 0.5
    constant = math.pi / (M + 1 if not sym and M > 1 else M)
    k = linspace(start=start * constant, end=(start + (M - 1)) * constant, steps=M, dtype=dtype, layout=layout,
                 device=device, requires_grad=requires_grad)
    return sin(k)


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """exp(-(n / (2 std))^2)."""
    dtype = _start("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return empty((0,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    start = -(M if not sym and M > 1 else M - 1) / 2.0
    constant = 1 / (std * math.sqrt(2))
    k = linspace(start=start * constant, end=(start + (M - 1)) * constant, steps=M, dtype=dtype, layout=layout,
                 device=device, requires_grad=requires_grad)
    return exp(-(k ** 2))


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """I0(beta sqrt(1 - ((n - N/2) / (N/2))^2)) / I0(beta)."""
    dtype = _start("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    if M == 0:
        return empty((0,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    if M == 1:
        return ones((1,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    # torch makes beta a tensor of the dtype (avoiding nans: the square root's argument is computed in it)
    beta = tensor(beta, dtype=dtype, device=device)
    start = -beta
    constant = 2.0 * beta / (M if not sym else M - 1)
    end = minimum(beta, start + (M - 1) * constant)
    k = linspace(start=start, end=end, steps=M, dtype=dtype, layout=layout, device=device,
                 requires_grad=requires_grad)
    return i0(sqrt(beta * beta - pow(k, 2))) / i0(beta)


def hamming(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """general_hamming with alpha 0.54."""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """general_hamming with alpha 0.5."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """general_cosine with a = (0.42, 0.5, 0.08)."""
    dtype = _start("blackman", M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def bartlett(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """1 - |2n / (M - 1) - 1| (the triangular window reaching 0 at its ends)."""
    dtype = _start("bartlett", M, dtype, layout)
    if M == 0:
        return empty((0,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    if M == 1:
        return ones((1,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    start = -1
    constant = 2 / (M if not sym else M - 1)
    k = linspace(start=start, end=start + (M - 1) * constant, steps=M, dtype=dtype, layout=layout, device=device,
                 requires_grad=requires_grad)
    return 1 - abs(k)


def general_cosine(M, *, a, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """sum_i (-1)^i a_i cos(2 pi i n / (M - 1))."""
    dtype = _start("general_cosine", M, dtype, layout)
    if M == 0:
        return empty((0,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    if M == 1:
        return ones((1,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    constant = 2 * math.pi / (M if not sym else M - 1)
    k = linspace(start=0, end=(M - 1) * constant, steps=M, dtype=dtype, layout=layout, device=device,
                 requires_grad=requires_grad)
    a_i = tensor([(-1) ** i * w for i, w in enumerate(a)], device=device, dtype=dtype, requires_grad=requires_grad)
    i = arange(a_i.shape[0], dtype=a_i.dtype, device=a_i.device, requires_grad=a_i.requires_grad)
    return (a_i.unsqueeze(-1) * cos(i.unsqueeze(-1) * k)).sum(0)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """general_cosine with a = (alpha, 1 - alpha)."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def nuttall(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """general_cosine with Nuttall's four coefficients."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)
