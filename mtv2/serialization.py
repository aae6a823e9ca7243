"""torch.save / torch.load in torch's own file format, without importing torch.

A file is a zip archive `<name>/...` holding
  data.pkl                pickle (protocol 2) of the object; each storage is a persistent id
                          ("storage", torch.<Type>Storage, key, location, numel)
  .format_version "1"     storages are keyed "0", "1", ... in the order they are first met
  .storage_alignment "64" every record's data starts at a multiple of 64 (mmap-friendly)
  byteorder "little"      the byte order of the raw storage bytes
  data/<key>              the raw bytes of one whole storage: views share it and keep their offset and strides
  version "3\\n", .data/serialization_id
laid out exactly as torch's writer lays them out (mtv2/_torch_archive.py): for the same object, the file is byte
for byte the one torch writes.

The pickle names torch's globals (torch._utils._rebuild_tensor_v2, torch.FloatStorage, ...): the pickler writes
them as GLOBAL opcodes from name markers, and the unpickler maps them back to mtv2's functions, so neither side
imports torch. weights_only=True (the default, as in torch 2.6+) admits only torch's allowlist of globals.
"""
import _codecs
import _compat_pickle
import collections
import contextlib
import io
import os
import pickle
import struct
import sys
import warnings

import numpy as np

from . import _dtype
from ._device import device as _device
from ._layout import layout as _layout, strided as _strided
from ._size import Size
from ._storage import UntypedStorage
from ._tensor import Tensor
from ._torch_archive import STORAGE_ALIGNMENT, Archive, ZipWriter
from .nn.parameter import Parameter

DEFAULT_PROTOCOL = 2   # torch's: the weights-only unpickler understands protocol-2 opcodes only
_STORAGE_TYPE_NAMES = {"float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
                       "bfloat16": "BFloat16Storage", "bool": "BoolStorage", "uint8": "ByteStorage",
                       "int8": "CharStorage", "int16": "ShortStorage", "int32": "IntStorage", "int64": "LongStorage"}
_DTYPES = {name: getattr(_dtype, name) for name in _STORAGE_TYPE_NAMES}

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` from `False` to "
    "`True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can result in "
    "arbitrary code execution. Do it only if you got the file from a trusted source.")


# ================================================================ torch's names, as markers

class _TorchName:
    """A global of torch's (module, name) as it appears in a pickle. One object per name, so the pickler's memo
    turns repeats into BINGET as torch's own pickles do."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __repr__(self):
        return f"{self.module}.{self.name}"

    def __call__(self, *args, **kwargs):   # pickle wants a reduce function to be callable; this one is a name
        raise TypeError(f"{self!r} is a name in a pickle; mtv2.load maps it to mtv2's function")


_NAMES = {}


def _torch_name(module, name):
    return _NAMES.setdefault((module, name), _TorchName(module, name))


# ================================================================ save

def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """torch.save: `f` is a path, an os.PathLike or a file-like object with `write`."""
    if pickle_module is not pickle:
        raise NotImplementedError("mtv2.save: only the standard pickle module is supported (pickle_module=pickle)")
    if not _use_new_zipfile_serialization:
        with (open(f, "wb") if isinstance(f, (str, os.PathLike)) else contextlib.nullcontext(f)) as file:
            _legacy_save(obj, file, pickle_protocol)
        return
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        archive_name = _archive_name(path)
        parent = os.path.dirname(path)
        if parent and not os.path.isdir(parent):
            raise RuntimeError(f"Parent directory {parent} does not exist.")
        with open(path, "wb") as file:
            _save(obj, ZipWriter(file, archive_name), pickle_protocol, _disable_byteorder_record)
    else:
        if not hasattr(f, "write"):
            raise AttributeError(f"expected 'f' to be string, path, or a file-like object with a 'write' attribute")
        _save(obj, ZipWriter(f, "archive"), pickle_protocol, _disable_byteorder_record)
        if hasattr(f, "flush"):
            f.flush()


def _archive_name(path):
    """torch names the archive's folder after the file: its base name without the last extension."""
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base[:base.rfind(".")] if "." in base else base
    if not stem:
        raise RuntimeError(f"invalid file name: {path}")
    return stem


