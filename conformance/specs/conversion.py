"""Dtype conversions (to, type, float/double/half/long/int/bool), clone, detach, contiguous and
the in-place writers copy_, fill_, zero_. Conversions check aliasing too: `to` its own dtype
returns the tensor itself in torch, anything else is a fresh copy.

Sources are positive: a negative float cast to an unsigned type is undefined behaviour in torch."""
from conformance.frameworks import DTYPES, FLOATING
from conformance.inputs import Arg, Sample, T, unary_samples
from conformance.spec import ErrorCase, OpSpec

SAMPLES = tuple(s for s in unary_samples() if s.name in ("0d", "matrix", "size0", "transposed",
                                                          "expanded"))
SHORTHANDS = (("float", "float32"), ("double", "float64"), ("half", "float16"),
              ("bfloat16", "bfloat16"), ("long", "int64"), ("int", "int32"), ("bool", "bool"))

SPECS = []
for _target in DTYPES:
    SPECS.append(OpSpec("Tensor.to", lambda fw, a, _t=_target: a.to(getattr(fw, _t)), SAMPLES, DTYPES,
                        variant=_target, domain="positive", alias=True, grad=_target in FLOATING))
    SPECS.append(OpSpec("Tensor.type", lambda fw, a, _t=_target: a.type(getattr(fw, _t)), SAMPLES[1:2],
                        DTYPES, variant=_target, domain="positive", alias=True,
                        grad=_target in FLOATING))
for _method, _target in SHORTHANDS:
    SPECS.append(OpSpec(f"Tensor.{_method}", lambda fw, a, _m=_method: getattr(a, _m)(), SAMPLES,
                        DTYPES, domain="positive", alias=True, grad=_target in FLOATING))

# copy_ writes b into a (broadcasting and converting); as an out-of-place function it is
# "clone a, copy b in", so gradients flow to b and not to a.
COPY_SAMPLES = (Sample("same_shape", (T(3, 4), T(3, 4))),
                Sample("broadcast_source", (T(3, 4), T(4))),
                Sample("from_float64", (T(3, 4), T(3, 4, dtype="float64"))),
                Sample("from_int64", (T(3, 4), T(3, 4, dtype="int64"))),
                Sample("from_bool", (T(3, 4), T(3, 4, dtype="bool"))),
                Sample("into_transposed", (T(3, 4, layout="transposed"), T(3, 4))),
                Sample("from_strided", (T(3, 4), T(3, 4, layout="strided"))))
FILL_SAMPLES = (Sample("number", (T(3, 4), Arg(scalar=True))),
                Sample("0d_tensor", (T(3, 4), T())),
                Sample("strided", (T(3, 4, layout="strided"), Arg(scalar=True))),
                Sample("size0", (T(0, 4), Arg(scalar=True))))


def cloned_then(method):
    def apply(fw, a, *rest):
        out = a.clone()
        getattr(out, method)(*rest)
        return out
    return apply


