"""torch's samples made portable: numpy storages plus a description of every tensor viewed out of them.

A torch sample (an OpInfo SampleInput, a ModuleInfo FunctionInput) is snapshotted once in the torch process:
each distinct storage becomes one numpy array, each tensor a TensorRef (storage, dtype, shape, stride,
storage_offset, requires_grad), and torch's non-tensor values (dtypes, memory formats, devices, torch.Size)
portable markers. `materialize(fw, ...)` rebuilds the sample in torch or in mtv2 with the same calls
(fw.tensor of the storage, then fw.as_strided), so both frameworks see the same values, strides, offsets and
storage sharing; the same tensor object passed twice is one object again. Every materialisation is fresh, so
an in-place variant cannot leak into the next check.

Two more kinds of torch object become markers, each resolved by name in the framework that materialises them:
- a function of torch's namespaces (torch.nn.functional.gelu passed as an activation): ("function", its path);
- a torch module passed to a constructor (the layer TransformerEncoder copies num_layers times), for the classes in
  MODULE_ARGUMENTS only: ("module", (class name, its constructor arguments read off torch's instance)). Each framework
  builds its own instance from those arguments; the snapshot refuses the module unless torch's rebuilt one has the
  same structure (repr), and the weights are not taken from it (the outer module loads torch's state_dict).
"""
from dataclasses import dataclass

import numpy as np

from conformance.frameworks import DTYPES, dtype_name, to_numpy


class Untranslatable(Exception):
    """The sample holds something mtv2 has no counterpart for (a complex tensor, a sparse layout, a Generator)."""


@dataclass(frozen=True)
class TensorRef:
    index: int            # position in Portable.tensors: the same object twice is one ref
    storage: int          # position in Portable.storages
    dtype: str
    shape: tuple
    stride: tuple
    offset: int
    requires_grad: bool


@dataclass(frozen=True)
class Marker:
    """A torch object that is not a tensor: ("dtype", "float32"), ("memory_format", "contiguous_format"), ..."""
    kind: str
    value: object


@dataclass
class Portable:
    value: object          # the structure with TensorRef and Marker leaves
    storages: list         # (numpy array, dtype name) per storage
    tensors: list          # TensorRef per distinct tensor, in first-seen order

    def grad_refs(self):
        return [ref for ref in self.tensors if ref.requires_grad]


def _transformer_layer_arguments(layer):
    """TransformerEncoderLayer / TransformerDecoderLayer: what their constructor took, read off the instance."""
    attention = layer.self_attn
    return {"d_model": attention.embed_dim, "nhead": attention.num_heads,
            "dim_feedforward": layer.linear1.out_features, "dropout": layer.dropout.p,
            "activation": layer.activation, "layer_norm_eps": layer.norm1.eps, "batch_first": attention.batch_first,
            "norm_first": layer.norm_first, "bias": layer.linear1.bias is not None}


MODULE_ARGUMENTS = {"TransformerEncoderLayer": _transformer_layer_arguments,
                    "TransformerDecoderLayer": _transformer_layer_arguments}
FUNCTION_NAMESPACES = ("nn.functional", "")   # searched in this order: F.gelu before torch.gelu's alias


def _resolve(fw, path):
    value = fw
    for part in filter(None, path.split(".")):
        value = getattr(value, part, None)
    return value


def _function_path(torch, value):
    """'nn.functional.gelu' for torch.nn.functional.gelu; None for a function outside torch's namespaces."""
    name = getattr(value, "__name__", None)
    for namespace in FUNCTION_NAMESPACES:
        path = f"{namespace}.{name}".lstrip(".")
        if name and _resolve(torch, path) is value:
            return path
    return None


