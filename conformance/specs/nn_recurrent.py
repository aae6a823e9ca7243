"""Recurrent layers (kind=module, train and eval): nn.RNNCell, LSTMCell, GRUCell and nn.RNN, LSTM, GRU. Every
float dtype; hx given and omitted; unbatched inputs; bias=False and relu; batch_first, bidirectional, num_layers=2,
proj_size; dropout between layers (both frameworks seeded alike before the forward). Gradients wrt the input, h0/c0
and every parameter, random cotangents. Also (kind=op) the seeded default initialisation, repr and weight lists, and
bad inputs and constructor arguments with torch's exception classes."""
import sys

from conformance.frameworks import FLOATING
from conformance.inputs import Arg, Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import ErrorCase, OpSpec, XFail

ALL_FLOATING = FLOATING                        # float16, bfloat16, float32, float64
FLOAT_32_64 = ("float32", "float64")
INPUT, HIDDEN = 3, 4                           # input_size and hidden_size of every sequence layer below
# Sequence-layer parameters in (-0.9, 0.9), the scale of torch's own init (U(+-1/sqrt(hidden_size)) = +-0.5). With
# N(0, 1) weights a relu RNN's activations grow over the steps and layers, and the float32 gradients of w_hh/w_ih
# (sums over steps with cancellation) end up at the noise floor of the summation order: measured on such samples,
# torch's own float32 gradients were up to 1.7x the default tolerance away from its float64 ones.
PARAMETERS = "unit"


def _lstm_with_state(module, x, h, c):
    return module(x, (h, c))


def _framework_of(module):
    """torch or mtv2: the package the module's class comes from (the dropout cases seed its generator)."""
    return sys.modules[type(module).__module__.split(".")[0]]


def _seeded(module, *inputs):
    """The forward after manual_seed(7): dropout between layers draws the same mask in both frameworks."""
    _framework_of(module).manual_seed(7)
    return module(*inputs)


# ================================================================ cells

CELL_SAMPLES = (
    Sample("batch", (T(3, 5), T(3, 4))),
    Sample("unbatched", (T(5), T(4))),
    Sample("strided_input", (T(3, 5, layout="strided"), T(3, 4))),
)
CELL_SAMPLES_NO_HX = (Sample("batch", (T(3, 5),)), Sample("unbatched", (T(5),)))
LSTM_CELL_SAMPLES = (
    Sample("batch", (T(3, 5), T(3, 4), T(3, 4))),
    Sample("unbatched", (T(5), T(4), T(4))),
    Sample("transposed_state", (T(4, 5), T(4, 4, layout="transposed"), T(4, 4))),
)


def _cell_errors(cls):
    """torch's cell checks: sizes in aten (RuntimeError), ranks in Python (ValueError)."""
    def call(fw, *inputs):
        return getattr(fw.nn, cls)(5, 4)(*inputs)
    return (
        ErrorCase("wrong_input_size", call, Sample("3x6", (T(3, 6), T(3, 4))), RuntimeError),
        ErrorCase("batch_mismatch", call, Sample("3_vs_2", (T(3, 5), T(2, 4))), RuntimeError),
        ErrorCase("wrong_hidden_size", call, Sample("hidden5", (T(3, 5), T(3, 5))), RuntimeError),
        ErrorCase("input_3d", call, Sample("3d", (T(2, 3, 5),)), ValueError),
        ErrorCase("hidden_3d", call, Sample("3d", (T(3, 5), T(1, 3, 4))), ValueError),
    )