SPECS += [
    OpSpec("clone", lambda fw, a: fw.clone(a), unary_samples(), DTYPES, alias=True,
           errors=(ErrorCase("memory_format_not_a_format", lambda fw, a: fw.clone(a, memory_format=1),
                             Sample("3x4", (T(3, 4),)), TypeError),)),
    OpSpec("Tensor.clone", lambda fw, a: a.clone(), SAMPLES, DTYPES, alias=True),
    # found by conformance/fuzz: an expanded tensor clones contiguous (preserve_format keeps only dense layouts),
    # so view(-1) works on the clone
    OpSpec("Tensor.clone", lambda fw, a: a.clone().view(-1),
           (Sample("expanded_then_view", (T(3, 4, layout="expanded"),)),),
           DTYPES, variant="then_view"),
    OpSpec("Tensor.clone", lambda fw, a: a.clone(memory_format=fw.contiguous_format), SAMPLES, DTYPES,
           variant="contiguous_format", alias=True),
    OpSpec("clone", lambda fw, a: fw.clone(a, memory_format=fw.preserve_format), SAMPLES, DTYPES,
           variant="preserve_format", alias=True),
    OpSpec("Tensor.detach", lambda fw, a: a.detach(), SAMPLES, DTYPES, alias=True),
    OpSpec("Tensor.contiguous", lambda fw, a: a.contiguous(), SAMPLES, DTYPES, alias=True),
    OpSpec("Tensor.copy_", cloned_then("copy_"), COPY_SAMPLES, DTYPES, domain="positive",
           inplace=lambda fw, a, b: a.copy_(b), inplace_name="Tensor.copy_",
           errors=(ErrorCase("non_broadcastable", lambda fw, a, b: a.copy_(b),
                             Sample("3x4_from_3", (T(3, 4), T(3))), RuntimeError),)),
    OpSpec("Tensor.fill_", cloned_then("fill_"), FILL_SAMPLES, DTYPES, domain="positive",
           inplace=lambda fw, a, value: a.fill_(value), inplace_name="Tensor.fill_",
           errors=(ErrorCase("value_not_0d", lambda fw, a, b: a.fill_(b),
                             Sample("1d_value", (T(3, 4), T(2))), RuntimeError),)),
    OpSpec("Tensor.zero_", cloned_then("zero_"), SAMPLES, DTYPES,
           inplace=lambda fw, a: a.zero_(), inplace_name="Tensor.zero_"),
]

# torch.tensor from Python data. Found by conformance/fuzz: the shape comes from the first element at each level
# and nothing more is read once it holds no element ([[], [1, 2]] is an empty (2, 0) float tensor); a Python
# number an integer dtype cannot hold is refused, except negative ints, which wrap into unsigned types.
def _from_data(fw, data, dtype=None):
    return fw.tensor(data, dtype=None if dtype is None else getattr(fw, dtype))


SPECS.append(OpSpec("tensor", _from_data,
                    (Sample("empty_first_row", (Arg(value=[[], [1, 2]]),)),
                     Sample("empty_innermost", (Arg(value=[[[]], [1, 2]]),)),
                     Sample("negative_int_wraps_uint8", (Arg(value=[-1, 3]),), {"dtype": "uint8"}),
                     Sample("float_truncates_int64", (Arg(value=2.5),), {"dtype": "int64"})),
                    ("float32",), grad=False,
                    errors=(ErrorCase("negative_float_to_uint8", lambda fw: _from_data(fw, -1.0, "uint8"),
                                      Sample("number", ()), RuntimeError),
                            ErrorCase("int_past_int8", lambda fw: _from_data(fw, [200], "int8"),
                                      Sample("list", ()), RuntimeError),
                            ErrorCase("ragged", lambda fw: _from_data(fw, [[1], []]), Sample("list", ()),
                                      ValueError))))


# Into a half type torch converts through float32 (C++: double -> float -> Half): a float64 just above the midpoint
# of two half values rounds to the midpoint in float32, then to the even neighbour, where a direct cast goes up; a
# large int64 likewise in bfloat16. Compared bit for bit (viewed as int16): one half ulp is within the tolerances.
DOUBLE_ROUNDING = {"float16": [1 + 2**-11 + 2**-40, -(3 + 2**-10 + 2**-38), 0.1, 1e-6, 7e4],
                   "bfloat16": [1 + 2**-8 + 2**-40, -(3 + 2**-7 + 2**-38), 0.1, 1e-30, 3e38]}
LARGE_INTEGERS = [2**25 + 2**17 + 1, -(2**25 + 2**17 + 1), 7]


def _into_half(fw, values, source, target, path):
    half = getattr(fw, target)
    if path == "tensor":
        result = fw.tensor(values, dtype=half)
    elif path == "copy_":
        result = fw.empty(len(values), dtype=half).copy_(fw.tensor(values, dtype=getattr(fw, source)))
    else:
        result = fw.tensor(values, dtype=getattr(fw, source)).to(half)
    return result.view(fw.int16)


