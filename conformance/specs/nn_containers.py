"""Container modules (kind=module): nn.Sequential (positional, named, nested, sliced, empty, one module held
twice, train/eval reaching a child's BatchNorm), nn.ModuleList (iterated, indexed from the end, grown with
append/extend/insert), nn.ModuleDict, nn.ParameterList, nn.ParameterDict and nn.Identity, run as layers whose
operands are the input and every parameter they hold (conformance/module_spec.py): outputs, input and parameter
gradients, gradcheck, buffers and the state_dict round trip (which checks the containers' parameter names)."""
from collections import OrderedDict

from conformance.frameworks import FLOATING
from conformance.inputs import Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import ErrorCase

SAMPLES = (Sample("batch", (T(2, 4),)),
           Sample("3d", (T(2, 3, 4),)),
           Sample("vector", (T(4),)),
           Sample("transposed_input", (T(4, 4, layout="transposed"),)))
BATCH_NORM_SAMPLES = (Sample("batch", (T(5, 4),)),
                      Sample("transposed_input", (T(4, 4, layout="transposed"),)))
X = Sample("batch", (T(2, 4),))


def _mlp(fw):
    return fw.nn.Sequential(fw.nn.Linear(4, 3), fw.nn.Tanh(), fw.nn.Linear(3, 2))


def _named(fw):
    return fw.nn.Sequential(OrderedDict([("encoder", fw.nn.Linear(4, 3)), ("activation", fw.nn.Tanh()),
                                         ("head", fw.nn.Linear(3, 2))]))


def _nested(fw):
    # LayerNorm first, on the drawn input: after a saturated tanh a row is nearly constant, and its bfloat16
    # input gradient (divided by that row's tiny std) measures rounding, not the container
    return fw.nn.Sequential(fw.nn.LayerNorm(4), fw.nn.Sequential(fw.nn.Linear(4, 4), fw.nn.Tanh()),
                            fw.nn.Sequential(fw.nn.Linear(4, 2)))


def _shared(fw):
    """One Linear held twice: one set of parameters, whose gradients add up from both uses."""
    linear = fw.nn.Linear(4, 4)
    return fw.nn.Sequential(linear, fw.nn.Tanh(), linear)


def _with_batch_norm(fw):
    """train()/eval() on the container must reach the child: batch statistics and running-stat updates."""
    return fw.nn.Sequential(fw.nn.Linear(4, 3), fw.nn.BatchNorm1d(3), fw.nn.Tanh())


def _grown_list(fw):
    """A ModuleList built with append, extend and insert: indices renumbered 0..n-1 as torch's."""
    layers = fw.nn.ModuleList()
    layers.append(fw.nn.Linear(4, 4))
    layers.extend([fw.nn.Tanh(), fw.nn.Linear(4, 3)])
    layers.insert(1, fw.nn.Linear(4, 4))
    return layers


def _chain(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def _parameter_list(fw):
    return fw.nn.ParameterList([fw.nn.Parameter(fw.ones(4)), fw.nn.Parameter(fw.zeros(4))])


def _parameter_dict(fw):
    return fw.nn.ParameterDict({"scale": fw.nn.Parameter(fw.ones(4)), "shift": fw.nn.Parameter(fw.zeros(4))})


SEQUENTIAL_ERRORS = (
    ErrorCase("index_past_end", lambda fw, x: fw.nn.Sequential(fw.nn.Tanh())[1], X, IndexError),
    ErrorCase("index_minus_size_minus_1", lambda fw, x: fw.nn.Sequential(fw.nn.Tanh())[-2], X,
              IndexError),
    ErrorCase("of_a_number", lambda fw, x: fw.nn.Sequential(fw.nn.Linear(4, 4), 3), X, TypeError),
)

SPECS = [
    *ModuleSpec("nn.Sequential", _mlp, SAMPLES, FLOATING, errors=SEQUENTIAL_ERRORS),
    *ModuleSpec("nn.Sequential", _named, SAMPLES[:2], FLOATING, variant="named"),
    *ModuleSpec("nn.Sequential", _nested, SAMPLES[:2], FLOATING, variant="nested"),
    *ModuleSpec("nn.Sequential", lambda fw: _mlp(fw)[:2], SAMPLES[:2], FLOATING, variant="sliced"),
    *ModuleSpec("nn.Sequential", lambda fw: fw.nn.Sequential(), SAMPLES[:2], FLOATING, variant="empty"),
    *ModuleSpec("nn.Sequential", _shared, SAMPLES, FLOATING, variant="shared_module"),
    *ModuleSpec("nn.Sequential", _with_batch_norm, BATCH_NORM_SAMPLES, FLOATING, variant="batch_norm_child"),
    *ModuleSpec("nn.ModuleList", lambda fw: fw.nn.ModuleList([fw.nn.Linear(4, 4), fw.nn.Tanh(), fw.nn.Linear(4, 3)]),
                SAMPLES, FLOATING, call=_chain,
                errors=(ErrorCase("called", lambda fw, x: fw.nn.ModuleList([fw.nn.Linear(4, 4)])(x), X,
                                  NotImplementedError),
                        ErrorCase("index_minus_size_minus_1",
                                  lambda fw, x: fw.nn.ModuleList([fw.nn.Tanh(), fw.nn.Tanh()])[-3], X, IndexError))),
    # the first and the last layer reached by negative indices, -size included
    *ModuleSpec("nn.ModuleList", lambda fw: fw.nn.ModuleList([fw.nn.Linear(4, 4), fw.nn.Linear(4, 3)]),
                SAMPLES[:2], FLOATING, variant="negative_indices", call=lambda layers, x: layers[-1](layers[-2](x))),
    *ModuleSpec("nn.ModuleList", _grown_list, SAMPLES[:2], FLOATING, variant="grown", call=_chain),
    *ModuleSpec("nn.ModuleDict", lambda fw: fw.nn.ModuleDict({"query": fw.nn.Linear(4, 3),
                                                              "key": fw.nn.Linear(4, 3)}),
                SAMPLES, FLOATING, call=lambda layers, x: layers["query"](x) * layers["key"](x)),
    # iteration order is insertion order, on both sides
    *ModuleSpec("nn.ModuleDict", lambda fw: fw.nn.ModuleDict({"second": fw.nn.Linear(4, 4),
                                                              "first": fw.nn.Linear(4, 4)}),
                SAMPLES[:2], FLOATING, variant="in_order", call=lambda layers, x: _chain(layers.values(), x)),
    *ModuleSpec("nn.ParameterList", _parameter_list, SAMPLES, FLOATING, call=lambda p, x: x * p[0] + p[-1],
                errors=(ErrorCase("index_past_end", lambda fw, x: _parameter_list(fw)[2], X, IndexError),)),
    *ModuleSpec("nn.ParameterDict", _parameter_dict, SAMPLES, FLOATING,
                call=lambda p, x: x * p["scale"] + p["shift"]),
    *ModuleSpec("nn.Identity", lambda fw: fw.nn.Identity(3, unused=True), SAMPLES, FLOATING),
]