LSTM_CELL_ERRORS = (
    ErrorCase("wrong_input_size", lambda fw, x, h, c: fw.nn.LSTMCell(5, 4)(x, (h, c)),
              Sample("3x6", (T(3, 6), T(3, 4), T(3, 4))), RuntimeError),
    ErrorCase("wrong_cell_size", lambda fw, x, h, c: fw.nn.LSTMCell(5, 4)(x, (h, c)),
              Sample("c5", (T(3, 5), T(3, 4), T(3, 5))), RuntimeError),
    ErrorCase("cell_batch_mismatch", lambda fw, x, h, c: fw.nn.LSTMCell(5, 4)(x, (h, c)),
              Sample("c2", (T(3, 5), T(3, 4), T(2, 4))), RuntimeError),
    ErrorCase("hx_3d", lambda fw, x, h, c: fw.nn.LSTMCell(5, 4)(x, (h, c)),
              Sample("3d", (T(3, 5), T(1, 3, 4), T(3, 4))), ValueError),
    ErrorCase("input_0d", lambda fw, x: fw.nn.LSTMCell(5, 4)(x), Sample("0d", (T(),)), ValueError),
)

CELL_SPECS = [
    *ModuleSpec("nn.RNNCell", lambda fw: fw.nn.RNNCell(5, 4), CELL_SAMPLES, ALL_FLOATING,
                errors=_cell_errors("RNNCell") + (
                    ErrorCase("unknown_nonlinearity", lambda fw, x: fw.nn.RNNCell(5, 4, nonlinearity="gelu")(x),
                              Sample("batch", (T(3, 5),)), RuntimeError),)),
    *ModuleSpec("nn.RNNCell", lambda fw: fw.nn.RNNCell(5, 4), CELL_SAMPLES_NO_HX, ALL_FLOATING, variant="no_hx"),
    *ModuleSpec("nn.RNNCell", lambda fw: fw.nn.RNNCell(5, 4, nonlinearity="relu"), CELL_SAMPLES, ALL_FLOATING,
                variant="relu"),
    *ModuleSpec("nn.RNNCell", lambda fw: fw.nn.RNNCell(5, 4, bias=False), CELL_SAMPLES[:2], FLOAT_32_64,
                variant="no_bias"),
    *ModuleSpec("nn.GRUCell", lambda fw: fw.nn.GRUCell(5, 4), CELL_SAMPLES, ALL_FLOATING,
                errors=_cell_errors("GRUCell")),
    *ModuleSpec("nn.GRUCell", lambda fw: fw.nn.GRUCell(5, 4), CELL_SAMPLES_NO_HX, ALL_FLOATING, variant="no_hx"),
    *ModuleSpec("nn.GRUCell", lambda fw: fw.nn.GRUCell(5, 4, bias=False), CELL_SAMPLES[:2], FLOAT_32_64,
                variant="no_bias"),
    *ModuleSpec("nn.LSTMCell", lambda fw: fw.nn.LSTMCell(5, 4), LSTM_CELL_SAMPLES, ALL_FLOATING,
                call=_lstm_with_state, errors=LSTM_CELL_ERRORS),
    *ModuleSpec("nn.LSTMCell", lambda fw: fw.nn.LSTMCell(5, 4), CELL_SAMPLES_NO_HX, ALL_FLOATING, variant="no_hx"),
    *ModuleSpec("nn.LSTMCell", lambda fw: fw.nn.LSTMCell(5, 4, bias=False), LSTM_CELL_SAMPLES[:2], FLOAT_32_64,
                variant="no_bias", call=_lstm_with_state),
]


# ================================================================ sequence layers

def _layer_spec(name, build, samples, dtypes, **kwargs):
    return ModuleSpec(name, build, samples, dtypes, parameter_domain=PARAMETERS, **kwargs)


def _sequence_samples(states=0, layers_directions=1, batch_first=False, state_size=HIDDEN, cell_size=HIDDEN):
    """(seq 4, batch 2, input 3) inputs, batch-first when asked, unbatched and non-contiguous ones; `states` hidden
    tensors (0: none, 1: h0, 2: h0 and c0 with their own sizes) of layers_directions x batch x size."""
    def state(batch):
        sizes = (state_size, cell_size)[:states]
        return tuple(T(layers_directions, *batch, size) for size in sizes)
    batched = (2, 4, INPUT) if batch_first else (4, 2, INPUT)
    return (
        Sample("batch", (T(*batched),) + state((2,))),
        Sample("unbatched", (T(4, INPUT),) + state(())),
        Sample("strided_input", (T(*batched, layout="strided"),) + state((2,))),
        Sample("batch1", (T(*((1, 4, INPUT) if batch_first else (4, 1, INPUT))),) + state((1,))),
    )


