"""Tensor.__repr__ in torch's format: 4 decimals or scientific notation, aligned columns, dtype suffix."""
import math

import numpy as np

from . import _dtype

_LINE_WIDTH = 80
_THRESHOLD = 1000  # more elements than this are summarized with '...'
_EDGE_ITEMS = 3
_PRECISION = 4


def _float_formatter(values):
    finite = values[np.isfinite(values)]
    nonzero = np.abs(finite[finite != 0])
    if nonzero.size == 0:
        integral = True
        sci = False
    else:
        integral = bool(np.all(finite == np.ceil(finite)))
        largest, smallest = float(nonzero.max()), float(nonzero.min())
        if integral:
            sci = largest > 1e8
        else:
            sci = largest / smallest > 1000.0 or largest > 1e8 or smallest < 1e-4

    def format_one(value):
        if not math.isfinite(value):
            return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        if sci:
            return f"{value:.{_PRECISION}e}"
        if integral:
            return f"{value:.0f}."
        return f"{value:.{_PRECISION}f}"
    return format_one


def _element_formatter(tensor, values):
    if tensor.dtype is _dtype.bool:
        return lambda v: "True" if v else "False"
    if tensor.dtype.is_floating_point:
        return _float_formatter(values)
    return lambda v: str(int(v))


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
        items = [format_one(v).rjust(width) for v in _edge_list(array, summarize)]
        per_line = max(1, (_LINE_WIDTH - indent) // (width + 2))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [_render(sub, format_one, width, indent + 1, summarize) if sub is not None else "..."
            for sub in _edge_list(array, summarize)]
    separator = "," + "\n" * (array.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(rows) + "]"


def _edge_list(array, summarize):
    if summarize and array.shape[0] > 2 * _EDGE_ITEMS:
        head = list(array[:_EDGE_ITEMS])
        tail = list(array[-_EDGE_ITEMS:])
        marker = "..." if array.ndim == 1 else None
        return head + [marker] + tail if array.ndim > 1 else head + tail
    return list(array)


def tensor_repr(tensor):
    array = tensor._data
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
        width = max(len(format_one(v)) for v in shown.tolist())
        body = _render(array, format_one, width, len("tensor("), summarize)
        if summarize:
            body = body.replace("...", "...")
    default_dtypes = (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool)
    if tensor.dtype not in default_dtypes:
        suffixes.append(f"dtype={tensor.dtype}")
    if tensor.grad_fn is not None:
        suffixes.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        suffixes.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + suffixes) + ")"