def _save(obj, writer, protocol, disable_byteorder_record):
    data = io.BytesIO()
    pickler = _TorchPickler(data, protocol)
    pickler.dump(obj)
    writer.write_record("data.pkl", data.getbuffer())
    writer.write_record(".format_version", b"1")
    writer.write_record(".storage_alignment", str(STORAGE_ALIGNMENT).encode())
    if not disable_byteorder_record:
        writer.write_record("byteorder", sys.byteorder.encode())
    for key, storage in pickler.storages.items():
        writer.write_record(f"data/{key}", _storage_bytes(storage))
    writer.close()


# torch's format before 1.6 (still written with _use_new_zipfile_serialization=False): consecutive pickles of the
# magic number, the protocol version, system information, the object (storage ids carry a sixth element, the view
# metadata, always None now) and the sorted storage keys; then each storage as its int64 element count and bytes.
_LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL_VERSION = 1001


def _legacy_save(obj, file, protocol):
    system = {"protocol_version": _LEGACY_PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
              "type_sizes": {"short": 2, "int": 4, "long": 8}}
    for header in (_LEGACY_MAGIC_NUMBER, _LEGACY_PROTOCOL_VERSION, system):
        pickle.dump(header, file, protocol=protocol)
    pickler = _TorchPickler(file, protocol, legacy=True)
    pickler.dump(obj)
    pickle.dump(sorted(pickler.storages), file, protocol=protocol)
    for key in sorted(pickler.storages):
        file.write(struct.pack("<q", pickler.storages[key].nbytes() // pickler.itemsizes[key]))
        file.write(_storage_bytes(pickler.storages[key]))
    if hasattr(file, "flush"):
        file.flush()


def _storage_bytes(storage):
    return np.ascontiguousarray(storage.buffer).reshape(-1).view(np.uint8)


class _StorageRef:
    """What torch pickles in place of a tensor's storage (its TypedStorage): the storage and the dtype it is read
    as. The pickler turns it into a persistent id."""

    __slots__ = ("storage", "dtype")

    def __init__(self, storage, dtype):
        self.storage, self.dtype = storage, dtype


# The pure-Python pickler, because only it lets a subclass write a GLOBAL opcode for a name that is not importable
# here (the C pickler imports the module to check every global it writes, and torch must not be imported).
class _TorchPickler(pickle._Pickler):
    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol, legacy=False):
        super().__init__(file, protocol)
        self.legacy = legacy
        self.storages = {}        # key -> UntypedStorage, in the order they were met
        self.itemsizes = {}       # key -> the element size its persistent id counts in
        self._keys = {}           # id(storage) -> key (self.storages keeps the storage alive)
        self._dtype_at = {}       # data_ptr -> dtype: torch refuses one memory saved as two dtypes

    def _save_torch_name(self, marker):
        self.write(pickle.GLOBAL + f"{marker.module}\n{marker.name}\n".encode("utf-8"))
        self.memoize(marker)

    def _save_dtype(self, dtype):
        self.write(pickle.GLOBAL + f"torch\n{dtype.name}\n".encode("utf-8"))   # torch.float32 pickles by name
        self.memoize(dtype)

    dispatch[_TorchName] = _save_torch_name
    dispatch[_dtype.dtype] = _save_dtype

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            storage, dtype = obj.storage, obj.dtype
            storage_type = _torch_name("torch", _STORAGE_TYPE_NAMES[dtype.name])
        elif isinstance(obj, UntypedStorage):
            storage, dtype = obj, _dtype.uint8
            storage_type = _torch_name("torch.storage", "UntypedStorage")
        else:
            return None
        if storage.nbytes():
            seen = self._dtype_at.setdefault(storage.data_ptr(), dtype)
            if seen is not dtype:
                raise RuntimeError("Cannot save multiple tensors or storages that view the same data as different "
                                   "types")
        key = self._keys.get(id(storage))
        if key is None:
            key = self._keys[id(storage)] = str(len(self._keys))
            self.storages[key], self.itemsizes[key] = storage, dtype.itemsize
        saved_id = ("storage", storage_type, key, "cpu", storage.nbytes() // dtype.itemsize)
        return saved_id + (None,) if self.legacy else saved_id

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return _reduce_tensor(obj)
        if isinstance(obj, Size):
            return _torch_name("torch", "Size"), (tuple(obj),)
        if isinstance(obj, _device):
            # torch's device reduces to a new string each time, never memo-shared with the "cpu" of storage ids
            kind = obj.type.encode().decode()
            return _torch_name("torch", "device"), (kind,) if obj.index is None else (kind, obj.index)
        if isinstance(obj, _layout):
            return _torch_name("torch.serialization", "_get_layout"), (f"torch.{obj.name}",)
        return NotImplemented


def _reduce_tensor(tensor):
    """The reduce tuple torch's Tensor.__reduce_ex__ / Parameter.__reduce_ex__ give for a CPU tensor."""
    state = dict(tensor.__dict__)   # Python attributes travel as torch's do (_rebuild_*_with_state / _from_type_v2)
    if isinstance(tensor, Parameter):
        hooks = collections.OrderedDict()   # torch never saves hooks, but keeps the argument
        data = tensor.detach()
        if not state:
            return _torch_name("torch._utils", "_rebuild_parameter"), (data, tensor.requires_grad, hooks)
        return _torch_name("torch._utils", "_rebuild_parameter_with_state"), (data, tensor.requires_grad, hooks,
                                                                              state)
    storage, offset, stride = _storage_window(tensor)
    args = (_StorageRef(storage, tensor.dtype), offset, tuple(tensor.shape), stride, tensor.requires_grad,
            collections.OrderedDict())
    rebuild = _torch_name("torch._utils", "_rebuild_tensor_v2")
    if type(tensor) is Tensor and not state:
        return rebuild, args
    tensor_type = _torch_name("torch", "Tensor") if type(tensor) is Tensor else type(tensor)
    return _torch_name("torch._tensor", "_rebuild_from_type_v2"), (rebuild, tensor_type, args, state)


def _storage_window(tensor):
    """(storage, storage_offset, stride) of the tensor; a window its storage cannot express as torch would (negative
    strides from a NumPy view) is saved as a dense copy of its own."""
    storage, offset, stride = tensor.untyped_storage(), tensor.storage_offset(), tensor.stride()
    numel = storage.nbytes() // tensor.dtype.itemsize
    reach = offset + sum((n - 1) * s for n, s in zip(tensor.shape, stride)) if tensor.numel() else offset - 1
    if offset < 0 or min(stride, default=0) < 0 or reach >= numel:
        dense = Tensor._from_fresh(np.ascontiguousarray(tensor._data), tensor.dtype)
        return dense.untyped_storage(), 0, dense.stride()
    return storage, offset, stride


# ================================================================ load: torch's globals as mtv2 objects

class _StorageType:
    """torch.FloatStorage & co. in a pickle: only its dtype matters (as torch's own serialization.StorageType)."""

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


class TypedStorage:
    """A storage read as one dtype: what a typed persistent id loads as (torch's TypedStorage)."""

    __slots__ = ("_untyped_storage", "dtype")

    def __init__(self, untyped_storage, dtype):
        self._untyped_storage, self.dtype = untyped_storage, dtype

    def untyped(self):
        return self._untyped_storage

    def size(self):
        return self._untyped_storage.nbytes() // self.dtype.itemsize

    __len__ = size

    def __repr__(self):
        return f"TypedStorage(dtype={self.dtype}, size={self.size()})"


def _untyped_and_dtype(storage):
    if isinstance(storage, TypedStorage):
        return storage.untyped(), storage.dtype
    return storage, _dtype.uint8


def _tensor_on(storage, dtype, storage_offset, size, stride):
    """A tensor whose window (offset, size, stride in elements) is onto `storage`, as torch's Tensor.set_."""
    buffer = storage.buffer
    if buffer.dtype != dtype.numpy_type:   # the bytes read as another dtype: a storage of the same memory
        storage = UntypedStorage(buffer.reshape(-1).view(np.uint8).view(dtype.numpy_type))
        buffer = storage.buffer
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    if all(size):
        needed = storage_offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
        if storage_offset < 0 or min(stride, default=0) < 0 or needed > buffer.size:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                               f"{storage_offset}, and itemsize {dtype.itemsize} requiring a storage size of "
                               f"{needed * dtype.itemsize} are out of bounds for storage of size {buffer.nbytes}")
    array = np.lib.stride_tricks.as_strided(buffer[storage_offset:], size, [s * dtype.itemsize for s in stride])
    tensor = Tensor._from_fresh(array, dtype)
    tensor._data = array          # _from_fresh restrides empty arrays; torch keeps the saved strides
    tensor._storage = storage     # every tensor rebuilt on this storage shares it, as after torch.load
    return tensor


def _rebuild_tensor(storage, storage_offset, size, stride):
    untyped, dtype = _untyped_and_dtype(storage)
    return _tensor_on(untyped, dtype, storage_offset, size, stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    tensor = _rebuild_tensor(storage, storage_offset, size, stride)
    tensor.requires_grad = requires_grad
    return tensor


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    tensor = _tensor_on(_untyped_and_dtype(storage)[0], dtype, storage_offset, size, stride)
    tensor.requires_grad = requires_grad
    return tensor


def _set_state(obj, state):
    """torch._utils._set_obj_state: a dict of attributes, or (dict, slots) as object.__reduce_ex__ gives."""
    dict_state, slots_state = state if isinstance(state, tuple) else (state, None)
    for name, value in {**(dict_state or {}), **(slots_state or {})}.items():
        setattr(obj, name, value)
    return obj


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_state(Parameter(data, requires_grad), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    result = func(*args)
    if type(result) is not new_type:
        if not (isinstance(new_type, type) and issubclass(new_type, Tensor)):
            raise TypeError(f"_rebuild_from_type_v2: {new_type!r} is not a Tensor type")
        subclassed = new_type._from_fresh(result._data, result.dtype)
        subclassed._storage, subclassed.requires_grad = result.untyped_storage(), result.requires_grad
        result = subclassed
    if hasattr(type(result), "__setstate__"):   # a subclass's own; mtv2's Tensor defines none
        result.__setstate__(state)
        return result
    return _set_state(result, state)


def _get_layout(name):
    if name != "torch.strided":
        raise NotImplementedError(f"mtv2.load: layout {name} is not available in mtv2 (strided tensors only)")
    return _strided


def _not_in_mtv2(path):
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"mtv2.load: {path} rebuilds a tensor kind mtv2 does not have")
    refuse.__name__ = path.rsplit(".", 1)[-1]
    return refuse


def _torch_globals():
    """torch's weights_only allowlist (torch/_weights_only_unpickler.py), each name mapped to mtv2's object."""
    from . import _tensor_types
    table = {
        "collections.OrderedDict": collections.OrderedDict, "collections.Counter": collections.Counter,
        "torch.nn.parameter.Parameter": Parameter, "torch.serialization._get_layout": _get_layout,
        "torch.Size": Size, "torch.Tensor": Tensor, "torch.device": _device, "_codecs.encode": _codecs.encode,
        "builtins.bytearray": bytearray, "builtins.set": set, "builtins.complex": complex,
        "torch.storage.UntypedStorage": UntypedStorage, "torch.UntypedStorage": UntypedStorage,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    }
    for name, dtype in _DTYPES.items():
        table[f"torch.{name}"] = dtype
        table[f"torch.{_STORAGE_TYPE_NAMES[name]}"] = _StorageType(_STORAGE_TYPE_NAMES[name], dtype)
    for name in dir(_tensor_types):
        if name.endswith("Tensor") and name[0].isupper():
            table[f"torch.{name}"] = getattr(_tensor_types, name)
    for function in (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
                     _rebuild_parameter_with_state):
        table[f"torch._utils.{function.__name__}"] = function
    for name in ("_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_meta_tensor_no_storage",
                 "_rebuild_nested_tensor", "_rebuild_wrapper_subclass", "_rebuild_device_tensor_from_numpy",
                 "_rebuild_device_tensor_from_cpu_tensor"):
        table[f"torch._utils.{name}"] = _not_in_mtv2(f"torch._utils.{name}")
    return table


_TORCH_GLOBALS = _torch_globals()


def _mtv2_counterpart(module, name):
    """Outside the allowlist (weights_only=False), torch.<path>.<name> is mtv2.<path>.<name> when mtv2 has it."""
    import importlib
    mtv2_module = "mtv2" + module[len("torch"):]
    try:
        found = importlib.import_module(mtv2_module)
        for part in name.split("."):
            found = getattr(found, part)
        return found
    except (ImportError, AttributeError):
        raise pickle.UnpicklingError(f"mtv2.load: the pickle needs {module}.{name}, which mtv2 does not "
                                     f"have") from None


# ---------------------------------------------------------------- safe globals (torch.serialization's API)

_user_safe_globals = set()


def add_safe_globals(safe_globals):
    global _user_safe_globals
    _user_safe_globals = _user_safe_globals | set(safe_globals)


def get_safe_globals():
    return list(_user_safe_globals)


def clear_safe_globals():
    global _user_safe_globals
    _user_safe_globals = set()


@contextlib.contextmanager
def safe_globals(safe_globals):
    global _user_safe_globals
    added = set(safe_globals) - _user_safe_globals
    _user_safe_globals = _user_safe_globals | added
    try:
        yield
    finally:
        _user_safe_globals = _user_safe_globals - added


def _user_allowed(full_path):
    for entry in _user_safe_globals:
        obj, name = entry if isinstance(entry, tuple) else (entry, f"{entry.__module__}.{entry.__qualname__}")
        if name == full_path:
            return obj
    return None


# ================================================================ load

_BLOCKED_MODULES = ("sys", "os", "posix", "nt")


def _unsupported_global_message(full_path):
    if full_path.startswith("builtins."):
        full_path = full_path[len("builtins."):]   # torch shows builtins.print as print
    return (f"Unsupported global: GLOBAL {full_path} was not an allowed global by default. Please use "
            f"`torch.serialization.add_safe_globals([{full_path}])` or the "
            f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist this global if you "
            f"trust this class/function.")


def _weights_only_message(message):
    """The text torch wraps a weights-only refusal in."""
    docs = ("\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
            "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")
    if "was not an allowed global by default." in message:
        return ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check the "
                "recommended steps in the following error message.\n\tWeightsUnpickler error: " + message + docs)
    text = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if "whose module" not in message:
        text += ("Please file an issue with the following so that we can make `weights_only=True` compatible "
                 "with your use case: WeightsUnpickler error: ")
    return text + "\n\n" + message + docs


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """torch.load: a path, os.PathLike or seekable file-like object written by torch.save or mtv2.save."""
    weights_only = _resolve_weights_only(weights_only, pickle_module)
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    pickle_module = pickle_module or pickle
    if pickle_load_args and weights_only:
        warnings.warn("pickle_load_args only works if `weights_only=False`.")
    pickle_load_args.setdefault("encoding", "utf-8")
    is_path = isinstance(f, (str, os.PathLike))
    if is_path and os.fspath(f).endswith(".safetensors"):
        return _load_safetensors(os.fspath(f), map_location)
    restore = _restore_location(map_location)
    load_args = pickle_load_args if not weights_only else {"encoding": "utf-8"}

    def unpickler(source, read_storage, swap_bytes=False):
        base = pickle.Unpickler if weights_only else pickle_module.Unpickler
        return _make_unpickler(base, source, read_storage, restore, weights_only, swap_bytes, load_args)

    with (open(f, "rb") if is_path else contextlib.nullcontext(f)) as file:
        if not _is_zipfile(file):
            if mmap:
                raise RuntimeError("mmap can only be used with files saved with `torch.save(_use_new_zipfile_"
                                   "serialization=True), please torch.save your checkpoint with this option in order "
                                   "to use mmap.")
            return _explained(lambda: _legacy_load(file, unpickler), weights_only)
        if mmap and not is_path:
            raise ValueError("f must be a file path in order to use the mmap argument")
        archive = Archive(file, f if mmap else None)
        if archive.has("constants.pkl"):
            if weights_only:
                raise RuntimeError("Cannot use ``weights_only=True`` with TorchScript archives passed to "
                                   "``torch.load``. " + UNSAFE_MESSAGE)
            raise NotImplementedError("mtv2.load: this is a TorchScript archive (torch.jit.load); mtv2 has no jit")
        data = io.BytesIO(archive.read_small("data.pkl"))
        return _explained(unpickler(data, archive.read_storage, archive.swap_bytes).load, weights_only)


def _explained(load_object, weights_only):
    """Run the load; a weights-only refusal gets torch's explanation around it."""
    if not weights_only:
        return load_object()
    try:
        return load_object()
    except pickle.UnpicklingError as error:
        raise pickle.UnpicklingError(_weights_only_message(str(error))) from None


def _legacy_load(file, unpickler):
    """A file in the legacy format (see _legacy_save). Storages are allocated while unpickling and filled after."""
    start = file.tell()
    if file.read(262)[257:] == b"ustar":
        raise NotImplementedError("mtv2.load: this is a tar checkpoint of torch < 0.4, which mtv2 does not read")
    file.seek(start)

    def header():
        return unpickler(file, None).load()
    if header() != _LEGACY_MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = header()
    if version != _LEGACY_PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    if header().get("little_endian", True) != (sys.byteorder == "little"):
        raise NotImplementedError("mtv2.load: a legacy checkpoint of the other byte order")
    unfilled = {}
    result = unpickler(file, lambda key, nbytes: unfilled.setdefault(key, np.empty(nbytes, np.uint8))).load()
    for key in header():
        file.read(8)    # the element count; the persistent id already gave the size
        data = unfilled[key]
        data[:] = np.frombuffer(file.read(data.nbytes), np.uint8)
    return result


def _resolve_weights_only(weights_only, pickle_module):
    """torch's default (True unless a pickle_module is given) and its two environment overrides."""
    explicit = weights_only is not None
    if not explicit:
        weights_only = pickle_module is None
    truthy = ("1", "y", "yes", "true")
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    force_not = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    if force and force_not:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
                           "should be set, but both were set.")
    if force:
        return True
    if force_not and not explicit:
        return False
    return weights_only