def _sequence_errors(cls):
    """Input and hidden-state checks of RNN/GRU (Python: ValueError for a rank, RuntimeError for sizes)."""
    def call(fw, *inputs):
        return getattr(fw.nn, cls)(INPUT, HIDDEN)(*inputs)
    return (
        ErrorCase("wrong_input_size", call, Sample("input5", (T(4, 2, 5),)), RuntimeError),
        ErrorCase("input_4d", call, Sample("4d", (T(4, 2, INPUT, 1),)), ValueError),
        ErrorCase("input_1d", call, Sample("1d", (T(INPUT),)), ValueError),
        ErrorCase("wrong_h0_batch", call, Sample("h0_batch3", (T(4, 2, INPUT), T(1, 3, HIDDEN))), RuntimeError),
        ErrorCase("wrong_h0_size", call, Sample("h0_hidden5", (T(4, 2, INPUT), T(1, 2, 5))), RuntimeError),
        ErrorCase("wrong_h0_layers", call, Sample("h0_layers2", (T(4, 2, INPUT), T(2, 2, HIDDEN))), RuntimeError),
        ErrorCase("h0_2d_for_batched", call, Sample("h0_2d", (T(4, 2, INPUT), T(2, HIDDEN))), RuntimeError),
        ErrorCase("h0_3d_for_unbatched", call, Sample("h0_3d", (T(4, INPUT), T(1, 1, HIDDEN))), RuntimeError),
        ErrorCase("empty_sequence", call, Sample("seq0", (T(0, 2, INPUT),)), RuntimeError),
        ErrorCase("input_dtype_mismatch", lambda fw, x: getattr(fw.nn, cls)(INPUT, HIDDEN)(x.double()),
                  Sample("float64_input", (T(4, 2, INPUT),)), ValueError),
    )


def _constructor_errors(cls):
    def build(**kwargs):
        return lambda fw: getattr(fw.nn, cls)(**{"input_size": INPUT, "hidden_size": HIDDEN, **kwargs})
    return tuple(ErrorCase(label, build(**kwargs), Sample("constructor", ()), raises) for label, kwargs, raises in (
        ("hidden_size_zero", {"hidden_size": 0}, ValueError),
        ("input_size_zero", {"input_size": 0}, ValueError),
        ("input_size_float", {"input_size": 3.0}, TypeError),
        ("hidden_size_float", {"hidden_size": 4.0}, TypeError),
        ("num_layers_zero", {"num_layers": 0}, ValueError),
        ("batch_first_str", {"batch_first": "True"}, TypeError),
        ("dropout_above_one", {"dropout": 1.5}, ValueError),
        ("dropout_bool", {"dropout": True}, ValueError),
        # proj_size: only LSTM takes it, and smaller than hidden_size
        ("proj_size_not_smaller", {"proj_size": HIDDEN}, ValueError) if cls == "LSTM" else
        ("proj_size_given", {"proj_size": 2}, ValueError),
    ))


