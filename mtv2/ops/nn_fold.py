"""Sliding blocks: nn.functional.unfold (torch's im2col) and nn.functional.fold (col2im).

unfold copies every kernel-sized block of the zero-padded input into a column: (N, C, H, W) -> (N, C*kh*kw, L), the
channel slowest, then the kernel row and column; L counts the blocks row by row. It is a strided view of the padded
input, copied once. fold is its adjoint: each column's entries added back to where they came from. Each op's
derivative is the other, so double backward comes by construction. fold adds in the input's type as torch's col2im
does (for a half type each add rounded to it), kernel offset by kernel offset, and bool "adds" as or."""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _dtype
from ._registry import op
from ._surface import public
from .nn_layers import check_tensor

_HALF = (_dtype.float16, _dtype.bfloat16)


def _blocks(size, kernel, dilation, padding, stride):
    """sliding_window_count: blocks along one axis (floor division, as torch's div_rtn)."""
    return (size + 2 * padding - (dilation * (kernel - 1) + 1)) // stride + 1


def _pairs(name, **arguments):
    """torch's _pair for each argument, then its check that each has two values."""
    pairs = {}
    for argument, value in arguments.items():
        value = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
        if len(value) != 2:
            raise RuntimeError(f"It is expected {argument} equals to 2, but got size {len(value)}")
        pairs[argument] = tuple(int(v) for v in value)
    return pairs


def _check_geometry(kernel, dilation, padding, stride):
    if kernel[0] <= 0 or kernel[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kernel[0]} "
                           f"kernel_width: {kernel[1]}")
    if dilation[0] <= 0 or dilation[1] <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dilation[0]} "
                           f"dilation_width: {dilation[1]}")
    if padding[0] < 0 or padding[1] < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} pad_width: {padding[1]}")
    if stride[0] <= 0 or stride[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {stride[0]} "
                           f"stride_width: {stride[1]}")


def _check_dtype(input, kernel_name):
    if input.dtype.category != _dtype.FLOATING and input.dtype is not _dtype.bool:   # (mtv2 has no complex)
        raise NotImplementedError(f"\"{kernel_name}\" not implemented for '{_dtype.scalar_type_name(input.dtype)}'")


def _geometry_text(kernel, dilation, padding):
    return (f"kernel_size=({kernel[0]}, {kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), "
            f"padding=({padding[0]}, {padding[1]})")


