"""Tensor.__repr__ in torch's format: 4 decimals or scientific notation, aligned columns, dtype suffix."""
import math

import numpy as np

from . import _dtype

_LINE_WIDTH = 80
_THRESHOLD = 1000  # more elements than this are summarized with '...'
_EDGE_ITEMS = 3
_PRECISION = 4


def _float_formatter(values):
    """torch's _Formatter: the mode and the column width come from the nonzero finite values only."""
    finite = values[np.isfinite(values)]
    nonzero = np.abs(finite[finite != 0])
    if nonzero.size == 0:
        integral, sci = True, False
    else:
        integral = bool(np.all(nonzero == np.ceil(nonzero)))
        largest, smallest = float(nonzero.max()), float(nonzero.min())
        sci = largest / smallest > 1000.0 or largest > 1e8 or (not integral and smallest < 1e-4)

    def format_one(value):
        if not math.isfinite(value):
            return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        if sci:
            return f"{value:.{_PRECISION}e}"
        if integral:
            return f"{value:.0f}."
        return f"{value:.{_PRECISION}f}"
    signed = finite[finite != 0]
    format_one.width = max((len(format_one(float(v))) for v in signed), default=1)
    return format_one


def _element_formatter(tensor, values):
    if tensor.dtype.is_floating_point:
        return _float_formatter(values)
    format_one = (lambda v: "True" if v else "False") if tensor.dtype is _dtype.bool else (lambda v: str(int(v)))
    format_one.width = max((len(format_one(v)) for v in values.tolist()), default=1)
    return format_one


def _summarized(array):
    """The elements shown when summarizing: the first and last few along every dim."""
    if array.ndim == 0:
        return array.reshape(-1)
    if array.shape[0] > 2 * _EDGE_ITEMS:
        parts = [array[:_EDGE_ITEMS], array[-_EDGE_ITEMS:]]
    else:
        parts = [array]
    return np.concatenate([_summarized(item).reshape(-1) for part in parts for item in part]) if array.ndim > 1 \
        else np.concatenate([part.reshape(-1) for part in parts])


def _render(array, format_one, width, indent, summarize):
    if array.ndim == 0:
        return format_one(array.item()).rjust(width)
    if array.ndim == 1:
        items = [" ..." if v is _ELLIPSIS else format_one(v).rjust(width) for v in _edge_list(array, summarize)]
        per_line = max(1, (_LINE_WIDTH - indent) // (width + 2))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = ["..." if sub is _ELLIPSIS else _render(sub, format_one, width, indent + 1, summarize)
            for sub in _edge_list(array, summarize)]
    separator = "," + "\n" * (array.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(rows) + "]"


_ELLIPSIS = object()   # where summarizing leaves elements out


def _edge_list(array, summarize):
    if summarize and array.shape[0] > 2 * _EDGE_ITEMS:
        return list(array[:_EDGE_ITEMS]) + [_ELLIPSIS] + list(array[-_EDGE_ITEMS:])
    return list(array)


def tensor_repr(tensor):
    array = tensor._data
    if tensor.is_meta:
        return _meta_repr(tensor)
    if array.dtype.kind == "f" and array.dtype != np.float64:
        array = array.astype(np.float64)
    suffixes = []
    if array.size == 0:
        body = "[]"
        if array.shape != (0,):
            suffixes.append(f"size={tuple(array.shape)}")
    else:
        summarize = array.size > _THRESHOLD
        shown = _summarized(array) if summarize else array.reshape(-1)
        format_one = _element_formatter(tensor, shown.astype(np.float64) if tensor.dtype is not _dtype.bool else shown)
        body = _render(array, format_one, format_one.width, len("tensor("), summarize)
    # torch names int64 (and bool) only when there are no elements to show it by
    default_dtypes = (_dtype.get_default_dtype(),) if array.size == 0 else (_dtype.get_default_dtype(), _dtype.int64,
                                                                          _dtype.bool)
    if tensor.dtype not in default_dtypes:
        suffixes.append(f"dtype={tensor.dtype}")
    if tensor.grad_fn is not None:
        suffixes.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        suffixes.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + suffixes) + ")"


def _meta_repr(tensor):
    """torch's repr of a meta tensor: no values, its size, and the dtype unless it is the default float."""
    suffixes = ["...", "device='meta'", f"size={tuple(tensor.shape)}"]
    if tensor.dtype is not _dtype.get_default_dtype():
        suffixes.append(f"dtype={tensor.dtype}")
    if tensor.grad_fn is not None:
        suffixes.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        suffixes.append("requires_grad=True")
    return "tensor(" + ", ".join(suffixes) + ")"