def _is_zipfile(file):
    start = file.tell()
    magic = file.read(4)
    file.seek(start)
    return magic == b"PK\x03\x04"


def _load_safetensors(path, map_location):
    """torch.load hands *.safetensors paths to safetensors; mtv2 reads them with its own loader."""
    if isinstance(map_location, dict) or (callable(map_location) and not isinstance(map_location, _device)):
        raise RuntimeError("Loading safetensors file with dict or callable map_location is not supported. Use a "
                           "device string or torch.device instead.")
    from .nn.utils.weights import load_safetensors
    return load_safetensors(path)


def _restore_location(map_location):
    """torch's _get_restore_location: (storage, location tag) -> the storage where it is to live."""
    if map_location is None:
        return _default_restore
    if isinstance(map_location, dict):
        return lambda storage, location: _default_restore(storage, map_location.get(location, location))
    if isinstance(map_location, (str, bytes)):
        target = map_location.decode() if isinstance(map_location, bytes) else map_location
        return lambda storage, location: _default_restore(storage, target)
    if isinstance(map_location, _device):
        return lambda storage, location: _default_restore(storage, str(map_location))

    def restore(storage, location):
        result = map_location(storage, location)
        if result is None:
            return _default_restore(storage, location)
        if not isinstance(result, UntypedStorage):
            raise TypeError(f"map_location must return an UntypedStorage or None, but got "
                            f"{type(result).__name__}")
        return result
    return restore