LSTM_ERRORS = (
    ErrorCase("wrong_c0_size", lambda fw, x, h, c: fw.nn.LSTM(INPUT, HIDDEN)(x, (h, c)),
              Sample("c0_hidden5", (T(4, 2, INPUT), T(1, 2, HIDDEN), T(1, 2, 5))), RuntimeError),
    ErrorCase("wrong_h0_size", lambda fw, x, h, c: fw.nn.LSTM(INPUT, HIDDEN)(x, (h, c)),
              Sample("h0_batch3", (T(4, 2, INPUT), T(1, 3, HIDDEN), T(1, 2, HIDDEN))), RuntimeError),
    ErrorCase("proj_h0_of_hidden_size", lambda fw, x, h, c: fw.nn.LSTM(INPUT, HIDDEN, proj_size=2)(x, (h, c)),
              Sample("h0_hidden4", (T(4, 2, INPUT), T(1, 2, HIDDEN), T(1, 2, HIDDEN))), RuntimeError),
    ErrorCase("c0_2d_for_batched", lambda fw, x, h, c: fw.nn.LSTM(INPUT, HIDDEN)(x, (h, c)),
              Sample("c0_2d", (T(4, 2, INPUT), T(1, 2, HIDDEN), T(2, HIDDEN))), RuntimeError),
    ErrorCase("h0_3d_for_unbatched", lambda fw, x, h, c: fw.nn.LSTM(INPUT, HIDDEN)(x, (h, c)),
              Sample("h0_3d", (T(4, INPUT), T(1, 1, HIDDEN), T(1, HIDDEN))), RuntimeError),
    ErrorCase("wrong_input_size", lambda fw, x: fw.nn.LSTM(INPUT, HIDDEN)(x), Sample("input5", (T(4, 2, 5),)),
              RuntimeError),
    ErrorCase("input_4d", lambda fw, x: fw.nn.LSTM(INPUT, HIDDEN)(x), Sample("4d", (T(4, 2, INPUT, 1),)), ValueError),
    ErrorCase("input_dtype_mismatch", lambda fw, x: fw.nn.LSTM(INPUT, HIDDEN)(x.double()),
              Sample("float64_input", (T(4, 2, INPUT),)), ValueError),
    ErrorCase("empty_sequence", lambda fw, x: fw.nn.LSTM(INPUT, HIDDEN)(x), Sample("seq0", (T(0, 2, INPUT),)),
              RuntimeError),
)


def _single_state_specs(cls, dtypes=ALL_FLOATING, errors=()):
    """RNN or GRU in each configuration, without and with h0."""
    configurations = (
        # variant, constructor keywords, dtypes, layers x directions, batch_first
        ("", {}, dtypes, 1, False),
        ("no_bias", {"bias": False}, FLOAT_32_64, 1, False),
        ("batch_first", {"batch_first": True}, FLOAT_32_64, 1, True),
        ("bidirectional", {"bidirectional": True}, dtypes, 2, False),
        ("two_layers", {"num_layers": 2}, dtypes, 2, False),
        ("two_layers_bidirectional_batch_first", {"num_layers": 2, "bidirectional": True, "batch_first": True},
         FLOAT_32_64, 4, True),
    )
    specs = []
    for variant, kwargs, config_dtypes, layers_directions, batch_first in configurations:
        def build(fw, kwargs=kwargs):
            return getattr(fw.nn, cls)(INPUT, HIDDEN, **kwargs)
        specs += _layer_spec(f"nn.{cls}", build, _sequence_samples(0, layers_directions, batch_first)[:3],
                             config_dtypes, variant=variant or "default", errors=errors if not variant else ())
        specs += _layer_spec(f"nn.{cls}", build, _sequence_samples(1, layers_directions, batch_first), config_dtypes,
                             variant=f"{variant}_h0" if variant else "h0")
    return specs


def _lstm_specs():
    configurations = (
        ("", {}, ALL_FLOATING, 1, False),
        ("no_bias", {"bias": False}, FLOAT_32_64, 1, False),
        ("batch_first", {"batch_first": True}, FLOAT_32_64, 1, True),
        ("bidirectional", {"bidirectional": True}, ALL_FLOATING, 2, False),
        ("two_layers", {"num_layers": 2}, ALL_FLOATING, 2, False),
        ("proj_size", {"proj_size": 2}, ALL_FLOATING, 1, False),
        ("proj_size_two_layers_bidirectional", {"proj_size": 2, "num_layers": 2, "bidirectional": True},
         FLOAT_32_64, 4, False),
        ("two_layers_bidirectional_batch_first", {"num_layers": 2, "bidirectional": True, "batch_first": True},
         FLOAT_32_64, 4, True),
    )
    specs = []
    for variant, kwargs, dtypes, layers_directions, batch_first in configurations:
        def build(fw, kwargs=kwargs):
            return fw.nn.LSTM(INPUT, HIDDEN, **kwargs)
        state_size = kwargs.get("proj_size", HIDDEN)
        specs += _layer_spec("nn.LSTM", build, _sequence_samples(0, layers_directions, batch_first)[:3], dtypes,
                             variant=variant or "default", errors=LSTM_ERRORS if not variant else ())
        specs += _layer_spec("nn.LSTM", build, _sequence_samples(2, layers_directions, batch_first, state_size),
                             dtypes, variant=f"{variant}_h0_c0" if variant else "h0_c0", call=_lstm_with_state)
    return specs