class _Snapshot:
    def __init__(self, torch):
        self.torch = torch
        self.storages, self.tensors = [], []
        self._storage_keys, self._tensor_ids = {}, {}

    def tensor(self, tensor):
        torch = self.torch
        if id(tensor) in self._tensor_ids:
            return self.tensors[self._tensor_ids[id(tensor)]]
        if tensor.layout != torch.strided:
            raise Untranslatable(f"a {tensor.layout} tensor (mtv2 has strided tensors only)")
        if tensor.device.type != "cpu":   # torch's error inputs hold meta tensors (gradient's): no storage to copy
            raise Untranslatable(f"a tensor on the {tensor.device.type} device (snapshots copy CPU storage)")
        if tensor.dim() > 64:
            raise Untranslatable(f"a {tensor.dim()}-dim tensor (an mtv2 tensor holds a NumPy array, which has at most "
                                 f"64 dims)")
        dtype = dtype_name(torch, tensor.dtype)
        if dtype not in DTYPES:
            raise Untranslatable(f"a {tensor.dtype} tensor (mtv2 has no such dtype)")
        storage = tensor.untyped_storage()
        key = (storage.data_ptr(), storage.nbytes(), dtype)
        if key not in self._storage_keys:
            count = storage.nbytes() // tensor.element_size()
            flat = torch.empty(0, dtype=tensor.dtype).set_(storage, 0, (count,), (1,))
            self._storage_keys[key] = len(self.storages)
            self.storages.append((to_numpy(torch, flat), dtype))
        ref = TensorRef(len(self.tensors), self._storage_keys[key], dtype, tuple(tensor.shape), tuple(tensor.stride()),
                        tensor.storage_offset(), bool(tensor.requires_grad))
        self._tensor_ids[id(tensor)] = ref.index
        self.tensors.append(ref)
        return ref

    def value(self, value):
        torch = self.torch
        if isinstance(value, torch.Tensor):
            return self.tensor(value)
        if isinstance(value, torch.Size):
            return Marker("size", tuple(value))
        if isinstance(value, torch.dtype):
            name = dtype_name(torch, value)
            if name not in DTYPES:
                raise Untranslatable(f"the dtype {value} (mtv2 has no such dtype)")
            return Marker("dtype", name)
        if isinstance(value, torch.memory_format):
            return Marker("memory_format", str(value).rsplit(".", 1)[-1])
        if isinstance(value, torch.device):
            return Marker("device", str(value))
        if isinstance(value, torch.layout):
            return Marker("layout", str(value).rsplit(".", 1)[-1])
        if isinstance(value, torch.nn.Module):
            return self.module(value)
        path = _function_path(torch, value) if callable(value) and not isinstance(value, type) else None
        if path:
            return Marker("function", path)
        if isinstance(value, (list, tuple)):
            items = [self.value(item) for item in value]
            return type(value)(items) if type(value) in (list, tuple) else tuple(items)
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if value is None or value is Ellipsis or isinstance(value, (bool, int, float, str, slice, np.generic)):
            return value
        if isinstance(value, complex):
            raise Untranslatable("a complex Python number (mtv2 has no complex dtypes)")
        raise Untranslatable(f"a {type(value).__module__}.{type(value).__name__} argument")


    def module(self, module):
        name = type(module).__name__
        if name not in MODULE_ARGUMENTS or type(module) is not getattr(self.torch.nn, name, None):
            raise Untranslatable(f"a {type(module).__module__}.{name} argument (a module mtv2 cannot rebuild from "
                                 f"its arguments)")
        arguments = MODULE_ARGUMENTS[name](module)
        with self.torch.random.fork_rng(devices=[]):   # the check's initialisation leaves torch's stream alone
            rebuilt = type(module)(**arguments)
        if repr(rebuilt) != repr(module):
            raise Untranslatable(f"a {name} argument whose constructor arguments cannot be read off it")
        return Marker("module", (name, tuple((key, self.value(item)) for key, item in arguments.items())))


def snapshot(torch, value):
    """Portable copy of a torch value (a sample's input, args and kwargs together)."""
    shot = _Snapshot(torch)
    structure = shot.value(value)
    return Portable(structure, shot.storages, shot.tensors)


def require_markers(portable, fw):
    """Untranslatable when the sample names a torch object fw lacks (torch.channels_last in mtv2)."""
    def walk(value):
        if isinstance(value, Marker) and marker_missing(fw, value):
            raise Untranslatable(f"torch.{_marker_path(value)} (mtv2 has no {_marker_path(value)})")
        if isinstance(value, Marker) and value.kind == "module":
            walk([item for _, item in value.value[1]])
        if isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
    walk(portable.value)


def _marker_path(marker):
    return {"module": lambda: f"nn.{marker.value[0]}"}.get(marker.kind, lambda: marker.value)()


