"""Module cases (kind=module): an nn layer run as an op whose operands are its inputs AND its parameters.

    ModuleSpec("nn.Linear", lambda fw: fw.nn.Linear(4, 3), (Sample("batch", (T(2, 4),)),), ("float32", "float64"))

expands to one OpSpec per mode (train, eval). Its function builds the module in the framework, puts the drawn
parameter tensors into the module's parameter slots (as torch.func.functional_call does), runs forward, and
returns the output together with the module's buffers after the call (BatchNorm's running statistics). So
every generic check applies unchanged: forward compares outputs and buffers, backward compares the input
gradients and every parameter gradient, gradcheck/gradgrad differentiate through inputs and parameters, and
the extra `state_dict` check proves a torch state dict loads into the mtv2 module and comes back unchanged.

Parameter values are drawn from the case id like any input (the same numbers in both frameworks); parameter
shapes are read once from the reference module. Default initialisation is checked by the nn.init cases.
"""
import functools

from conformance.frameworks import FLOATING
from conformance.inputs import T, Sample
from conformance.spec import HALF_PRECISION_BACKWARD, OpSpec


@functools.cache
def _parameter_shapes(build, dtype_name):
    """(name, shape) of the reference module's parameters, in named_parameters order."""
    from conformance.frameworks import reference
    torch = reference()
    module = build(torch)
    return tuple((name, tuple(parameter.shape)) for name, parameter in module.named_parameters())


def _install_parameters(module, names, values):
    for name, value in zip(names, values):
        owner_path, _, key = name.rpartition(".")
        module.get_submodule(owner_path)._parameters[key] = value


def _module_fn(build, mode, input_count, parameter_names, call, dtype_of):
    def run(fw, *tensors, **kwargs):
        module = build(fw)
        if dtype_of is not None:
            module.to(dtype_of(fw, tensors))
        module.train(mode == "train")
        _install_parameters(module, parameter_names, tensors[input_count:])
        inputs = tensors[:input_count]
        output = call(module, *inputs, **kwargs) if call else module(*inputs, **kwargs)
        buffers = {name: buffer for name, buffer in module.named_buffers()}
        return (output, buffers) if buffers else output
    return run


def _floating_dtype(fw, tensors):
    """The case dtype, read off the first floating tensor (parameters follow the inputs' dtype)."""
    for tensor in tensors:
        if getattr(getattr(tensor, "dtype", None), "is_floating_point", False):   # Python values have no dtype
            return tensor.dtype
    return None


def ModuleSpec(name, build, samples, dtypes, *, variant="", modes=("train", "eval"), call=None,
               parameter_domain="real", domain="real", gradcheck=True, gradgrad=True, grad=True,
               tolerances=(HALF_PRECISION_BACKWARD,), xfails=(), errors=(), roundtrip=True):
    """OpSpecs (kind=module) for the layer `build(fw)`, one per mode; see the module docstring.

    samples: Sample(name, (input Args...), forward kwargs). call(module, *inputs, **kwargs) overrides module(...).
    """
    specs = []
    shapes = _parameter_shapes(build, "float32")
    parameter_names = tuple(n for n, _ in shapes)
    for mode in modes:
        mode_variant = f"{variant}-{mode}" if variant else mode
        expanded = []
        for sample in samples:
            parameters = tuple(T(*shape, domain=parameter_domain) for _, shape in shapes)
            expanded.append(Sample(sample.name, sample.args + parameters, sample.kwargs, sample.only_dtypes))
        input_count = len(samples[0].args) if samples else 0
        if any(len(s.args) != input_count for s in samples):
            raise ValueError(f"{name}: every sample of a ModuleSpec takes the same number of inputs")
        fn = _module_fn(build, mode, input_count, parameter_names, call, _floating_dtype)
        specs.append(OpSpec(name, fn, tuple(expanded), dtypes, variant=mode_variant, domain=domain, grad=grad,
                            gradcheck=gradcheck, gradgrad=gradgrad, tolerances=tolerances, xfails=xfails,
                            errors=errors if mode == modes[0] else (), kind="module",
                            roundtrip=build if roundtrip and mode == modes[0] else None))
    return specs


def floating_only(dtypes):
    return tuple(d for d in dtypes if d in FLOATING)
