"""Pointwise properties: type promotion across every dtype pair (with 0-d tensors and Python scalars),
IEEE corner values through unary and binary math, integer arithmetic at the extremes, broadcast triples, and
elementwise gradients."""
import operator

import hypothesis.strategies as st
import numpy as np
from hypothesis import assume

from conformance.frameworks import DTYPES, FLOATING, INTEGRAL
from conformance.fuzz.harness import Property, check_backward, check_forward
from conformance.fuzz.strategies import TensorInput, broadcastable, operands, python_scalars, tensors

GRAD_DTYPES = ("float32", "float64")


def function(name, **kwargs):
    return lambda fw, *args: getattr(fw, name)(*args, **kwargs)


def method(name, **kwargs):
    return lambda fw, first, *args: getattr(first, name)(*args, **kwargs)


# ---- binary promotion -----------------------------------------------------------------------
BINARY = ("add", "sub", "mul", "div", "remainder", "floor_divide", "maximum", "minimum", "eq", "ne", "lt",
          "ge", "atan2", "pow", "fmod", "logical_and", "bitwise_and", "bitwise_xor")
OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
             "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "<": operator.lt,
             "==": operator.eq, "&": operator.and_, "|": operator.or_}


@st.composite
def binary_examples(draw, kind="small", dtypes=DTYPES):
    lhs_shape, rhs_shape = draw(broadcastable(2, max_dims=3, max_side=3))
    lhs = draw(operands(lhs_shape, kind, dtypes))
    rhs = draw(operands(rhs_shape, kind, dtypes, scalars=not isinstance(lhs, (bool, int, float))))
    form = draw(st.sampled_from(("function", "method", "operator")))
    if form == "operator":
        symbol = draw(st.sampled_from(sorted(OPERATORS)))
        return symbol, (lambda fw, a, b, f=OPERATORS[symbol]: f(a, b)), (lhs, rhs)
    name = draw(st.sampled_from(BINARY))
    if form == "method" and isinstance(lhs, (bool, int, float)):
        lhs, rhs = rhs, lhs
    return name if form == "function" else f"Tensor.{name}", \
        function(name) if form == "function" else method(name), (lhs, rhs)


def rounds_0d_operand_to_half(args):
    """Known mtv2 divergence, left out here and pinned by the XFail case sub/0d_other_half_operand in
    specs/arithmetic.py: with a half-type result torch rounds a 0-d floating operand of another dtype to it first;
    mtv2's promotion (mtv2/ops/_registry.py, not fuzz's to edit) computes with the operand's own value."""
    inputs = [a for a in args if isinstance(a, TensorInput) and a.dtype in FLOATING]
    return any(zero_d.shape == () and other.shape != () and other.dtype in ("float16", "bfloat16")
               and zero_d.dtype != other.dtype for zero_d in inputs for other in inputs)


def binary_promotion(example):
    label, fn, args = example
    assume(not rounds_0d_operand_to_half(args))
    check_forward(label, fn, args)


# ---- unary math on IEEE corners ---------------------------------------------------------------
UNARY = ("abs", "neg", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos",
         "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf",
         "erfc", "erfinv", "floor", "ceil", "round", "trunc", "frac", "sign", "sgn", "reciprocal", "square",
         "relu", "isnan", "isinf", "isfinite", "isposinf", "isneginf", "nan_to_num", "logical_not")


@st.composite
def unary_examples(draw):
    name = draw(st.sampled_from(UNARY))
    return name, draw(tensors(dtypes=FLOATING + ("int64", "bool", "uint8")))


def unary_special_values(example):
    name, x = example
    # relu(-0.0) is -0.0 in torch and 0.0 in mtv2: found here, reported (mtv2/ops/activation.py is not fuzz's to
    # edit); relu's zero sign is left unchecked until it is fixed
    check_forward(name, function(name), (x,), signed_zeros=name != "relu")


# ---- binary math on IEEE corners ---------------------------------------------------------------
SPECIAL_BINARY = ("add", "sub", "mul", "div", "pow", "atan2", "maximum", "minimum", "fmod", "remainder",
                  "floor_divide", "lt", "eq", "ge", "ne")


@st.composite
def special_binary_examples(draw):
    name = draw(st.sampled_from(SPECIAL_BINARY + ("div_trunc", "div_floor")))
    lhs_shape, rhs_shape = draw(broadcastable(2, max_dims=2, max_side=3))
    lhs = draw(tensors(shape=lhs_shape, dtypes=FLOATING))
    rhs = draw(st.one_of(tensors(shape=rhs_shape, dtypes=FLOATING), python_scalars("special")))
    return name, lhs, rhs


FINITE_RANGE = {"float16": (2.0 ** -24, 65504.0), "bfloat16": (2.0 ** -133, 3.3895313892515355e38),
                "float32": (2.0 ** -149, 3.4028234663852886e38)}


def scalar_outside_dtype(lhs, rhs):
    """Known mtv2 divergence, left out here and pinned by the XFail cases mul/scalar_outside_half and
    pow/scalar_outside_float32 in specs/arithmetic.py: torch computes with a Python number in a wider type (float32
    for half tensors, double for pow's exponent), mtv2 first rounds it to the tensor's dtype (inf * 1e-30 is inf
    in torch, inf * 0 = nan in mtv2); in mtv2/ops/_registry.py, reported."""
    if not (isinstance(lhs, TensorInput) and lhs.dtype in FINITE_RANGE and isinstance(rhs, float)):
        return False
    smallest, largest = FINITE_RANGE[lhs.dtype]
    return rhs == rhs and rhs != 0 and not smallest <= abs(rhs) <= largest and abs(rhs) != float("inf")