# dropout between layers: in train mode a mask after every layer but the last, drawn as torch's at::dropout draws
# it; in eval mode none (the two modes differ, as ModuleInfo says)
DROPOUT_SPECS = [
    *_layer_spec("nn.RNN", lambda fw: fw.nn.RNN(INPUT, HIDDEN, num_layers=3, dropout=0.5),
                 _sequence_samples(0, 3)[:2], FLOAT_32_64, variant="dropout", call=_seeded),
    *_layer_spec("nn.GRU", lambda fw: fw.nn.GRU(INPUT, HIDDEN, num_layers=2, dropout=0.3, bidirectional=True),
                 _sequence_samples(0, 4)[:2], FLOAT_32_64, variant="dropout", call=_seeded),
    *_layer_spec("nn.LSTM", lambda fw: fw.nn.LSTM(INPUT, HIDDEN, num_layers=2, dropout=0.5, proj_size=2),
                 _sequence_samples(0, 2)[:2], FLOAT_32_64, variant="dropout", call=_seeded),
]

SEQUENCE_SPECS = [
    *_single_state_specs("RNN", errors=_sequence_errors("RNN") + _constructor_errors("RNN") + (
        ErrorCase("unknown_nonlinearity", lambda fw: fw.nn.RNN(INPUT, HIDDEN, nonlinearity="gelu"),
                  Sample("constructor", ()), ValueError),)),
    *_layer_spec("nn.RNN", lambda fw: fw.nn.RNN(INPUT, HIDDEN, 2, "relu", bidirectional=True),
                 _sequence_samples(1, 4), ALL_FLOATING, variant="relu_positional_h0"),
    *_layer_spec("nn.RNN", lambda fw: fw.nn.RNN(INPUT, HIDDEN, nonlinearity="relu", batch_first=True),
                 _sequence_samples(0, 1, True)[:3], FLOAT_32_64, variant="relu_batch_first"),
    *_single_state_specs("GRU", errors=_sequence_errors("GRU") + _constructor_errors("GRU")),
    *_lstm_specs(),
    *DROPOUT_SPECS,
    # float32 over many steps: the error carried from step to step stays within the default tolerance
    *_layer_spec("nn.LSTM", lambda fw: fw.nn.LSTM(INPUT, 8, num_layers=2), (Sample("seq24", (T(24, 3, INPUT),)),),
                 FLOAT_32_64, variant="long_sequence", modes=("train",), gradgrad=False),
    *_layer_spec("nn.GRU", lambda fw: fw.nn.GRU(INPUT, 8, bidirectional=True), (Sample("seq24", (T(24, 3, INPUT),)),),
                 FLOAT_32_64, variant="long_sequence", modes=("train",), gradgrad=False),
]

# ================================================================ packed sequences (nn.utils.rnn)

def _rnn_utils(fw):
    return fw.nn.utils.rnn


def _packed_call(lengths, batch_first=False, enforce_sorted=False):
    """The module run on pack_padded_sequence(x, lengths) (hx, if given, in the caller's batch order); the packed
    output's data and batch sizes, the output padded back, and the final state."""
    def call(module, x, *state):
        rnn = _rnn_utils(_framework_of(module))
        packed = rnn.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
        hx = (tuple(state) if len(state) == 2 else state[0]) if state else None
        output, hidden = module(packed, hx)
        padded, padded_lengths = rnn.pad_packed_sequence(output, batch_first=batch_first)
        return output.data, output.batch_sizes, padded, padded_lengths, hidden
    return call