# formula_backward: torch's backward is col2im itself, adding in the half type; the rule gets g in it
@op("im2col", saves=("input.shape", "kernel", "dilation", "padding", "stride"), formula_backward=True)
def _im2col(input, kernel=(), dilation=(), padding=(), stride=()):
    """(N, C, H, W) -> (N, C*kh*kw, oh*ow): the blocks of the padded input as a strided view, copied once."""
    n, c, height, width = input.shape
    rows, cols = (_blocks(s, k, d, p, st) for s, k, d, p, st in zip((height, width), kernel, dilation, padding, stride))
    padded = np.pad(input, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    s = padded.strides
    windows = as_strided(padded, (n, c, kernel[0], kernel[1], rows, cols),
                         (s[0], s[1], s[2] * dilation[0], s[3] * dilation[1], s[2] * stride[0], s[3] * stride[1]),
                         writeable=False)
    return windows.reshape(n, c * kernel[0] * kernel[1], rows * cols)


@_im2col.vjp
def _(g, input_shape, kernel, dilation, padding, stride):
    half = g.dtype.numpy_type if g.dtype in _HALF else None
    return _col2im(g, output=tuple(input_shape[-2:]), kernel=kernel, dilation=dilation, padding=padding,
                   stride=stride, half=half)


@op("col2im", saves=("kernel", "dilation", "padding", "stride"), formula_backward=True)
def _col2im(input, output=(), kernel=(), dilation=(), padding=(), stride=(), half=None):
    """(N, C*kh*kw, L) -> (N, C, H, W): each column entry added to its input position, kernel offset by offset (for
    a half type in the half type, as torch's col2im adds into its result)."""
    n = input.shape[0]
    height, width = output
    rows, cols = (_blocks(s, k, d, p, st) for s, k, d, p, st in zip(output, kernel, dilation, padding, stride))
    blocks = input.reshape(n, input.shape[1] // (kernel[0] * kernel[1]), kernel[0], kernel[1], rows, cols)
    if half is not None:
        blocks = blocks.astype(half)
    padded = np.zeros((n, blocks.shape[1], height + 2 * padding[0] + stride[0] + dilation[0] * kernel[0],
                       width + 2 * padding[1] + stride[1] + dilation[1] * kernel[1]), blocks.dtype)
    for row in range(kernel[0]):
        for col in range(kernel[1]):
            top, left = row * dilation[0], col * dilation[1]
            target = padded[:, :, top:top + stride[0] * (rows - 1) + 1:stride[0],
                            left:left + stride[1] * (cols - 1) + 1:stride[1]]
            if blocks.dtype == np.bool_:
                target |= blocks[:, :, row, col]
            else:
                target += blocks[:, :, row, col]
    return padded[:, :, padding[0]:padding[0] + height, padding[1]:padding[1] + width]


@_col2im.vjp
def _(g, kernel, dilation, padding, stride):
    return _im2col(g, kernel=kernel, dilation=dilation, padding=padding, stride=stride)


@public(function=False, functional=True)
def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    check_tensor(input, "im2col", "input", 1)
    geometry = _pairs("unfold", kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride)
    kernel, dilation, padding, stride = (geometry[k] for k in ("kernel_size", "dilation", "padding", "stride"))
    _check_geometry(kernel, dilation, padding, stride)
    shape = input.shape
    if input.ndim < 3:   # torch reads input.size(2) before its dimension check: an IndexError
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input.ndim}, {input.ndim - 1}], but "
                         f"got 2)")
    if not ((input.ndim == 3 and shape[0] and shape[1] and shape[2]) or
            (input.ndim == 4 and shape[1] and shape[2] and shape[3])):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(shape)}")
    height, width = shape[-2:]
    rows, cols = (_blocks(s, k, d, p, st) for s, k, d, p, st in zip((height, width), kernel, dilation, padding, stride))
    if rows < 1 or cols < 1:
        raise RuntimeError(f"Given input with spatial size ({height}, {width}), "
                           f"{_geometry_text(kernel, dilation, padding)}, calculated shape of the array of sliding "
                           f"blocks as ({rows}, {cols}), but its components must be at least one.")
    _check_dtype(input, "im2col_out_cpu")
    batched = input if input.ndim == 4 else input.unsqueeze(0)
    result = _im2col(batched, kernel=kernel, dilation=dilation, padding=padding, stride=stride)
    return result if input.ndim == 4 else result.squeeze(0)


@public(function=False, functional=True)
def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    check_tensor(input, "col2im", "input", 1)
    geometry = _pairs("fold", output_size=output_size, kernel_size=kernel_size, dilation=dilation, padding=padding,
                      stride=stride)
    output, kernel, dilation, padding, stride = (geometry[k] for k in ("output_size", "kernel_size", "dilation",
                                                                       "padding", "stride"))
    _check_geometry(kernel, dilation, padding, stride)
    shape = input.shape
    if not ((input.ndim == 2 and shape[0] and shape[1]) or (input.ndim == 3 and shape[1] and shape[2])):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(shape)}")
    planes, length = shape[-2:]
    if planes % (kernel[0] * kernel[1]) != 0:
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={planes} and kernel_size=({kernel[0]}, {kernel[1]}).")
    rows, cols = (_blocks(s, k, d, p, st) for s, k, d, p, st in zip(output, kernel, dilation, padding, stride))
    described = (f"Given output_size=({output[0]}, {output[1]}), {_geometry_text(kernel, dilation, padding)}, "
                 f"stride=({stride[0]}, {stride[1]}), ")
    if length != rows * cols:
        raise RuntimeError(f"{described}expected size of input's dimension 2 to match the calculated number of "
                           f"sliding blocks {rows} * {cols} = {rows * cols}, but got input.size(2)={length}.")
    if rows < 1 or cols < 1:
        raise RuntimeError(f"{described}calculated shape of the array of sliding blocks as ({rows}, {cols}), which "
                           f"is too small (non-positive)")
    if output[0] < 1 or output[1] < 1:
        raise RuntimeError(f"Expected output spatial size to be positive, but got: output_size=({output[0]}, "
                           f"{output[1]}).")
    _check_dtype(input, "col2im_out_cpu")
    batched = input if input.ndim == 3 else input.unsqueeze(0)
    half = input.dtype.numpy_type if input.dtype in _HALF else None
    result = _col2im(batched, output=output, kernel=kernel, dilation=dilation, padding=padding, stride=stride,
                     half=half)
    return result if input.ndim == 3 else result.squeeze(0)