SPECS.append(OpSpec("Tensor.to", _into_half, tuple(
    Sample(f"{source}_to_{target}_{path}", (Arg(value=values),), {"source": source, "target": target, "path": path})
    for source, target, values in (("float64", "float16", DOUBLE_ROUNDING["float16"]),
                                   ("float64", "bfloat16", DOUBLE_ROUNDING["bfloat16"]),
                                   ("int64", "bfloat16", LARGE_INTEGERS))
    for path in ("to", "copy_", "tensor")), ("float32",), variant="double_rounding_into_half", grad=False))


# to(memory_format=...): torch returns self when neither dtype nor device changes, whatever the format asks
# (to_will_alias); a converting copy is laid out as the input (preserve_format) or contiguously (contiguous_format).
def _to_memory_format(fw, a, dtype=None, layout="contiguous_format"):
    out = a.to(getattr(fw, dtype), memory_format=getattr(fw, layout)) if dtype else \
        a.to(memory_format=getattr(fw, layout))
    return {"values": out, "stride": out.stride(), "is_input": out is a}


SPECS.append(OpSpec("Tensor.to", _to_memory_format, (
    Sample("transposed_same_dtype", (T(3, 4, layout="transposed"),)),
    Sample("transposed_to_float64", (T(3, 4, layout="transposed"),), {"dtype": "float64"}),
    Sample("transposed_to_float64_preserve", (T(3, 4, layout="transposed"),),
           {"dtype": "float64", "layout": "preserve_format"}),
    Sample("strided_to_int32", (T(3, 4, layout="strided"),), {"dtype": "int32"})), ("float32",),
    variant="memory_format", grad=False,
    errors=(ErrorCase("memory_format_not_a_format", lambda fw, a: a.to(memory_format=1), Sample("2d", (T(2, 3),)),
                      TypeError),)))


# torch.tensor([]) and friends under every default dtype (transformers' tests build empty tensors with the default
# set to bfloat16): each call infers its dtype from the default, which is restored afterwards.
def _under_default_dtype(default):
    def build(fw):
        previous = fw.get_default_dtype()
        fw.set_default_dtype(getattr(fw, default))
        try:
            return [fw.tensor([]), fw.tensor([[]]), fw.tensor([1.5, 2]), fw.tensor(0.25), fw.as_tensor([]),
                    fw.zeros(0), fw.tensor([], dtype=fw.int64), fw.tensor([True])]
        finally:
            fw.set_default_dtype(previous)
    return build


SPECS += [OpSpec("tensor", _under_default_dtype(default), (Sample("empties_and_numbers", ()),), ("float32",),
                 variant=f"default_{default}", grad=False)
          for default in ("float16", "bfloat16", "float32", "float64")]


# Module.to_empty: a module built on the meta device gets real (uninitialised) storage of the same layout.
def _to_empty_facts(fw, recurse=True):
    module = fw.nn.Sequential(fw.nn.Linear(3, 4, device="meta"), fw.nn.LayerNorm(4, device="meta"))
    result = module.to_empty(device="cpu", recurse=recurse)
    return [result is module] + [(name, tuple(value.shape), value.stride(), str(value.dtype), str(value.device),
                                  value.is_meta, type(value).__name__, value.requires_grad)
                                 for name, value in module.state_dict(keep_vars=True).items()]


SPECS += [OpSpec("nn.Module.to_empty", _to_empty_facts, (Sample("meta_to_cpu", ()),), ("float32",), grad=False,
                 errors=(ErrorCase("meta_module_to_cpu",
                                   lambda fw: fw.nn.Linear(3, 4, device="meta").to("cpu"), Sample("linear", ()),
                                   NotImplementedError),))]