PACKED_LENGTHS = [3, 5, 1, 3]                  # unsorted: the modules see the batch sorted, answer in this order
PACKED_SPECS = [
    *_layer_spec("nn.RNN", lambda fw: fw.nn.RNN(INPUT, HIDDEN, num_layers=2, bidirectional=True),
                 (Sample("batch4", (T(5, 4, INPUT),)),), FLOAT_32_64, variant="packed",
                 call=_packed_call(PACKED_LENGTHS)),
    *_layer_spec("nn.RNN", lambda fw: fw.nn.RNN(INPUT, HIDDEN, nonlinearity="relu"),
                 (Sample("batch4", (T(5, 4, INPUT), T(1, 4, HIDDEN))),), FLOAT_32_64, variant="packed_sorted_h0",
                 call=_packed_call([5, 3, 3, 1], enforce_sorted=True)),
    *_layer_spec("nn.GRU", lambda fw: fw.nn.GRU(INPUT, HIDDEN, num_layers=2, bidirectional=True, batch_first=True),
                 (Sample("batch4", (T(4, 5, INPUT), T(4, 4, HIDDEN))),), FLOAT_32_64, variant="packed_batch_first_h0",
                 call=_packed_call(PACKED_LENGTHS, batch_first=True)),
    *_layer_spec("nn.LSTM", lambda fw: fw.nn.LSTM(INPUT, HIDDEN, num_layers=2, bidirectional=True, proj_size=2),
                 (Sample("batch4", (T(5, 4, INPUT), T(4, 4, 2), T(4, 4, HIDDEN))),), FLOAT_32_64,
                 variant="packed_proj_h0_c0", call=_packed_call(PACKED_LENGTHS)),
    *_layer_spec("nn.LSTM", lambda fw: fw.nn.LSTM(INPUT, HIDDEN, num_layers=2, dropout=0.5),
                 (Sample("batch4", (T(5, 4, INPUT),)),), FLOAT_32_64, variant="packed_dropout",
                 call=lambda module, x: _seeded_packed(module, x)),
]


def _seeded_packed(module, x):
    _framework_of(module).manual_seed(7)
    return _packed_call(PACKED_LENGTHS)(module, x)


def _packed_facts(packed):
    return packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices


def _packed_from(fw, data, batch_sizes, sorted_indices=()):
    """A PackedSequence built directly; sorted_indices () for none (the batch came sorted)."""
    return _rnn_utils(fw).PackedSequence(data, fw.tensor(batch_sizes),
                                         fw.tensor(sorted_indices) if sorted_indices else None)


SEQUENCES = (T(3, 2), T(1, 2), T(4, 2))
# torch's unpad_sequence transposes the caller's tensor in place (padded_sequences.transpose_(0, 1)) when not
# batch_first, which autograd refuses for a leaf that requires grad; mtv2 has no in-place transpose and reads a
# transposed view, leaving the argument as it was (the forward, on a tensor without grad, agrees)
UNPAD_IN_PLACE = XFail("torch's unpad_sequence transposes its argument in place (refused for a leaf requiring grad); "
                       "mtv2 transposes a view and leaves the argument unchanged", checks=("backward",),
                       variants=("time_major",))