def binary_special_values(example):
    name, lhs, rhs = example
    assume(not rounds_0d_operand_to_half((lhs, rhs)))
    assume(not scalar_outside_dtype(lhs, rhs))
    if name.startswith("div_"):
        check_forward("div", function("div", rounding_mode=name[4:]), (lhs, rhs), signed_zeros=True)
    else:
        # maximum/minimum of 0.0 and -0.0: torch returns the first operand for half types and the second for
        # float32/float64 (its vectorised kernels); both are equal values, so only the value is compared.
        check_forward(name, function(name), (lhs, rhs), signed_zeros=name not in ("maximum", "minimum"))


# ---- integer arithmetic: wrap-around, zero divisors, signs -------------------------------------
INTEGER_BINARY = ("add", "sub", "mul", "floor_divide", "remainder", "fmod", "div_trunc", "div_floor",
                  "bitwise_and", "bitwise_or", "bitwise_xor", "maximum", "minimum", "pow")
INTEGER_UNARY = ("abs", "neg", "sign", "bitwise_not", "square")


@st.composite
def integer_examples(draw):
    dtype = draw(st.sampled_from(INTEGRAL))
    lhs_shape, rhs_shape = draw(broadcastable(2, max_dims=2, max_side=3))
    lhs = draw(tensors(shape=lhs_shape, dtype=dtype))
    if draw(st.booleans()):
        return draw(st.sampled_from(INTEGER_UNARY)), (lhs,)
    rhs = draw(st.one_of(tensors(shape=rhs_shape, dtype=dtype), tensors(shape=rhs_shape, dtypes=INTEGRAL),
                         st.integers(-3, 3)))
    return draw(st.sampled_from(INTEGER_BINARY)), (lhs, rhs)


def integer_arithmetic(example):
    name, args = example
    if name.startswith("div_"):
        check_forward("div", function("div", rounding_mode=name[4:]), args)
    else:
        check_forward(name, function(name), args)


# ---- broadcast triples ------------------------------------------------------------------------
@st.composite
def triple_examples(draw):
    shapes = draw(st.one_of(broadcastable(3, max_dims=3, max_side=3),
                            st.tuples(*[st.lists(st.integers(0, 3), max_size=2).map(tuple)] * 3)))
    name = draw(st.sampled_from(("where", "addcmul", "addcdiv", "lerp", "clamp")))
    if name == "where":
        condition = draw(tensors(shape=shapes[0], dtype="bool"))
        return name, (condition, draw(tensors(shape=shapes[1], kind="small")),
                      draw(st.one_of(tensors(shape=shapes[2], kind="small"), python_scalars())))
    float_dtypes = FLOATING if name != "clamp" else DTYPES[1:]
    args = tuple(draw(tensors(shape=s, kind="small", dtypes=float_dtypes)) for s in shapes)
    return name, args


def broadcast_triples(example):
    name, args = example
    check_forward(name, function(name), args)


# ---- elementwise gradients with broadcasting ------------------------------------------------
GRAD_UNARY = {"exp": "normal", "tanh": "normal", "sigmoid": "normal", "sin": "normal", "cos": "normal",
              "abs": "normal", "neg": "normal", "square": "normal", "atan": "normal", "erf": "normal",
              "asinh": "normal", "sinh": "normal", "relu": "normal", "log": "positive", "sqrt": "positive",
              "rsqrt": "positive", "reciprocal": "positive", "log1p": "positive", "expm1": "normal",
              "log2": "positive", "log10": "positive", "exp2": "normal", "cosh": "normal"}
GRAD_BINARY = {"add": "normal", "sub": "normal", "mul": "normal", "div": "positive", "maximum": "normal",
               "minimum": "normal", "atan2": "positive", "pow": "positive", "lerp": "normal",
               "addcmul": "normal", "addcdiv": "positive", "where": "normal", "clamp": "normal"}


@st.composite
def gradient_examples(draw):
    dtype = draw(st.sampled_from(GRAD_DTYPES))
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(GRAD_UNARY)))
        return name, (draw(tensors(dtype=dtype, kind=GRAD_UNARY[name], requires_grad=True,
                                   shape=draw(st.lists(st.integers(0, 3), max_size=3).map(tuple)))),)
    name = draw(st.sampled_from(sorted(GRAD_BINARY)))
    arity = 3 if name in ("lerp", "addcmul", "addcdiv", "where", "clamp") else 2
    shapes = draw(broadcastable(arity, max_dims=3, max_side=3))
    args = [draw(tensors(shape=s, dtype=dtype, kind=GRAD_BINARY[name], requires_grad=True)) for s in shapes]
    if name == "where":
        args[0] = draw(tensors(shape=shapes[0], dtype="bool"))
    return name, tuple(args)


def elementwise_gradients(example):
    name, args = example
    # torch's clamp with tensor bounds raises under autograd ("output with shape [] doesn't match the broadcast
    # shape [1]") when the bounds broadcast the input to a bigger shape; without grad it returns that shape.
    # A torch bug in its autograd path, not behaviour to copy: such examples are left out.
    assume(not (name == "clamp" and np.broadcast_shapes(*(a.shape for a in args)) != args[0].shape))
    check_backward(name, function(name), args)


POINTWISE_PROPERTIES = [
    Property("fuzz.binary_promotion", "forward", binary_examples(), binary_promotion, 500),
    Property("fuzz.unary_special_values", "forward", unary_examples(), unary_special_values, 500),
    Property("fuzz.binary_special_values", "forward", special_binary_examples(), binary_special_values, 500),
    Property("fuzz.integer_arithmetic", "forward", integer_examples(), integer_arithmetic, 400),
    Property("fuzz.broadcast_triples", "forward", triple_examples(), broadcast_triples, 300),
    Property("fuzz.elementwise_gradients", "backward", gradient_examples(), elementwise_gradients, 400),
]
