"""The public surface, declared beside each public function and assembled in one place per namespace.

A family declares what torch calls a function by decorating it:

    @public(method=True, inplace=True)
    def exp(input, *, out=None): ...

- the names: `mtv2.exp` (more names, e.g. `@public("div", "divide")`, give aliases; `function=False` keeps it off the
  mtv2 namespace, for a method-only function such as `Tensor.type_as`);
- `method=True`: `Tensor.exp(self, ...)`, the function with self as its first argument (torch's methods never take
  `out=`: it is refused with torch's TypeError); a tuple of names instead of True gives the method other names;
- `inplace=True`: `Tensor.exp_`, the function's result written back into self (ops/inplace.py: version bump,
  history rebased, torch's checks);
- `functional=True`: `nn.functional.exp` (a string names it differently).

The assembly runs once, when `import mtv2` has imported every family: `mtv2/__init__.py` takes `functions()`,
`install_methods(Tensor)` sets Tensor's methods and Python operators (the operator tables below: the few
hand-written exceptions to "a method is its function"), and `nn/functional.py` takes `functional_functions()`.
A name claimed twice is refused there. Methods keep the function's signature (minus `out`) for inspect, so the numpy
keyword aliases (_numpy_aliases.py) see `dim=`, `keepdim=` and `other=` on both.
"""
import inspect
from dataclasses import dataclass

SURFACE = []


@dataclass(frozen=True)
class Surface:
    function: object
    functions: tuple      # names in the mtv2 namespace
    methods: tuple        # Tensor method names
    inplace: tuple        # Tensor in-place method names
    functional: tuple     # nn.functional names


def public(*names, function=True, method=False, inplace=False, functional=False):
    """Declare a public function's names (see the module docstring); returns the function unchanged."""
    def declare(target):
        own = names or (target.__name__,)
        methods = own if method is True else tuple(method or ())
        SURFACE.append(Surface(
            target,
            own if function else (),
            methods,
            tuple(f"{name}_" for name in methods) if inplace is True else tuple(inplace or ()),
            (own[0],) if functional is True else ((functional,) if functional else ()),
        ))
        return target
    return declare


def _claimed(kind):
    """{name: function} for one kind of name over every declaration, refusing a name declared twice."""
    claimed = {}
    for record in SURFACE:
        for name in getattr(record, kind):
            if name in claimed and claimed[name] is not record.function:
                raise TypeError(f"{kind}: {name!r} is declared by both {claimed[name].__module__}."
                                f"{claimed[name].__qualname__} and {record.function.__module__}."
                                f"{record.function.__qualname__}")
            claimed[name] = record.function
    return claimed


def functions():
    """The mtv2 namespace's functions: {name: function}."""
    return _claimed("functions")


def functional_functions():
    """nn.functional's functions: {name: function}."""
    return _claimed("functional")


def _method_signature(function):
    """The function's signature as a method: self first, without `out`."""
    parameters = list(inspect.signature(function).parameters.values())
    self_parameter = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return inspect.Signature([self_parameter] + [p for p in parameters[1:] if p.name != "out"])


def _method(function, name):
    takes_out = "out" in inspect.signature(function).parameters
    if takes_out:
        def method(self, *args, **kwargs):
            if kwargs and "out" in kwargs:
                raise TypeError(f"{name}() got an unexpected keyword argument 'out'")
            return function(self, *args, **kwargs)
    else:
        def method(self, *args, **kwargs):
            return function(self, *args, **kwargs)
    return _named(method, function, name)


def _inplace_method(function, name):
    from .inplace import apply_inplace

    def method(self, *args, **kwargs):
        if kwargs and "out" in kwargs:
            raise TypeError(f"{name}() got an unexpected keyword argument 'out'")
        return apply_inplace(self, function, name, *args, **kwargs)
    return _named(method, function, name)


def _named(method, function, name):
    method.__name__ = name
    method.__qualname__ = f"Tensor.{name}"
    method.__module__ = "mtv2._tensor"
    method.__doc__ = function.__doc__
    method.__signature__ = _method_signature(function)
    return method


def install_methods(tensor_class):
    """Set Tensor's methods and in-place methods from the declarations, then its Python operators."""
    for name, function in _claimed("methods").items():
        setattr(tensor_class, name, _method(function, name))
    for name, function in _claimed("inplace").items():
        setattr(tensor_class, name, _inplace_method(function, name))
    _install_operators(tensor_class)


# Python operators: each calls the public function (by its mtv2 name) named here. The commonest three (__add__,
# __mul__, __truediv__) are written in _tensor.py straight to their kernels, and __rtruediv__ there as torch writes it
# (reciprocal, then mul); __eq__/__ne__ answer non-tensors there.
UNARY_OPERATORS = {"__neg__": "neg", "__abs__": "abs", "__invert__": "bitwise_not"}
BINARY_OPERATORS = {"__sub__": "sub", "__floordiv__": "floor_divide", "__mod__": "remainder", "__pow__": "pow",
                    "__matmul__": "matmul", "__lt__": "lt", "__le__": "le", "__gt__": "gt", "__ge__": "ge",
                    "__and__": "bitwise_and", "__or__": "bitwise_or", "__xor__": "bitwise_xor"}
# x op= y: the in-place method of that name
INPLACE_OPERATORS = {"__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_",
                     "__ifloordiv__": "floor_divide_", "__imod__": "remainder_", "__ipow__": "pow_",
                     "__iand__": "bitwise_and_", "__ior__": "bitwise_or_", "__ixor__": "bitwise_xor_"}
# other op self: the function with the operands swapped. Those marked True check self's type first: torch's
# descriptor refuses a non-Tensor self when the method is called unbound (Tensor.__radd__(2, t)).
REFLECTED_OPERATORS = {"__radd__": ("add", True), "__rsub__": ("sub", False), "__rmul__": ("mul", True),
"__rfloordiv__": ("floor_divide", False),
                       "__rmod__": ("remainder", False), "__rpow__": ("pow", False), "__rmatmul__": ("matmul", False),
                       "__rand__": ("bitwise_and", True), "__ror__": ("bitwise_or", True),
                       "__rxor__": ("bitwise_xor", True)}


def _install_operators(tensor_class):
    declared = functions()
    for dunder, name in UNARY_OPERATORS.items():
        setattr(tensor_class, dunder, _unary(declared[name], dunder))
    for dunder, name in BINARY_OPERATORS.items():
        setattr(tensor_class, dunder, _binary(declared[name], dunder))
    for dunder, name in INPLACE_OPERATORS.items():
        setattr(tensor_class, dunder, getattr(tensor_class, name))
    for dunder, (name, checks_self) in REFLECTED_OPERATORS.items():
        setattr(tensor_class, dunder, _reflected(declared[name], dunder, tensor_class if checks_self else None))


def _unary(function, dunder):
    def operator(self):
        return function(self)
    operator.__name__ = operator.__qualname__ = dunder
    return operator


def _binary(function, dunder):
    def operator(self, other):
        return function(self, other)
    operator.__name__ = operator.__qualname__ = dunder
    return operator


def _reflected(function, dunder, tensor_class):
    def reflected(self, other):
        if tensor_class is not None and not isinstance(self, tensor_class):
            raise TypeError(f"descriptor '{dunder}' for 'torch._C.TensorBase' objects doesn't apply to a "
                            f"'{type(self).__name__}' object")
        return function(other, self)
    reflected.__name__ = reflected.__qualname__ = dunder
    return reflected