UTILS_SPECS = [
    OpSpec("nn.utils.rnn.pad_sequence", lambda fw, *sequences, **kw: _rnn_utils(fw).pad_sequence(sequences, **kw),
           (Sample("time_major", SEQUENCES), Sample("batch_first", SEQUENCES, {"batch_first": True}),
            Sample("padding_value", SEQUENCES, {"padding_value": -1.5}),
            Sample("left", SEQUENCES, {"padding_side": "left", "batch_first": True}),
            Sample("vectors", (T(2), T(5), T(3))), Sample("one", (T(2, 3),))),
           ALL_FLOATING + ("int64",),
           errors=(ErrorCase("empty_list", lambda fw: _rnn_utils(fw).pad_sequence([]), Sample("none", ()),
                             RuntimeError),
                   ErrorCase("padding_side", lambda fw, a: _rnn_utils(fw).pad_sequence([a], padding_side="middle"),
                             Sample("one", (T(2),)), RuntimeError),
                   ErrorCase("not_iterable", lambda fw: _rnn_utils(fw).pad_sequence(3), Sample("int", ()),
                             RuntimeError))),
    OpSpec("nn.utils.rnn.pack_padded_sequence",
           lambda fw, x, lengths, **kw: _packed_facts(_rnn_utils(fw).pack_padded_sequence(x, lengths, **kw)),
           (Sample("sorted", (T(5, 3, 2), Arg(value=[5, 3, 2]))),
            Sample("unsorted", (T(5, 3, 2), Arg(value=[2, 5, 3])), {"enforce_sorted": False}),
            Sample("batch_first", (T(3, 5), Arg(value=[1, 5, 4])), {"batch_first": True, "enforce_sorted": False}),
            Sample("equal_lengths", (T(4, 2, 3), Arg(value=[4, 4])))),
           ALL_FLOATING + ("int64",),
           errors=(ErrorCase("unsorted_enforced", lambda fw, x: _rnn_utils(fw).pack_padded_sequence(x, [2, 5, 3]),
                             Sample("x", (T(5, 3, 2),)), RuntimeError),
                   ErrorCase("zero_length", lambda fw, x: _rnn_utils(fw).pack_padded_sequence(x, [5, 3, 0]),
                             Sample("x", (T(5, 3, 2),)), RuntimeError),
                   ErrorCase("lengths_count", lambda fw, x: _rnn_utils(fw).pack_padded_sequence(x, [5, 3]),
                             Sample("x", (T(5, 3, 2),)), RuntimeError),
                   ErrorCase("empty", lambda fw, x: _rnn_utils(fw).pack_padded_sequence(x, [0, 0]),
                             Sample("x", (T(0, 2, 2),)), RuntimeError))),
    OpSpec("nn.utils.rnn.pad_packed_sequence",
           lambda fw, data, sizes, order, **kw: _rnn_utils(fw).pad_packed_sequence(_packed_from(fw, data, sizes, order),
                                                                                   **kw),
           (Sample("sorted", (T(7, 2), Arg(value=[3, 2, 1, 1]), Arg(value=()))),
            Sample("permuted", (T(7, 2), Arg(value=[3, 2, 1, 1]), Arg(value=[2, 0, 1]))),
            Sample("batch_first_total_length", (T(7, 2), Arg(value=[3, 2, 1, 1]), Arg(value=())),
                   {"batch_first": True, "total_length": 6, "padding_value": 9.0}),
            Sample("vector_rows", (T(6), Arg(value=[2, 2, 2]), Arg(value=[1, 0])))),
           ALL_FLOATING + ("int64",),
           errors=(ErrorCase("total_length_short", lambda fw, data: _rnn_utils(fw).pad_packed_sequence(
                       _packed_from(fw, data, [3, 2, 1, 1]), total_length=3), Sample("x", (T(7, 2),)), ValueError),)),
    OpSpec("nn.utils.rnn.pack_sequence",
           lambda fw, *sequences, **kw: _packed_facts(_rnn_utils(fw).pack_sequence(list(sequences), **kw)),
           (Sample("unsorted", SEQUENCES, {"enforce_sorted": False}), Sample("sorted", (T(4, 2), T(3, 2), T(1, 2)))),
           ALL_FLOATING),
    OpSpec("nn.utils.rnn.unpack_sequence",
           lambda fw, *sequences: _rnn_utils(fw).unpack_sequence(
               _rnn_utils(fw).pack_sequence(list(sequences), enforce_sorted=False)),
           (Sample("three", SEQUENCES),), ALL_FLOATING),
    OpSpec("nn.utils.rnn.unpad_sequence",
           lambda fw, x, **kw: _rnn_utils(fw).unpad_sequence(x, fw.tensor([2, 4, 1]), **kw),
           (Sample("batch_first", (T(3, 4, 2),), {"batch_first": True}), Sample("time_major", (T(4, 3, 2),))),
           ALL_FLOATING, xfails=(UNPAD_IN_PLACE,)),
    OpSpec("nn.utils.rnn.invert_permutation",
           lambda fw, order: _rnn_utils(fw).invert_permutation(fw.tensor(order)),
           (Sample("four", (Arg(value=[2, 0, 3, 1]),)),), ("int64",), grad=False),
    OpSpec("nn.RNN", lambda fw, data: fw.nn.RNN(INPUT, HIDDEN)(_packed_from(fw, data, [2, 1])),
           (Sample("packed", (T(3, INPUT),)),), ("float32",), variant="packed_errors", grad=False,
           errors=(ErrorCase("packed_3d_data", lambda fw, data: fw.nn.RNN(INPUT, HIDDEN)(
                       _packed_from(fw, data, [2, 1])), Sample("3d", (T(3, 1, INPUT),)), RuntimeError),)),
]

