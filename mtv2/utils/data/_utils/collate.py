"""default_collate and default_convert: a list of samples -> one batch, a sample -> tensors (torch's rules).

`collate(batch, collate_fn_map=...)` is the extensible form torch documents: the map sends a sample type to the
function that batches it; containers (mappings, namedtuples, sequences) are walked element by element.
"""
import collections.abc
import copy
import re

import numpy as np

from .... import _dtype
from ...._tensor import Tensor
from ....creation import as_tensor, tensor
from ....ops.joining import stack

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

# numpy dtype kinds that hold strings or objects: such arrays are not turned into tensors
np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                                  "lists; found {}")


def _is_numpy_value(data):
    """A numpy array or numpy scalar other than a numpy string scalar (the names torch's test excludes)."""
    kind = type(data)
    return kind.__module__ == "numpy" and kind.__name__ not in ("str_", "string_")


def _rebuild_mapping(mapping, converted):
    """The mapping's own type with new values: a shallow copy updated in place when mutable (keeps extra state)."""
    try:
        if isinstance(mapping, collections.abc.MutableMapping):
            clone = copy.copy(mapping)
            clone.update(converted)
            return clone
        return type(mapping)(converted)
    except TypeError:   # a mapping type that cannot be built from a dict
        return dict(converted)


def _rebuild_sequence(sequence, converted):
    try:
        if isinstance(sequence, collections.abc.MutableSequence):
            clone = copy.copy(sequence)
            for i, value in enumerate(converted):
                clone[i] = value
            return clone
        return type(sequence)(converted)
    except TypeError:   # a sequence type that cannot be built from a list
        return list(converted)


def default_convert(data):
    """numpy arrays and scalars -> tensors, recursively through containers; everything else as it is."""
    if isinstance(data, Tensor):
        return data
    if _is_numpy_value(data):
        if isinstance(data, np.ndarray) and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):   # namedtuple
        return type(data)(*(default_convert(value) for value in data))
    if isinstance(data, tuple):
        return [default_convert(value) for value in data]     # torch returns a list here (backward compatibility)
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(value) for value in data])
    return data


# ---------------------------------------------------------------- collate

def collate(batch, *, collate_fn_map=None):
    """Batch a list of samples: the collate_fn_map entry for the first sample's type, else walk its container."""
    elem = batch[0]
    if collate_fn_map is not None:
        if type(elem) in collate_fn_map:
            return collate_fn_map[type(elem)](batch, collate_fn_map=collate_fn_map)
        for sample_type, collate_fn in collate_fn_map.items():   # in insertion order, as torch
            if isinstance(elem, sample_type):
                return collate_fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild_mapping(elem, {key: collate([sample[key] for sample in batch], collate_fn_map=collate_fn_map)
                                       for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):   # namedtuple: field by field
        return type(elem)(*(collate(field, collate_fn_map=collate_fn_map) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # each column is a tuple: a column of strings comes back as that tuple, as in torch
        columns = [collate(column, collate_fn_map=collate_fn_map) for column in zip(*batch)]
        if isinstance(elem, tuple):
            return columns   # torch returns a list for tuples (backward compatibility)
        return _rebuild_sequence(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(type(elem)))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if getattr(elem, "is_nested", False):
        raise RuntimeError("Batches of nested tensors are not currently supported by the default collate_fn; "
                           "please provide a custom collate_fn to handle them appropriately.")
    if getattr(elem, "is_sparse", False):
        raise RuntimeError("Batches of sparse tensors are not currently supported by the default collate_fn; "
                           "please provide a custom collate_fn to handle them appropriately.")
    # torch stacks into shared memory inside a worker process; the values are the same
    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([as_tensor(array) for array in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    # torch.as_tensor(list of numpy scalars) keeps numpy's dtype (float32 stays float32, float64 and float32
    # promote to float64); going through one numpy array gives that dtype whatever mtv2.as_tensor infers from lists
    return as_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    return tensor(batch, dtype=_dtype.float64)   # Python floats batch to float64, not the default dtype


def collate_int_fn(batch, *, collate_fn_map=None):
    return tensor(batch)   # int64 (all bools: a bool tensor)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {Tensor: collate_tensor_fn,
                          np.ndarray: collate_numpy_array_fn,
                          (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
                          float: collate_float_fn,
                          int: collate_int_fn,
                          str: collate_str_fn,
                          bytes: collate_str_fn}


def default_collate(batch):
    """torch.utils.data.default_collate: tensors stacked on a new dim 0, numbers and numpy values made tensors,
    strings kept as lists, containers batched field by field."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