def marker_missing(fw, marker):
    if marker.kind in ("function", "module"):
        return _resolve(fw, _marker_path(marker)) is None
    return marker.kind in ("dtype", "memory_format", "layout") and not hasattr(fw, marker.value)


def _marker_value(fw, marker, rebuild):
    if marker.kind == "size":
        return fw.Size(marker.value)
    if marker.kind == "device":
        return fw.device(marker.value)
    if marker.kind == "function":
        return _resolve(fw, marker.value)
    if marker.kind == "module":
        name, arguments = marker.value
        return getattr(fw.nn, name)(**{key: rebuild(item) for key, item in arguments})
    if not hasattr(fw, marker.value):
        raise Untranslatable(f"{fw.__name__}.{marker.value} does not exist")
    return getattr(fw, marker.value)


def materialize(fw, portable, grad=True, leaf_values=None):
    """The sample in fw: (value, {ref index: fw tensor}). grad: tensors torch's sample had requiring grad are leaves
    requiring grad (else nothing requires grad). leaf_values {ref index: numpy array}: those tensors become dense
    float tensors with these values instead (finite differences perturb them)."""
    bases = [fw.tensor(array, dtype=getattr(fw, dtype)) for array, dtype in portable.storages]
    built = {}
    for ref in portable.tensors:
        if leaf_values is not None and ref.index in leaf_values:
            tensor = _perturbed(fw, portable, ref, leaf_values[ref.index])
        else:
            tensor = fw.as_strided(bases[ref.storage], ref.shape, ref.stride, ref.offset)
        if grad and ref.requires_grad:
            tensor = tensor.detach().requires_grad_()
        built[ref.index] = tensor

    def rebuild(value):
        if isinstance(value, TensorRef):
            return built[value.index]
        if isinstance(value, Marker):
            return _marker_value(fw, value, rebuild)
        if isinstance(value, (list, tuple)):
            return type(value)(rebuild(item) for item in value)
        if isinstance(value, dict):
            return {key: rebuild(item) for key, item in value.items()}
        return value
    return rebuild(portable.value), built


def overlapping(shape, stride):
    """True when two elements of the view share memory (an expanded view): torch's gradcheck makes such inputs
    contiguous first."""
    dims = sorted((st, n) for st, n in zip(stride, shape) if n > 1)
    extent = 1
    for st, n in dims:
        if st < extent:
            return True
        extent = st * (n - 1) + extent
    return False


def _perturbed(fw, portable, ref, values):
    """The tensor `ref` holding `values` (finite differences): written into a private copy of its storage and
    viewed with its own strides and offset (as_strided ops read the storage, not the view), or a dense tensor when
    the view overlaps itself."""
    if overlapping(ref.shape, ref.stride) or 0 in ref.shape:
        return fw.tensor(values, dtype=getattr(fw, ref.dtype))
    storage = portable.storages[ref.storage][0].astype(values.dtype)
    itemsize = storage.itemsize
    view = np.lib.stride_tricks.as_strided(storage[ref.offset:], ref.shape, [st * itemsize for st in ref.stride])
    view[...] = values
    return fw.as_strided(fw.tensor(storage, dtype=getattr(fw, ref.dtype)), ref.shape, ref.stride, ref.offset)


def plain(fw, value):
    """An output with fw's non-tensor objects made comparable across frameworks (Size -> tuple, dtype -> name)."""
    if isinstance(value, fw.Tensor):
        return value
    if isinstance(value, fw.Size):
        return ("Size", tuple(value))
    if isinstance(value, fw.dtype):
        return ("dtype", dtype_name(fw, value))
    if isinstance(value, tuple) and hasattr(value, "_fields"):   # named tuples (max, sort, ...): fields, in order
        return tuple(plain(fw, item) for item in value)
    if isinstance(value, (list, tuple)):
        return type(value)(plain(fw, item) for item in value)
    if isinstance(value, dict):
        return {key: plain(fw, item) for key, item in value.items()}
    return value


def describe(portable):
    """One line per tensor: shape, dtype, stride, offset, storage (for detail text and explain)."""
    lines = []
    for ref in portable.tensors:
        grad = " requires_grad" if ref.requires_grad else ""
        lines.append(f"t{ref.index}: {ref.dtype}{list(ref.shape)} stride {ref.stride} offset {ref.offset} "
                     f"storage s{ref.storage}{grad}")
    return lines