LSTM_CONSTRUCTOR_SPECS = [
    OpSpec("nn.LSTM", lambda fw, x: fw.nn.LSTM(INPUT, HIDDEN)(x), (Sample("default", (T(4, 2, INPUT),)),),
           ("float32",), variant="constructor_errors", grad=False, errors=_constructor_errors("LSTM")),
]


# ================================================================ initialisation, repr, weight lists

def _seeded_parameters(build):
    """Every parameter of build(fw) after manual_seed(0): torch draws U(+-1/sqrt(hidden_size)) for each, in
    registration order, so the two frameworks' weights are equal to the bit."""
    def run(fw, unused):
        fw.manual_seed(0)
        return {name: parameter.detach() for name, parameter in build(fw).named_parameters()}
    return run


def _layout_facts(build):
    def run(fw, unused):
        module = build(fw)
        return (repr(module), [name for name, _ in module.named_parameters()], list(module._flat_weights_names),
                [[tuple(weight.shape) for weight in weights] for weights in module.all_weights],
                [tuple(weight.shape) for weight in module._flat_weights], module.flatten_parameters())
    return run


CLASS_OF = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM", "rnncell": "RNNCell", "grucell": "GRUCell",
            "lstmcell": "LSTMCell"}
LAYOUT_BUILDS = (
    ("rnn_relu_bidirectional", lambda fw: fw.nn.RNN(INPUT, HIDDEN, 2, "relu", bidirectional=True, bias=False)),
    ("gru_batch_first_dropout", lambda fw: fw.nn.GRU(INPUT, HIDDEN, num_layers=2, batch_first=True, dropout=0.25)),
    ("lstm_proj_bidirectional", lambda fw: fw.nn.LSTM(INPUT, HIDDEN, 2, proj_size=2, bidirectional=True)),
    ("lstm_default", lambda fw: fw.nn.LSTM(INPUT, HIDDEN)),
)
CELL_BUILDS = (
    ("rnncell_relu", lambda fw: fw.nn.RNNCell(5, 4, nonlinearity="relu")),
    ("grucell_no_bias", lambda fw: fw.nn.GRUCell(5, 4, bias=False)),
    ("lstmcell_default", lambda fw: fw.nn.LSTMCell(5, 4)),
)

INIT_SPECS = [
    *(OpSpec(f"nn.{CLASS_OF[name.split('_')[0]]}.reset_parameters", _seeded_parameters(build),
             (Sample("seeded", (T(1),)),), ("float32",), variant=name, grad=False)
      for name, build in LAYOUT_BUILDS + CELL_BUILDS),
    *(OpSpec(f"nn.{CLASS_OF[name.split('_')[0]]}.all_weights", _layout_facts(build), (Sample("layout", (T(1),)),),
             ("float32",), variant=name, grad=False) for name, build in LAYOUT_BUILDS),
    OpSpec("nn.RNNCellBase.__repr__", lambda fw, unused: [repr(build(fw)) for _, build in CELL_BUILDS],
           (Sample("repr", (T(1),)),), ("float32",), grad=False),
]

SPECS = CELL_SPECS + SEQUENCE_SPECS + PACKED_SPECS + UTILS_SPECS + LSTM_CONSTRUCTOR_SPECS + INIT_SPECS
