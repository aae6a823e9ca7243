"""numpy's keyword names, taken wherever torch's argument parser takes them.

torch's C++ argument parser (torch/csrc/utils/python_arg_parser.cpp, numpy_compatibility_arg_names) lets every
native function and Tensor method take `axis=` for `dim=`, `keepdims=` for `keepdim=`, `x=` / `a=` / `x1=` for
`input=` and `x2=` for `other=`: `x.mean(axis=0)`, `torch.sum(x, axis=1, keepdims=True)`, `torch.cat(ts, axis=0)`.
A name is only a fallback: `sum(x, dim=1, axis=1)` is a TypeError. Functions torch writes in Python
(torch.split, torch.norm, Tensor.unflatten, most of nn.functional) never meet that parser and refuse the aliases
with a TypeError; mtv2 mirrors both sides.

mtv2/__init__.py applies this once, where the public surface is assembled: the mtv2 namespace, Tensor's methods
and nn.functional. A callable with one of the four parameters is wrapped; the others are left as they are. Without
an alias a wrapped call costs one extra Python call and a dict test; operators (x + y) are never wrapped.
tests/core/test_numpy_aliases.py checks these lists against torch: which of mtv2's callables torch serves natively.
"""
import functools
import inspect

NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input", "x1": "input", "x2": "other"}

# torch functions written in Python (torch/functional.py, torch/_tensor.py) that mtv2 has with an aliased parameter
TORCH_PYTHON_FUNCTIONS = frozenset({"norm", "split", "unique", "unique_consecutive"})
TORCH_PYTHON_METHODS = frozenset({"norm", "split", "unflatten", "unique", "unique_consecutive"})
# torch.nn.functional is Python but for these bindings of native ops (torch._C._nn.gelu, torch.conv1d, ...)
NATIVE_FUNCTIONAL = frozenset({"avg_pool2d", "celu_", "channel_shuffle", "conv1d", "conv2d", "conv3d",
                               "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_similarity",
                               "elu_", "gelu", "hardshrink", "hardtanh_", "leaky_relu_", "linear", "logsigmoid",
                               "native_channel_shuffle", "pairwise_distance", "pdist", "pixel_shuffle",
                               "pixel_unshuffle", "prelu", "relu_", "rrelu_", "selu_", "softplus", "softshrink",
                               "threshold_"})
NATIVE_FUNCTIONAL |= frozenset({"adaptive_avg_pool1d", "avg_pool1d", "avg_pool3d"})   # pooling (ops/nn_pool*.py)


def accepting_numpy_names(function, module=None):
    """`function`, or a wrapper of it that takes numpy's names for the parameters it has. `module`: where the
    wrapper is found by name (pickle looks functions up by __module__ and __qualname__)."""
    parameters = inspect.signature(function).parameters
    renames = {alias: name for alias, name in NUMPY_NAMES.items() if name in parameters and alias not in parameters}
    if not renames:
        return function

    @functools.wraps(function)
    def call(*args, **kwargs):
        if kwargs and not renames.keys().isdisjoint(kwargs):
            kwargs = _renamed(function.__name__, renames, kwargs)
        return function(*args, **kwargs)
    call.numpy_names = renames
    call.__module__ = module or function.__module__
    return call


def _renamed(function_name, renames, kwargs):
    renamed = {}
    for key, value in kwargs.items():
        name = renames.get(key, key)
        if name != key and (name in kwargs or name in renamed):
            # torch binds the parameter's own name first; the alias is then left over
            raise TypeError(f"{function_name}() got an unexpected keyword argument '{key}'")
        renamed[name] = value
    return renamed


def accept_numpy_names(namespace, tensor_class, functional):
    """Wrap, in place, the public functions of the mtv2 namespace (a module's dict), the methods of Tensor and its
    method classes, and nn.functional's native ones. One wrapper per function: names that alias one function
    (concat = concatenate = cat, subtract = sub) still name one object."""
    wrappers = {}

    def wrapped(function, module=None):
        if function not in wrappers:
            wrappers[function] = accepting_numpy_names(function, module)
        return wrappers[function]

    for name, value in list(namespace.items()):
        if inspect.isfunction(value) and not name.startswith("_") and name not in TORCH_PYTHON_FUNCTIONS:
            namespace[name] = wrapped(value, namespace["__name__"])
    for cls in tensor_class.__mro__[:-1]:   # Tensor (not object)
        for name, value in list(vars(cls).items()):
            if inspect.isfunction(value) and not name.startswith("_") and name not in TORCH_PYTHON_METHODS:
                setattr(cls, name, wrapped(value))
    for name in NATIVE_FUNCTIONAL:
        setattr(functional, name, wrapped(getattr(functional, name), functional.__name__))