def _default_restore(storage, location):
    # mtv2 has no meta tensors: map_location="meta" (transformers reads a checkpoint's dtypes with it) loads onto
    # the CPU, as `with torch.device("meta")` does in mtv2 (mtv2/_device.py): the same tensors, more memory.
    if location in ("cpu", "meta"):
        return storage
    if location.startswith("cuda"):
        raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                           "False. If you are running on a CPU-only machine, please use torch.load with "
                           "map_location=torch.device('cpu') to map your storages to the CPU.")
    raise RuntimeError(f"don't know how to restore data location of torch.storage.UntypedStorage (tagged with "
                       f"{location})")


def _make_unpickler(base, file, read_storage, restore, weights_only, swap_bytes, load_args):
    """An unpickler (of `base`, the C Unpickler or pickle_module's) mapping torch's globals to mtv2's, admitting only
    the allowlist when weights_only, and reading each storage once through read_storage(key, nbytes)."""
    storages = {}

    class TorchUnpickler(base):
        def find_class(self, module, name):
            if (module, name) in _compat_pickle.NAME_MAPPING:    # Python 2 names, as torch's unpickler maps them
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
            module = {"torch.tensor": "torch._tensor"}.get(module, module)   # torch's own rename (pytorch#51633)
            full_path = f"{module}.{name}"
            found = _TORCH_GLOBALS.get(full_path)
            if found is None and "Storage" in name and module == "torch":
                raise NotImplementedError(f"mtv2.load: {full_path} holds a dtype mtv2 does not have")
            if found is not None:
                return found
            if weights_only:
                if module in _BLOCKED_MODULES:
                    raise pickle.UnpicklingError(f"Trying to load unsupported GLOBAL {full_path} whose module "
                                                 f"{module} is blocked.")
                found = _user_allowed(full_path)
                if found is None:
                    raise pickle.UnpicklingError(_unsupported_global_message(full_path))
                return found
            if module == "torch" or module.startswith("torch."):
                return _mtv2_counterpart(module, name)
            return super().find_class(module, name)

        def persistent_load(self, saved_id):
            kind = _ascii(saved_id[0]) if isinstance(saved_id, tuple) and saved_id else None
            if kind == "module" and not weights_only:   # legacy files name nn.Module classes with their source
                return saved_id[1]
            if kind != "storage" or read_storage is None:
                raise pickle.UnpicklingError(f"Only persistent_load of storage is allowed, but got {saved_id!r:.80}")
            storage_type, key, location, numel = saved_id[1:5]
            if len(saved_id) > 5 and saved_id[5] is not None:
                raise NotImplementedError("mtv2.load: storage views of legacy checkpoints (torch < 1.0)")
            dtype = storage_type.dtype if isinstance(storage_type, _StorageType) else _dtype.uint8
            storage = storages.get(key)
            if storage is None:
                buffer = read_storage(key, numel * dtype.itemsize).view(dtype.numpy_type)
                if swap_bytes:
                    buffer.byteswap(inplace=True)
                storage = storages[key] = restore(UntypedStorage(buffer), _ascii(location))
            return storage if storage_type is UntypedStorage else TypedStorage(storage, dtype)

    return TorchUnpickler(file, **load_args)


def _ascii(value):
    return value.decode("ascii") if isinstance(value, bytes) else value
