"""The losses of torch.nn.functional (kind=op) and their nn modules (kind=module): cross_entropy, nll_loss,
mse_loss, l1_loss, smooth_l1_loss, binary_cross_entropy(_with_logits), kl_div.

Class-index targets are fixed Python values in the samples (`Arg(value=...)`), made into int64 tensors by the
case function on both frameworks, so every target is in range (or is ignore_index) by construction. Class
weights and BCE weights are drawn positive and take no gradient: torch refuses requires_grad on them
("not differentiable with respect to argument 'weight'").

Samples whose loss is NaN by torch's definition (every target ignored, an empty batch with reduction='mean')
are in specs without gradcheck: finite differences of NaN are NaN while the gradient (torch's too) is 0.
"""
from conformance.inputs import Arg, Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import HALF_PRECISION_BACKWARD, ErrorCase, OpSpec

A = Arg
FLOATS = ("float32", "float64", "float16", "bfloat16")
WITH_INT = FLOATS + ("int64",)   # integer inputs: torch refuses them; mtv2 must refuse them the same way


def W(*shape):
    """A class weight (or BCE weight): positive, no gradient (torch refuses one)."""
    return T(*shape, domain="positive", requires_grad=False)


def labels(fw, values, dtype="int64"):
    return values if not isinstance(values, (tuple, list, int)) else fw.tensor(values, dtype=getattr(fw, dtype))


def cross_entropy(fw, x, target, *weight, target_dtype="int64", **kwargs):
    return fw.nn.functional.cross_entropy(x, labels(fw, target, target_dtype), *weight[:1], **kwargs)


def nll_loss(fw, x, target, *weight, target_dtype="int64", **kwargs):
    return fw.nn.functional.nll_loss(x, labels(fw, target, target_dtype), *weight[:1], **kwargs)


# Half-precision forwards match torch exactly (no widened tolerance): nll_loss reproduces torch's half-type
# cascade sum, the pointwise kernels torch's half arithmetic (ops/nn_losses.py). Backward rows of half dtypes keep
# the default HALF_PRECISION_BACKWARD tolerance.

TARGETS = (0, 3, 1, 4)
ND_TARGETS = ((0, 1, 2, 1), (2, 2, 0, 1))
INDEX_SAMPLES = (
    Sample("batch", (T(4, 5), A(value=TARGETS))),
    Sample("batch_sum", (T(4, 5), A(value=TARGETS)), {"reduction": "sum"}),
    Sample("batch_none", (T(4, 5), A(value=TARGETS)), {"reduction": "none"}),
    Sample("ignore_index", (T(4, 5), A(value=(0, -100, 2, -100)))),
    Sample("ignore_index_none", (T(4, 5), A(value=(0, -100, 2, -100))), {"reduction": "none"}),
    Sample("custom_ignore_index", (T(4, 5), A(value=(0, 2, 2, 1))), {"ignore_index": 2}),
    Sample("weight", (T(4, 5), A(value=TARGETS), W(5))),
    Sample("weight_sum", (T(4, 5), A(value=TARGETS), W(5)), {"reduction": "sum"}),
    Sample("weight_none", (T(4, 5), A(value=TARGETS), W(5)), {"reduction": "none"}),
    Sample("weight_ignore_index", (T(4, 5), A(value=(0, 4, -100, 4)), W(5))),
    Sample("repeated_class", (T(5, 3), A(value=(1, 1, 1, 0, 1)))),
    # more than 16 targets: torch's cascade of partial sums flushes every 16 (exact in half precision)
    Sample("batch_40_ignore_index", (T(40, 3), A(value=tuple((i * 7) % 3 if i % 5 else -100 for i in range(40))))),
    Sample("batch_40_weight_sum", (T(40, 3), A(value=tuple((i * 5) % 3 for i in range(40))), W(3)),
           {"reduction": "sum"}),
    Sample("3d_many_positions", (T(2, 3, 20), A(value=tuple(tuple((i + j) % 3 for i in range(20)) for j in range(2))),
                                 W(3))),
    Sample("3d", (T(2, 3, 4), A(value=ND_TARGETS))),
    Sample("3d_weight_ignore_none", (T(2, 3, 4), A(value=((0, -100, 2, 1), (2, 2, 0, -100))), W(3)),
           {"reduction": "none"}),
    Sample("4d", (T(2, 3, 2, 2), A(value=(((0, 1), (2, 1)), ((2, 2), (0, -100)))))),
    Sample("4d_weight_sum", (T(2, 3, 2, 2), A(value=(((0, 1), (2, 1)), ((2, 2), (0, 1)))), W(3)),
           {"reduction": "sum"}),
    Sample("5d", (T(2, 3, 1, 2, 2), A(value=((((0, 1), (2, 1)),), (((2, 2), (0, 1)),))))),
    Sample("1d_input", (T(5), A(value=3))),
    Sample("1d_input_none", (T(5), A(value=2)), {"reduction": "none"}),
    Sample("transposed", (T(4, 5, layout="transposed"), A(value=TARGETS))),
    Sample("strided", (T(4, 5, layout="strided"), A(value=TARGETS))),
    Sample("expanded", (T(4, 5, layout="expanded"), A(value=TARGETS))),
    Sample("storage_offset", (T(4, 5, layout="offset"), A(value=TARGETS))),
    Sample("uint8_target", (T(4, 5), A(value=TARGETS)), {"target_dtype": "uint8"}),
    Sample("legacy_size_average_false", (T(4, 5), A(value=TARGETS)), {"size_average": False}),   # sum, warns
    Sample("legacy_reduce_false", (T(4, 5), A(value=TARGETS)), {"reduce": False}),               # none, warns
    Sample("elementwise_mean", (T(4, 5), A(value=TARGETS)), {"reduction": "elementwise_mean"}),  # deprecated
    Sample("empty_batch_sum", (T(0, 3), A(value=())), {"reduction": "sum"}),
    Sample("empty_batch_none", (T(0, 3), A(value=())), {"reduction": "none"}),
)
# Samples whose mean is 0/0 = NaN in torch: forward and backward only
NAN_INDEX_SAMPLES = (
    Sample("all_ignored", (T(3, 5), A(value=(-100, -100, -100)))),
    Sample("all_ignored_weight", (T(3, 5), A(value=(-100, -100, -100)), W(5))),
    Sample("empty_batch_mean", (T(0, 3), A(value=()))),
)
SMOOTHING_SAMPLES = (
    Sample("smoothing", (T(4, 5), A(value=TARGETS)), {"label_smoothing": 0.1}),
    Sample("smoothing_sum", (T(4, 5), A(value=TARGETS)), {"label_smoothing": 0.25, "reduction": "sum"}),
    Sample("smoothing_none", (T(4, 5), A(value=TARGETS)), {"label_smoothing": 0.3, "reduction": "none"}),
    Sample("smoothing_one", (T(4, 5), A(value=TARGETS)), {"label_smoothing": 1.0}),
    Sample("smoothing_ignore_index", (T(4, 5), A(value=(0, -100, 2, 1))), {"label_smoothing": 0.2}),
    Sample("smoothing_ignore_index_none", (T(4, 5), A(value=(0, -100, 2, 1))),
           {"label_smoothing": 0.2, "reduction": "none"}),
    Sample("smoothing_weight", (T(4, 5), A(value=TARGETS), W(5)), {"label_smoothing": 0.1}),
    Sample("smoothing_weight_ignore_index", (T(4, 5), A(value=(0, -100, 2, 4)), W(5)), {"label_smoothing": 0.2}),
    Sample("smoothing_weight_ignore_sum", (T(4, 5), A(value=(0, -100, 2, 4)), W(5)),
           {"label_smoothing": 0.2, "reduction": "sum"}),
    Sample("smoothing_weight_none", (T(4, 5), A(value=(0, -100, 2, 4)), W(5)),
           {"label_smoothing": 0.2, "reduction": "none"}),
    Sample("smoothing_3d_weight", (T(2, 3, 4), A(value=((0, -100, 2, 1), (2, 2, 0, 1))), W(3)),
           {"label_smoothing": 0.15}),
    Sample("smoothing_1d_input", (T(5), A(value=3)), {"label_smoothing": 0.1}),
    Sample("negative_smoothing_is_plain", (T(4, 5), A(value=TARGETS)), {"label_smoothing": -0.5}),
)
PROBABILITY_SAMPLES = (
    Sample("probabilities", (T(4, 5), T(4, 5, domain="positive"))),
    Sample("probabilities_sum", (T(4, 5), T(4, 5, domain="positive")), {"reduction": "sum"}),
    Sample("probabilities_none", (T(4, 5), T(4, 5, domain="positive")), {"reduction": "none"}),
    Sample("probabilities_weight", (T(4, 5), T(4, 5, domain="positive"), W(5))),
    Sample("probabilities_weight_takes_gradient", (T(4, 5), T(4, 5, domain="positive"), T(5, domain="positive"))),
    Sample("probabilities_weight_none", (T(4, 5), T(4, 5, domain="positive"), W(5)), {"reduction": "none"}),
    Sample("probabilities_smoothing", (T(4, 5), T(4, 5, domain="positive")), {"label_smoothing": 0.2}),
    Sample("probabilities_weight_smoothing", (T(4, 5), T(4, 5, domain="positive"), W(5)),
           {"label_smoothing": 0.2, "reduction": "sum"}),
    Sample("probabilities_float64_target", (T(4, 5), T(4, 5, dtype="float64", domain="positive"))),
    Sample("probabilities_3d", (T(2, 3, 4), T(2, 3, 4, domain="positive"))),
    Sample("probabilities_1d", (T(5), T(5, domain="positive"))),
    Sample("probabilities_transposed", (T(4, 5, layout="transposed"), T(4, 5, layout="strided", domain="positive"))),
)

THREE_BY_FIVE = Sample("3x5", (T(3, 5),))


def _ce_error(target, **kwargs):
    return lambda fw, x: fw.nn.functional.cross_entropy(x, labels(fw, target), **kwargs)


def _nll_error(target, **kwargs):
    return lambda fw, x: fw.nn.functional.nll_loss(x, labels(fw, target), **kwargs)


INDEX_ERRORS = (
    ErrorCase("target_out_of_range", _ce_error((0, 5, 1)), THREE_BY_FIVE, IndexError),
    ErrorCase("negative_target", _ce_error((0, -2, 1)), THREE_BY_FIVE, IndexError),
    ErrorCase("float_target", lambda fw, x: fw.nn.functional.cross_entropy(x, fw.tensor([0.0, 1.0, 1.0])),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("int32_target", lambda fw, x: fw.nn.functional.cross_entropy(x, fw.tensor([0, 1, 1], dtype=fw.int32)),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("batch_mismatch", _ce_error((0, 1)), THREE_BY_FIVE, ValueError),
    ErrorCase("2d_target_for_2d_input", _ce_error(((0, 1, 1),)), THREE_BY_FIVE, ValueError),
    ErrorCase("invalid_reduction", _ce_error((0, 1, 1), reduction="average"), THREE_BY_FIVE, ValueError),
    ErrorCase("weight_wrong_size", lambda fw, x: fw.nn.functional.cross_entropy(x, labels(fw, (0, 1, 1)),
                                                                              weight=fw.ones(4)),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("smoothing_above_one", _ce_error((0, 1, 1), label_smoothing=1.5), THREE_BY_FIVE, RuntimeError),
    ErrorCase("probabilities_with_ignore_index", lambda fw, x: fw.nn.functional.cross_entropy(
        x, fw.ones(3, 5), ignore_index=1), THREE_BY_FIVE, RuntimeError),
    ErrorCase("probabilities_smoothing_above_one", lambda fw, x: fw.nn.functional.cross_entropy(
        x, fw.ones(3, 5), label_smoothing=2.0), THREE_BY_FIVE, RuntimeError),
    ErrorCase("probabilities_weight_wrong_size", lambda fw, x: fw.nn.functional.cross_entropy(
        x, fw.ones(3, 5), weight=fw.ones(4)), THREE_BY_FIVE, RuntimeError),
    ErrorCase("integer_probabilities", lambda fw, x: fw.nn.functional.cross_entropy(
        x, fw.ones(3, 5, dtype=fw.int64)), THREE_BY_FIVE, RuntimeError),
    ErrorCase("3d_target_shape", _ce_error(((0, 1, 2), (0, 1, 2))), Sample("2x3x4", (T(2, 3, 4),)), RuntimeError),
    ErrorCase("4d_target_shape", _ce_error((((0, 1), (2, 1)),) * 2), Sample("2x3x3x2", (T(2, 3, 3, 2),)),
              RuntimeError),
    ErrorCase("1d_input_long_target", _ce_error((1, 2, 3)), Sample("5", (T(5),)), ValueError),
    ErrorCase("0d_input", _ce_error(0), Sample("0d", (T(),)), RuntimeError),
    ErrorCase("weight_requires_grad", lambda fw, x, w: fw.nn.functional.cross_entropy(x, labels(fw, (0, 1, 1)), w),
              Sample("3x5_weight", (T(3, 5), T(5, requires_grad=True))), RuntimeError),
)
NLL_ERRORS = (
    ErrorCase("target_out_of_range", _nll_error((0, 5, 1)), THREE_BY_FIVE, IndexError),
    ErrorCase("float_target", lambda fw, x: fw.nn.functional.nll_loss(x, fw.tensor([0.0, 1.0, 1.0])),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("batch_mismatch", _nll_error((0, 1)), THREE_BY_FIVE, ValueError),
    ErrorCase("invalid_reduction", _nll_error((0, 1, 1), reduction="bad"), THREE_BY_FIVE, ValueError),
    ErrorCase("weight_wrong_size", lambda fw, x: fw.nn.functional.nll_loss(x, labels(fw, (0, 1, 1)),
                                                                         weight=fw.ones(5, 1)),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("0d_input", _nll_error(0), Sample("0d", (T(),)), ValueError),
    ErrorCase("weight_dtype_differs", lambda fw, x: fw.nn.functional.nll_loss(x, labels(fw, (0, 1, 1)),
                                                                            fw.ones(5, dtype=fw.float64)),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("multi_target", _nll_error(((0, 1, 2),) * 3), THREE_BY_FIVE, RuntimeError),
)


def _index_loss_specs(name, fn, samples, errors):
    return [
        OpSpec(name, fn, samples, WITH_INT, errors=errors),
        OpSpec(name, fn, NAN_INDEX_SAMPLES, FLOATS, variant="nan_mean", gradcheck=False, gradgrad=False),
    ]


# ---------------------------------------------------------------- pointwise losses

def _pair_samples(target_domain="real"):
    def t(*shape, **options):
        return T(*shape, domain=target_domain, **options)
    return (
        Sample("same_shape", (T(3, 4), t(3, 4))),
        Sample("same_shape_sum", (T(3, 4), t(3, 4)), {"reduction": "sum"}),
        Sample("same_shape_none", (T(3, 4), t(3, 4)), {"reduction": "none"}),
        Sample("0d", (T(), t())),
        Sample("3d", (T(2, 3, 4), t(2, 3, 4))),
        Sample("transposed", (T(3, 4, layout="transposed"), t(3, 4, layout="strided"))),
        Sample("expanded", (T(3, 4, layout="expanded"), t(3, 4, layout="offset"))),
        Sample("empty_sum", (T(0, 4), t(0, 4)), {"reduction": "sum"}),
    )


BROADCAST_SAMPLES = (   # torch warns and broadcasts a target of another shape
    Sample("legacy_reduce_false", (T(3, 4), T(3, 4)), {"reduce": False}),
    Sample("float64_target", (T(3, 4), T(3, 4, dtype="float64"))),    # promoted, as torch's iterator does
    Sample("broadcast_target", (T(3, 4), T(4))),
    Sample("broadcast_input", (T(1, 4), T(3, 4)), {"reduction": "sum"}),
    Sample("broadcast_both_none", (T(3, 1), T(1, 4)), {"reduction": "none"}),
)
EMPTY_MEAN = (Sample("empty_mean", (T(0, 4), T(0, 4))),)


def _regression_errors(function):
    call = lambda **kwargs: (lambda fw, x, y: getattr(fw.nn.functional, function)(x, y, **kwargs))  # noqa: E731
    return (
        ErrorCase("not_broadcastable", call(), Sample("3x4_and_3x5", (T(3, 4), T(3, 5))), RuntimeError),
        ErrorCase("invalid_reduction", call(reduction="average"), Sample("3x4", (T(3, 4), T(3, 4))), ValueError),
    )


def _functional(function, **fixed):
    def run(fw, x, y, *weight, **kwargs):
        if weight:   # a keyword in torch (the third positional parameter is the legacy size_average)
            kwargs["weight"] = weight[0]
        return getattr(fw.nn.functional, function)(x, y, **fixed, **kwargs)
    return run


def bce(fw, x, y, *weight, **kwargs):
    # probabilities in (0, 1) for both: sigmoid of the drawn values (the gradient flows through it)
    return fw.nn.functional.binary_cross_entropy(fw.sigmoid(x), fw.sigmoid(y), *weight[:1], **kwargs)


def bce_logits(fw, x, y, *weights, scale=1.0, **kwargs):
    weight = weights[0] if weights else None
    return fw.nn.functional.binary_cross_entropy_with_logits(x * scale, fw.sigmoid(y), weight, **kwargs)


def bce_logits_pos(fw, x, y, pos_weight, *weight, **kwargs):
    return fw.nn.functional.binary_cross_entropy_with_logits(x, fw.sigmoid(y), *weight[:1], pos_weight=pos_weight,
                                                             **kwargs)


def kl_div(fw, x, y, **kwargs):
    return fw.nn.functional.kl_div(x, y, **kwargs)


KL_SAMPLES = (
    Sample("mean", (T(3, 4), T(3, 4, domain="positive"))),
    Sample("batchmean", (T(3, 4), T(3, 4, domain="positive")), {"reduction": "batchmean"}),
    Sample("sum", (T(3, 4), T(3, 4, domain="positive")), {"reduction": "sum"}),
    Sample("none", (T(3, 4), T(3, 4, domain="positive")), {"reduction": "none"}),
    Sample("log_target", (T(3, 4), T(3, 4)), {"log_target": True, "reduction": "batchmean"}),
    Sample("log_target_none", (T(3, 4), T(3, 4)), {"log_target": True, "reduction": "none"}),
    Sample("0d_batchmean", (T(), T(domain="positive")), {"reduction": "batchmean"}),
    Sample("broadcast_target", (T(3, 4), T(4, domain="positive")), {"reduction": "sum"}),
    Sample("transposed", (T(3, 4, layout="transposed"), T(3, 4, layout="strided", domain="positive"))),
    Sample("zero_target", (T(3, 4), T(3, 4, domain="zero", requires_grad=False)), {"reduction": "sum"}),
    Sample("legacy_size_average_false", (T(3, 4), T(3, 4, domain="positive")), {"size_average": False}),
)

# ---------------------------------------------------------------- margin, embedding and likelihood losses
# Targets of +-1 (hinge, cosine embedding) are fixed values made into tensors of the input's dtype; where torch's
# loss takes any real target (soft margin, margin ranking, multilabel soft margin, Poisson/Gaussian NLL) the target
# is drawn and takes part in the gradient checks.

def _signs(x, values):
    return x.new_tensor(values)


def _call(function, **fixed):
    """fw.nn.functional.<function>(*inputs, **kwargs) with Python-value targets (+-1 tuples) made tensors."""
    def run(fw, *inputs, **kwargs):
        first = inputs[0]
        inputs = [_signs(first, value) if isinstance(value, (tuple, list, float)) else value for value in inputs]
        return getattr(fw.nn.functional, function)(*inputs, **fixed, **kwargs)
    return run


def _error(function, **kwargs):
    return lambda fw, *inputs: _call(function)(fw, *inputs, **kwargs)


PAIR = Sample("3x4", (T(3, 4), T(3, 4)))
HUBER_SAMPLES = _pair_samples() + (
    Sample("broadcast_target", (T(3, 4), T(4))),
    Sample("broadcast_both_none", (T(3, 1), T(1, 4)), {"reduction": "none"}),
    Sample("delta_half", (T(3, 4), T(3, 4)), {"delta": 0.5}),
    Sample("delta_point_three_none", (T(3, 4), T(3, 4)), {"delta": 0.3, "reduction": "none"}),
    Sample("delta_two_sum", (T(3, 4), T(3, 4)), {"delta": 2.0, "reduction": "sum"}),
)
def Y(*shape, **options):
    """soft_margin_loss's target: torch refuses requires_grad on it."""
    return T(*shape, requires_grad=False, **options)


SOFT_MARGIN_SAMPLES = (
    Sample("mean", (T(3, 4), Y(3, 4))),
    Sample("sum", (T(3, 4), Y(3, 4)), {"reduction": "sum"}),
    Sample("none", (T(3, 4), Y(3, 4)), {"reduction": "none"}),
    Sample("signs", (T(4), A(value=(1.0, -1.0, -1.0, 1.0))), {"reduction": "none"}),
    Sample("0d", (T(), Y())),
    Sample("3d", (T(2, 3, 4), Y(2, 3, 4))),
    Sample("broadcast_target", (T(3, 4), Y(4))),    # the target may broadcast to the input's shape, not beyond
    Sample("transposed", (T(3, 4, layout="transposed"), Y(3, 4, layout="strided"))),
    Sample("legacy_reduce_false", (T(3, 4), Y(3, 4)), {"reduce": False}),
    Sample("empty_sum", (T(0, 4), Y(0, 4)), {"reduction": "sum"}),
)
RANKING_SAMPLES = (
    Sample("mean", (T(5), T(5), T(5))),
    Sample("sum", (T(5), T(5), T(5)), {"reduction": "sum"}),
    Sample("none_margin", (T(5), T(5), T(5)), {"reduction": "none", "margin": 0.5}),
    Sample("signs", (T(4), T(4), A(value=(1.0, -1.0, -1.0, 1.0))), {"margin": 0.3}),
    Sample("2d", (T(3, 4), T(3, 4), T(3, 4))),
    Sample("broadcast", (T(3, 4), T(1, 4), T(3, 1)), {"reduction": "none"}),
    Sample("0d", (T(), T(), T())),
    Sample("legacy_size_average_false", (T(5), T(5), T(5)), {"size_average": False}),
)
HINGE_TARGETS = ((1.0, -1.0, -1.0, 1.0), (-1.0, -1.0, 1.0, 1.0), (1.0, 1.0, -1.0, -1.0))
HINGE_SAMPLES = (
    Sample("mean", (T(3, 4), A(value=HINGE_TARGETS))),
    Sample("sum", (T(3, 4), A(value=HINGE_TARGETS)), {"reduction": "sum"}),
    Sample("none_margin", (T(3, 4), A(value=HINGE_TARGETS)), {"reduction": "none", "margin": 0.5}),
    Sample("margin_two", (T(3, 4), A(value=HINGE_TARGETS)), {"margin": 2.0}),
    Sample("other_targets", (T(4), A(value=(0.0, 2.0, -1.0, 1.0))), {"reduction": "none"}),  # both terms
    Sample("broadcast_target", (T(3, 4), A(value=(1.0, -1.0, -1.0, 1.0))), {"reduction": "none"}),
    Sample("transposed", (T(3, 4, layout="transposed"), A(value=HINGE_TARGETS))),
    Sample("legacy_reduce_false", (T(3, 4), A(value=HINGE_TARGETS)), {"reduce": False}),
)
COSINE_TARGETS = (1.0, -1.0, -1.0, 1.0)
COSINE_SAMPLES = (
    Sample("mean", (T(4, 5), T(4, 5), A(value=COSINE_TARGETS))),
    Sample("sum_margin", (T(4, 5), T(4, 5), A(value=COSINE_TARGETS)), {"reduction": "sum", "margin": 0.2}),
    Sample("none", (T(4, 5), T(4, 5), A(value=COSINE_TARGETS)), {"reduction": "none"}),
    Sample("negative_margin", (T(4, 5), T(4, 5), A(value=COSINE_TARGETS)), {"margin": -0.5}),
    Sample("one_pair", (T(5), T(5), A(value=1.0))),
    Sample("one_pair_negative", (T(5), T(5), A(value=-1.0)), {"margin": -0.9}),
    Sample("broadcast_input2", (T(4, 5), T(1, 5), A(value=COSINE_TARGETS)), {"reduction": "none"}),
    Sample("transposed", (T(4, 5, layout="transposed"), T(4, 5, layout="strided"), A(value=COSINE_TARGETS))),
    Sample("legacy_size_average_false", (T(4, 5), T(4, 5), A(value=COSINE_TARGETS)), {"size_average": False}),
)


def multilabel_soft_margin(fw, x, y, *weight, **kwargs):
    return fw.nn.functional.multilabel_soft_margin_loss(x, fw.sigmoid(y), *weight[:1], **kwargs)


MULTILABEL_SOFT_SAMPLES = (
    Sample("mean", (T(3, 5), T(3, 5))),
    Sample("sum", (T(3, 5), T(3, 5)), {"reduction": "sum"}),
    Sample("none", (T(3, 5), T(3, 5)), {"reduction": "none"}),
    Sample("weight", (T(3, 5), T(3, 5), T(5, domain="positive"))),
    Sample("weight_none", (T(3, 5), T(3, 5), W(5)), {"reduction": "none"}),
    Sample("1d", (T(5), T(5))),
    Sample("3d_classes_last", (T(2, 3, 4), T(2, 3, 4)), {"reduction": "none"}),
    Sample("legacy_reduce_false", (T(3, 5), T(3, 5)), {"reduce": False}),
)


def multi_margin(fw, x, target, *weight, **kwargs):
    return fw.nn.functional.multi_margin_loss(x, labels(fw, target), weight=weight[0] if weight else None, **kwargs)


MULTI_MARGIN_SAMPLES = (
    Sample("mean", (T(4, 5), A(value=TARGETS))),
    Sample("sum", (T(4, 5), A(value=TARGETS)), {"reduction": "sum"}),
    Sample("none", (T(4, 5), A(value=TARGETS)), {"reduction": "none"}),
    Sample("p2_margin", (T(4, 5), A(value=TARGETS)), {"p": 2, "margin": 0.5}),
    Sample("weight", (T(4, 5), A(value=TARGETS), W(5))),
    Sample("weight_p2_none", (T(4, 5), A(value=TARGETS), W(5)), {"p": 2, "reduction": "none"}),
    Sample("large_margin", (T(4, 5), A(value=TARGETS)), {"margin": 3.0}),
    Sample("1d_input", (T(5), A(value=(2,))), {"reduction": "none"}),
    Sample("1d_input_0d_target", (T(5), A(value=2)), {"reduction": "none"}),
    Sample("0d_input", (T(), A(value=(0,))), {"reduction": "none"}),
    Sample("transposed", (T(4, 5, layout="transposed"), A(value=TARGETS))),
    # an empty batch: torch's 'sum'/'mean' return uninitialised memory, and skip the dtype check
    Sample("empty_batch_none", (T(0, 5), A(value=())), {"reduction": "none"}, only_dtypes=("float32", "float64")),
    Sample("legacy_reduce_false", (T(4, 5), A(value=TARGETS)), {"reduce": False}),
)
MULTI_MARGIN_ERRORS = (
    ErrorCase("target_out_of_range", lambda fw, x: fw.nn.functional.multi_margin_loss(x, labels(fw, (0, 5, 1))),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("float_target", lambda fw, x: fw.nn.functional.multi_margin_loss(x, fw.tensor([0.0, 1.0, 1.0])),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("target_size", lambda fw, x: fw.nn.functional.multi_margin_loss(x, labels(fw, (0, 1))),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("p_three", lambda fw, x: fw.nn.functional.multi_margin_loss(x, labels(fw, (0, 1, 2)), p=3),
              THREE_BY_FIVE, ValueError),
    ErrorCase("weight_2d", lambda fw, x: fw.nn.functional.multi_margin_loss(x, labels(fw, (0, 1, 2)),
                                                                          weight=fw.ones(1, 5)),
              THREE_BY_FIVE, ValueError),
    ErrorCase("weight_size", lambda fw, x: fw.nn.functional.multi_margin_loss(x, labels(fw, (0, 1, 2)),
                                                                            weight=fw.ones(4)),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("weight_dtype", lambda fw, x: fw.nn.functional.multi_margin_loss(x, labels(fw, (0, 1, 2)),
                                                                             weight=fw.ones(5, dtype=fw.float64)),
              THREE_BY_FIVE, RuntimeError),
    ErrorCase("weight_requires_grad", lambda fw, x, w: fw.nn.functional.multi_margin_loss(
        x, labels(fw, (0, 1, 2)), weight=w), Sample("3x5_weight", (T(3, 5), T(5, requires_grad=True))),
        RuntimeError),
    ErrorCase("empty_classes", lambda fw, x: fw.nn.functional.multi_margin_loss(x, labels(fw, (0, 0, 0))),
              Sample("3x0", (T(3, 0),)), RuntimeError),
    ErrorCase("invalid_reduction", lambda fw, x: fw.nn.functional.multi_margin_loss(x, labels(fw, (0, 1, 2)),
                                                                                  reduction="avg"),
              THREE_BY_FIVE, ValueError),
)


def multilabel_margin(fw, x, target, **kwargs):
    return fw.nn.functional.multilabel_margin_loss(x, labels(fw, target), **kwargs)


MULTILABEL_TARGETS = ((3, 0, -1, 1, 1), (1, 2, 4, -1, 0), (-1, 0, 0, 0, 0))   # up to the first -1; none in row 3
MULTILABEL_SAMPLES = (
    Sample("mean", (T(3, 5), A(value=MULTILABEL_TARGETS))),
    Sample("sum", (T(3, 5), A(value=MULTILABEL_TARGETS)), {"reduction": "sum"}),
    Sample("none", (T(3, 5), A(value=MULTILABEL_TARGETS)), {"reduction": "none"}),
    Sample("repeated_targets", (T(2, 4), A(value=((1, 1, 2, -1), (0, 3, 3, 0)))), {"reduction": "none"}),
    Sample("every_class_listed", (T(2, 3), A(value=((0, 1, 2), (2, 1, 0))))),
    Sample("1d_input", (T(5), A(value=(4, 0, -1, 2, 2)))),
    Sample("1d_input_none", (T(5), A(value=(4, 0, -1, 2, 2))), {"reduction": "none"}),
    Sample("0d_input", (T(), A(value=(0,))), {"reduction": "none"}),
    Sample("transposed", (T(3, 5, layout="transposed"), A(value=MULTILABEL_TARGETS))),
    Sample("legacy_size_average_false", (T(3, 5), A(value=MULTILABEL_TARGETS)), {"size_average": False}),
)


def _multilabel_error(target, **kwargs):
    return lambda fw, x: fw.nn.functional.multilabel_margin_loss(x, labels(fw, target), **kwargs)


MULTILABEL_ERRORS = (
    ErrorCase("target_out_of_range", _multilabel_error(((0, 5, -1, 0, 0),) * 3), THREE_BY_FIVE, RuntimeError),
    ErrorCase("target_below_minus_one", _multilabel_error(((0, -2, -1, 0, 0),) * 3), THREE_BY_FIVE, RuntimeError),
    ErrorCase("target_shape", _multilabel_error((0, 1, -1, 0, 0)), THREE_BY_FIVE, RuntimeError),
    ErrorCase("int32_target", lambda fw, x: fw.nn.functional.multilabel_margin_loss(
        x, fw.zeros(3, 5, dtype=fw.int32)), THREE_BY_FIVE, RuntimeError),
    ErrorCase("invalid_reduction", _multilabel_error(((0, 1, -1, 0, 0),) * 3, reduction="avg"), THREE_BY_FIVE,
              ValueError),
)


def poisson(fw, x, y, *, target_scale=1.0, **kwargs):
    return fw.nn.functional.poisson_nll_loss(x, y * target_scale, **kwargs)


POISSON_SAMPLES = (
    Sample("log_input", (T(3, 4), T(3, 4, domain="positive"))),
    Sample("sum", (T(3, 4), T(3, 4, domain="positive")), {"reduction": "sum"}),
    Sample("none", (T(3, 4), T(3, 4, domain="positive")), {"reduction": "none"}),
    Sample("rates", (T(3, 4, domain="positive"), T(3, 4, domain="positive")), {"log_input": False}),
    Sample("rates_eps_none", (T(3, 4, domain="positive"), T(3, 4, domain="positive")),
           {"log_input": False, "eps": 0.5, "reduction": "none"}),
    # Stirling's term counts only where target > 1: targets in (0.4, 6)
    Sample("full", (T(3, 4), T(3, 4, domain="positive")), {"full": True, "target_scale": 2.0}),
    Sample("full_rates_none", (T(3, 4, domain="positive"), T(3, 4, domain="positive")),
           {"full": True, "log_input": False, "target_scale": 2.0, "reduction": "none"}),
    Sample("broadcast_target", (T(3, 4), T(4, domain="positive"))),
    Sample("0d", (T(), T(domain="positive"))),
    Sample("legacy_reduce_false", (T(3, 4), T(3, 4, domain="positive")), {"reduce": False}),
)


def gaussian(fw, x, y, var, **kwargs):
    return fw.nn.functional.gaussian_nll_loss(x, y, var, **kwargs)


GAUSSIAN_SAMPLES = (
    Sample("heteroscedastic", (T(3, 4), T(3, 4), T(3, 4, domain="positive"))),
    Sample("sum", (T(3, 4), T(3, 4), T(3, 4, domain="positive")), {"reduction": "sum"}),
    Sample("none_full", (T(3, 4), T(3, 4), T(3, 4, domain="positive")), {"reduction": "none", "full": True}),
    Sample("var_one_dim_short", (T(3, 4), T(3, 4), T(3, domain="positive"))),
    Sample("var_one_broadcast_dim", (T(2, 3, 4), T(2, 3, 4), T(2, 1, 4, domain="positive")), {"reduction": "none"}),
    Sample("float_var", (T(3, 4), T(3, 4), A(value=0.5))),
    Sample("1d", (T(5), T(5), T(5, domain="positive")), {"full": True}),
)
GAUSSIAN_ERRORS = (
    ErrorCase("negative_var", lambda fw, x, y: fw.nn.functional.gaussian_nll_loss(x, y, -fw.ones(3, 4)), PAIR,
              ValueError),
    ErrorCase("negative_float_var", lambda fw, x, y: fw.nn.functional.gaussian_nll_loss(x, y, -1.0), PAIR,
              ValueError),
    ErrorCase("var_size", lambda fw, x, y: fw.nn.functional.gaussian_nll_loss(x, y, fw.ones(4)), PAIR, ValueError),
    ErrorCase("int_var", lambda fw, x, y: fw.nn.functional.gaussian_nll_loss(x, y, 1), PAIR, TypeError),
    ErrorCase("invalid_reduction", lambda fw, x, y: fw.nn.functional.gaussian_nll_loss(x, y, fw.ones(3, 4),
                                                                                     reduction="avg"),
              PAIR, ValueError),
)
TRIPLE = Sample("4x5", (T(4, 5), T(4, 5), T(4, 5)))
TRIPLET_SAMPLES = (
    Sample("mean", (T(4, 5), T(4, 5), T(4, 5))),
    Sample("sum_margin", (T(4, 5), T(4, 5), T(4, 5)), {"reduction": "sum", "margin": 2.0}),
    Sample("none_swap", (T(4, 5), T(4, 5), T(4, 5)), {"reduction": "none", "swap": True, "margin": 3.0}),
    Sample("p1", (T(4, 5), T(4, 5), T(4, 5)), {"p": 1, "margin": 2.0}),
    Sample("p3_eps", (T(4, 5), T(4, 5), T(4, 5)), {"p": 3, "eps": 1e-3, "margin": 2.0}),
    Sample("1d", (T(5), T(5), T(5)), {"margin": 4.0}),
    Sample("3d_none", (T(2, 3, 4), T(2, 3, 4), T(2, 3, 4)), {"reduction": "none", "margin": 2.0}),
    Sample("broadcast_negative", (T(4, 5), T(4, 5), T(1, 5)), {"margin": 2.0}),
    Sample("legacy_reduce_false", (T(4, 5), T(4, 5), T(4, 5)), {"reduce": False, "margin": 2.0}),
)


def triplet_with_distance(fw, a, p, n, *, distance=None, **kwargs):
    functions = {None: None, "squared": lambda x, y: fw.sum((x - y) ** 2, -1),
                 "cosine": lambda x, y: 1 - fw.sum(x * y, -1) / (x.norm(dim=-1) * y.norm(dim=-1))}
    return fw.nn.functional.triplet_margin_with_distance_loss(a, p, n, distance_function=functions[distance],
                                                              **kwargs)


TRIPLET_DISTANCE_SAMPLES = (
    Sample("default_distance", (T(4, 5), T(4, 5), T(4, 5)), {"margin": 2.0}),
    Sample("swap_none", (T(4, 5), T(4, 5), T(4, 5)), {"swap": True, "reduction": "none", "margin": 3.0}),
    Sample("squared_sum", (T(4, 5), T(4, 5), T(4, 5)), {"distance": "squared", "reduction": "sum", "margin": 5.0}),
    Sample("cosine_swap", (T(4, 5), T(4, 5), T(4, 5)), {"distance": "cosine", "swap": True}),
)


def _triplet_errors(function):
    call = getattr
    return (
        ErrorCase("margin_zero", lambda fw, a, p, n: call(fw.nn.functional, function)(a, p, n, margin=0.0), TRIPLE,
                  ValueError),
        ErrorCase("dims_differ", lambda fw, a, p, n: call(fw.nn.functional, function)(a, p, n[0]), TRIPLE,
                  RuntimeError),
        ErrorCase("invalid_reduction", lambda fw, a, p, n: call(fw.nn.functional, function)(a, p, n,
                                                                                              reduction="avg"),
                  TRIPLE, ValueError),
    )


def _margin_loss_specs():
    F_ = "nn.functional."
    return [
        OpSpec(F_ + "huber_loss", _functional("huber_loss"), HUBER_SAMPLES, WITH_INT,
               tolerances=(HALF_PRECISION_BACKWARD,), errors=(
            *_regression_errors("huber_loss"),
            ErrorCase("zero_delta", _error("huber_loss", delta=0.0), PAIR, RuntimeError),
            ErrorCase("weight_size", lambda fw, x, y: fw.nn.functional.huber_loss(x, y, weight=fw.ones(4)), PAIR,
                      ValueError),
            ErrorCase("integer_input_float_target", _error("huber_loss"),
                      Sample("int", (T(3, 4, dtype="int64"), T(3, 4))), RuntimeError))),
        OpSpec(F_ + "huber_loss", _functional("huber_loss"),
               (Sample("weight", (T(3, 4), T(3, 4), T(3, 4, domain="positive"))),
                Sample("weight_none_delta", (T(3, 4), T(3, 4), T(3, 4, domain="positive")),
                       {"reduction": "none", "delta": 0.5})), FLOATS, variant="weight"),
        OpSpec(F_ + "huber_loss", _functional("huber_loss"), EMPTY_MEAN, FLOATS, variant="nan_mean",
               gradcheck=False, gradgrad=False),
        OpSpec(F_ + "soft_margin_loss", _call("soft_margin_loss"), SOFT_MARGIN_SAMPLES, FLOATS,
               tolerances=(HALF_PRECISION_BACKWARD,), errors=(
            ErrorCase("target_requires_grad", _error("soft_margin_loss"),
                      Sample("3x4", (T(3, 4), T(3, 4, requires_grad=True))),
                      RuntimeError),
            ErrorCase("integer_input", _error("soft_margin_loss"),
                      Sample("int", (T(3, 4, dtype="int64"), T(3, 4, dtype="int64"))), RuntimeError),
            ErrorCase("target_broadcasts_input", _error("soft_margin_loss"), Sample("4_and_3x4", (T(4), T(3, 4))),
                      RuntimeError),
            ErrorCase("invalid_reduction", _error("soft_margin_loss", reduction="avg"), PAIR, ValueError))),
        OpSpec(F_ + "margin_ranking_loss", _call("margin_ranking_loss"), RANKING_SAMPLES, WITH_INT, errors=(
            ErrorCase("dims_differ", _error("margin_ranking_loss"), Sample("3x4_3x4_4", (T(3, 4), T(3, 4), T(4))),
                      RuntimeError),
            ErrorCase("invalid_reduction", _error("margin_ranking_loss", reduction="avg"), TRIPLE, ValueError))),
        OpSpec(F_ + "hinge_embedding_loss", _call("hinge_embedding_loss"), HINGE_SAMPLES, WITH_INT, errors=(
            ErrorCase("integer_mean", lambda fw, x: fw.nn.functional.hinge_embedding_loss(x, fw.ones(3, 4)),
                      Sample("int", (T(3, 4, dtype="int64"),)), RuntimeError),
            ErrorCase("invalid_reduction", _error("hinge_embedding_loss", reduction="avg"), PAIR, ValueError))),
        OpSpec(F_ + "cosine_embedding_loss", _call("cosine_embedding_loss"), COSINE_SAMPLES, WITH_INT,
               tolerances=(HALF_PRECISION_BACKWARD,), errors=(
            ErrorCase("2d_target", _error("cosine_embedding_loss"), TRIPLE, RuntimeError),
            ErrorCase("1d_target_1d_inputs", _error("cosine_embedding_loss"), Sample("5", (T(5), T(5), T(5))),
                      RuntimeError),
            ErrorCase("0d_target_2d_inputs", _error("cosine_embedding_loss"), Sample("4x5", (T(4, 5), T(4, 5), T())),
                      RuntimeError),
            ErrorCase("invalid_reduction", lambda fw, a, b: fw.nn.functional.cosine_embedding_loss(
                a, b, fw.ones(4), reduction="avg"), Sample("4x5", (T(4, 5), T(4, 5))), ValueError))),
        OpSpec(F_ + "multilabel_soft_margin_loss", multilabel_soft_margin, MULTILABEL_SOFT_SAMPLES, WITH_INT,
               tolerances=(HALF_PRECISION_BACKWARD,), errors=(
            ErrorCase("integer_input", lambda fw, x, y: fw.nn.functional.multilabel_soft_margin_loss(x, y),
                      Sample("int", (T(3, 4, dtype="int64"), T(3, 4, dtype="int64"))), NotImplementedError),
            ErrorCase("invalid_reduction", _error("multilabel_soft_margin_loss", reduction="avg"), PAIR,
                      ValueError))),
        OpSpec(F_ + "multi_margin_loss", multi_margin, MULTI_MARGIN_SAMPLES, WITH_INT, errors=MULTI_MARGIN_ERRORS),
        OpSpec(F_ + "multilabel_margin_loss", multilabel_margin, MULTILABEL_SAMPLES, WITH_INT,
               errors=MULTILABEL_ERRORS),
        OpSpec(F_ + "poisson_nll_loss", poisson, POISSON_SAMPLES, FLOATS,
               tolerances=(HALF_PRECISION_BACKWARD,), errors=(
                   ErrorCase("invalid_reduction", _error("poisson_nll_loss", reduction="avg"), PAIR, ValueError),)),
        OpSpec(F_ + "poisson_nll_loss", poisson, (Sample("integers", (T(3, 4), T(3, 4, domain="positive"))),),
               ("int64",), variant="integer", grad=False),
        OpSpec(F_ + "gaussian_nll_loss", gaussian, GAUSSIAN_SAMPLES, WITH_INT, tolerances=(HALF_PRECISION_BACKWARD,),
               errors=GAUSSIAN_ERRORS),
        # var below eps is clamped without a gradient (torch's no_grad clamp_): the gradient is var's, unclamped,
        # where finite differences see the clamp
        OpSpec(F_ + "gaussian_nll_loss", gaussian,
               (Sample("eps_clamps_var", (T(3, 4), T(3, 4), T(3, 4, domain="positive")), {"eps": 1.0}),), FLOATS,
               variant="clamped", gradcheck=False, gradgrad=False, tolerances=(HALF_PRECISION_BACKWARD,)),
        OpSpec(F_ + "triplet_margin_loss", _call("triplet_margin_loss"), TRIPLET_SAMPLES, WITH_INT,
               tolerances=(HALF_PRECISION_BACKWARD,), errors=_triplet_errors("triplet_margin_loss")),
        OpSpec(F_ + "triplet_margin_with_distance_loss", triplet_with_distance, TRIPLET_DISTANCE_SAMPLES, WITH_INT,
               tolerances=(HALF_PRECISION_BACKWARD,), errors=_triplet_errors("triplet_margin_with_distance_loss")),
    ]


# ---------------------------------------------------------------- modules

def _with_labels(module, x, target):
    return module(x, x.new_tensor(target).long())


def _module_specs():
    specs = []
    batch = (Sample("batch", (T(4, 5), A(value=TARGETS))),
             Sample("3d", (T(2, 5, 3), A(value=((0, 1, 4), (2, -100, 1))))))
    specs += ModuleSpec("nn.CrossEntropyLoss", lambda fw: fw.nn.CrossEntropyLoss(), batch, FLOATS,
                        call=_with_labels, errors=(
                            ErrorCase("target_out_of_range", lambda fw, x: fw.nn.CrossEntropyLoss()(
                                x, labels(fw, (0, 7, 1))), THREE_BY_FIVE, IndexError),))
    specs += ModuleSpec("nn.CrossEntropyLoss",
                        lambda fw: fw.nn.CrossEntropyLoss(weight=fw.tensor([0.5, 1.0, 2.0, 1.5, 0.25]), ignore_index=1,
                                                          label_smoothing=0.1, reduction="sum"),
                        (Sample("batch", (T(4, 5), A(value=(0, 1, 3, 1)))),
                         Sample("3d", (T(2, 5, 3), A(value=((0, 1, 4), (2, 1, 1)))))),
                        FLOATS, variant="weight_smoothing", call=_with_labels)
    specs += ModuleSpec("nn.CrossEntropyLoss", lambda fw: fw.nn.CrossEntropyLoss(label_smoothing=0.2),
                        (Sample("probabilities", (T(4, 5), T(4, 5, domain="positive"))),), FLOATS,
                        variant="probabilities")
    specs += ModuleSpec("nn.NLLLoss", lambda fw: fw.nn.NLLLoss(weight=fw.tensor([0.5, 1.0, 2.0, 1.5, 0.25]),
                                                               reduction="none"),
                        batch, FLOATS, call=_with_labels, errors=(
                            ErrorCase("float_target", lambda fw, x: fw.nn.NLLLoss()(x, fw.ones(3)), THREE_BY_FIVE,
                                      RuntimeError),
                            ErrorCase("invalid_reduction", lambda fw, x: fw.nn.NLLLoss(reduction="avg")(
                                x, labels(fw, (0, 1, 2))), THREE_BY_FIVE, ValueError)))
    pair = (Sample("pair", (T(3, 4), T(3, 4))),)
    pair_mismatch = Sample("3x4_and_3x5", (T(3, 4), T(3, 5)))
    specs += ModuleSpec("nn.MSELoss", lambda fw: fw.nn.MSELoss(), pair, FLOATS, errors=(
        ErrorCase("not_broadcastable", lambda fw, x, y: fw.nn.MSELoss()(x, y), pair_mismatch, RuntimeError),))
    specs += ModuleSpec("nn.L1Loss", lambda fw: fw.nn.L1Loss(reduction="sum"), pair, FLOATS)
    specs += ModuleSpec("nn.SmoothL1Loss", lambda fw: fw.nn.SmoothL1Loss(beta=0.5), pair, FLOATS, errors=(
        ErrorCase("negative_beta", lambda fw, x, y: fw.nn.SmoothL1Loss(beta=-0.5)(x, y), pair[0], RuntimeError),))
    specs += ModuleSpec("nn.BCELoss", lambda fw: fw.nn.BCELoss(weight=fw.tensor([0.5, 1.0, 2.0, 1.5])),
                        (Sample("probabilities", (T(3, 4, domain="unit"), T(3, 4, domain="unit"))),), FLOATS,
                        call=lambda module, x, y: module(x * 0.5 + 0.5, y * 0.5 + 0.5), errors=(
                            ErrorCase("target_shape", lambda fw, x, y: fw.nn.BCELoss()(fw.sigmoid(x), y),
                                      Sample("3x4_and_4", (T(3, 4), T(4))), ValueError),))
    specs += ModuleSpec("nn.BCEWithLogitsLoss",
                        lambda fw: fw.nn.BCEWithLogitsLoss(weight=fw.tensor([0.5, 1.0, 2.0, 1.5]),
                                                           pos_weight=fw.tensor([2.0, 0.5, 1.0, 3.0])),
                        (Sample("logits", (T(3, 4), T(3, 4, domain="unit"))),), FLOATS,
                        call=lambda module, x, y: module(x, y * 0.5 + 0.5))
    specs += ModuleSpec("nn.KLDivLoss", lambda fw: fw.nn.KLDivLoss(reduction="batchmean"),
                        (Sample("distributions", (T(3, 4), T(3, 4, domain="positive"))),), FLOATS, errors=(
                            ErrorCase("invalid_reduction", lambda fw, x, y: fw.nn.KLDivLoss(reduction="avg")(x, y),
                                      pair[0], ValueError),))
    specs += ModuleSpec("nn.KLDivLoss", lambda fw: fw.nn.KLDivLoss(reduction="sum", log_target=True),
                        (Sample("log_distributions", (T(3, 4), T(3, 4))),), FLOATS, variant="log_target")
    specs += _margin_module_specs(pair, pair_mismatch)
    return specs


def _with_signs(module, *inputs):
    """The last input is a Python tuple of +-1 targets: a tensor of the first input's dtype."""
    return module(*inputs[:-1], inputs[0].new_tensor(inputs[-1]))


def _margin_module_specs(pair, pair_mismatch):
    specs = []
    triple = (Sample("triple", (T(4, 5), T(4, 5), T(4, 5))),)
    specs += ModuleSpec("nn.HuberLoss", lambda fw: fw.nn.HuberLoss(delta=0.5), pair, FLOATS, errors=(
        ErrorCase("not_broadcastable", lambda fw, x, y: fw.nn.HuberLoss()(x, y), pair_mismatch, RuntimeError),
        ErrorCase("delta_not_a_number", lambda fw, x, y: fw.nn.HuberLoss(delta="1")(x, y), pair[0], TypeError)))
    specs += ModuleSpec("nn.SoftMarginLoss", lambda fw: fw.nn.SoftMarginLoss(reduction="sum"),
                        (Sample("pair", (T(3, 4), Y(3, 4))),), FLOATS)
    specs += ModuleSpec("nn.MarginRankingLoss", lambda fw: fw.nn.MarginRankingLoss(margin=0.3),
                        (Sample("triple", (T(5), T(5), T(5))),), FLOATS)
    specs += ModuleSpec("nn.HingeEmbeddingLoss", lambda fw: fw.nn.HingeEmbeddingLoss(margin=0.5, reduction="none"),
                        (Sample("signs", (T(3, 4), A(value=HINGE_TARGETS))),), FLOATS, call=_with_signs)
    specs += ModuleSpec("nn.CosineEmbeddingLoss", lambda fw: fw.nn.CosineEmbeddingLoss(margin=0.2),
                        (Sample("signs", (T(4, 5), T(4, 5), A(value=COSINE_TARGETS))),), FLOATS, call=_with_signs)
    specs += ModuleSpec("nn.MultiLabelSoftMarginLoss",
                        lambda fw: fw.nn.MultiLabelSoftMarginLoss(weight=fw.tensor([0.5, 1.0, 2.0, 1.5, 0.25])),
                        (Sample("probabilities", (T(3, 5), T(3, 5, domain="unit"))),), FLOATS,
                        call=lambda module, x, y: module(x, y * 0.5 + 0.5))
    specs += ModuleSpec("nn.MultiMarginLoss",
                        lambda fw: fw.nn.MultiMarginLoss(p=2, margin=0.5, weight=fw.tensor([0.5, 1.0, 2.0, 1.5, 0.25])),
                        (Sample("batch", (T(4, 5), A(value=TARGETS))),), ("float32", "float64"), call=_with_labels,
                        errors=(ErrorCase("p_three", lambda fw, x: fw.nn.MultiMarginLoss(p=3), THREE_BY_FIVE,
                                          ValueError),
                                ErrorCase("weight_2d", lambda fw, x: fw.nn.MultiMarginLoss(weight=fw.ones(1, 5)),
                                          THREE_BY_FIVE, ValueError)))
    specs += ModuleSpec("nn.MultiLabelMarginLoss", lambda fw: fw.nn.MultiLabelMarginLoss(reduction="sum"),
                        (Sample("batch", (T(3, 5), A(value=MULTILABEL_TARGETS))),), ("float32", "float64"),
                        call=_with_labels)
    specs += ModuleSpec("nn.PoissonNLLLoss", lambda fw: fw.nn.PoissonNLLLoss(full=True),
                        (Sample("counts", (T(3, 4), T(3, 4, domain="above_one"))),), FLOATS)
    specs += ModuleSpec("nn.GaussianNLLLoss", lambda fw: fw.nn.GaussianNLLLoss(full=True, reduction="sum"),
                        (Sample("heteroscedastic", (T(3, 4), T(3, 4), T(3, 4, domain="positive"))),), FLOATS)
    specs += ModuleSpec("nn.TripletMarginLoss", lambda fw: fw.nn.TripletMarginLoss(margin=2.0, swap=True), triple,
                        FLOATS, errors=(ErrorCase("margin_zero", lambda fw, a, p, n: fw.nn.TripletMarginLoss(margin=0),
                                                  TRIPLE, ValueError),))
    specs += ModuleSpec("nn.TripletMarginWithDistanceLoss",
                        lambda fw: fw.nn.TripletMarginWithDistanceLoss(margin=2.0, reduction="none"), triple, FLOATS,
                        errors=(ErrorCase("margin_zero", lambda fw, a, p, n: fw.nn.TripletMarginWithDistanceLoss(
                            margin=-1.0), TRIPLE, ValueError),))
    return specs


SPECS = [
    # ---- cross_entropy, nll_loss
    *_index_loss_specs("nn.functional.cross_entropy", cross_entropy, INDEX_SAMPLES, INDEX_ERRORS),
    OpSpec("nn.functional.cross_entropy", cross_entropy, SMOOTHING_SAMPLES, FLOATS, variant="label_smoothing"),
    OpSpec("nn.functional.cross_entropy", cross_entropy, PROBABILITY_SAMPLES, FLOATS, variant="probabilities"),
    *_index_loss_specs("nn.functional.nll_loss", nll_loss, INDEX_SAMPLES, NLL_ERRORS),
    # ---- regression losses
    OpSpec("nn.functional.mse_loss", _functional("mse_loss"), _pair_samples() + BROADCAST_SAMPLES, WITH_INT,
           errors=_regression_errors("mse_loss")),
    OpSpec("nn.functional.mse_loss", _functional("mse_loss"),
           (Sample("weight", (T(3, 4), T(3, 4), T(3, 4, domain="positive"))),
            Sample("weight_none", (T(3, 4), T(3, 4), T(3, 4, domain="positive")), {"reduction": "none"})),
           FLOATS, variant="weight"),
    OpSpec("nn.functional.l1_loss", _functional("l1_loss"), _pair_samples() + BROADCAST_SAMPLES, WITH_INT,
           errors=_regression_errors("l1_loss")),
    OpSpec("nn.functional.l1_loss", _functional("l1_loss"),
           (Sample("weight_sum", (T(3, 4), T(3, 4), T(3, 4, domain="positive")), {"reduction": "sum"}),), FLOATS,
           variant="weight"),
    OpSpec("nn.functional.smooth_l1_loss", _functional("smooth_l1_loss"), _pair_samples() + BROADCAST_SAMPLES,
           WITH_INT, errors=_regression_errors("smooth_l1_loss") + (
               ErrorCase("negative_beta", lambda fw, x, y: fw.nn.functional.smooth_l1_loss(x, y, beta=-1.0),
                         Sample("3x4", (T(3, 4), T(3, 4))), RuntimeError),)),
    OpSpec("nn.functional.smooth_l1_loss", _functional("smooth_l1_loss"),
           (Sample("beta_half", (T(3, 4), T(3, 4)), {"beta": 0.5}),
            Sample("beta_two_none", (T(3, 4), T(3, 4)), {"beta": 2.0, "reduction": "none"}),
            Sample("beta_zero_is_l1", (T(3, 4), T(3, 4)), {"beta": 0.0}),
            Sample("beta_zero_sum", (T(3, 4), T(3, 4)), {"beta": 0.0, "reduction": "sum"})),
           FLOATS, variant="beta"),
    OpSpec("nn.functional.mse_loss", _functional("mse_loss"), EMPTY_MEAN, FLOATS, variant="nan_mean",
           gradcheck=False, gradgrad=False),
    # ---- binary cross entropy
    OpSpec("nn.functional.binary_cross_entropy", bce,
           _pair_samples()[:6] + (Sample("weight", (T(3, 4), T(3, 4), W(3, 4))),
                                  Sample("weight_broadcast_none", (T(3, 4), T(3, 4), W(4)), {"reduction": "none"}),
                                  Sample("weight_broadcast_sum", (T(2, 3, 4), T(2, 3, 4), W(3, 1)),
                                         {"reduction": "sum"})),
           FLOATS, errors=(
               ErrorCase("input_above_one", lambda fw, x, y: fw.nn.functional.binary_cross_entropy(x + 2, y),
                         Sample("3x4", (T(3, 4, domain="unit"), T(3, 4, domain="unit"))), RuntimeError),
               ErrorCase("target_shape", lambda fw, x, y: fw.nn.functional.binary_cross_entropy(fw.sigmoid(x), y),
                         Sample("3x4_and_4", (T(3, 4), T(4))), ValueError),
               ErrorCase("invalid_reduction", lambda fw, x, y: fw.nn.functional.binary_cross_entropy(
                   fw.sigmoid(x), fw.sigmoid(y), reduction="avg"), Sample("3x4", (T(3, 4), T(3, 4))), ValueError),
               ErrorCase("target_above_one", lambda fw, x, y: fw.nn.functional.binary_cross_entropy(
                   fw.sigmoid(x), y + 2), Sample("3x4", (T(3, 4), T(3, 4, domain="unit"))), RuntimeError),
               ErrorCase("target_dtype_differs", lambda fw, x, y: fw.nn.functional.binary_cross_entropy(
                   fw.sigmoid(x), fw.sigmoid(y).double()), Sample("3x4", (T(3, 4), T(3, 4))), RuntimeError),
               ErrorCase("weight_requires_grad", lambda fw, x, y, w: fw.nn.functional.binary_cross_entropy(
                   fw.sigmoid(x), fw.sigmoid(y), w), Sample("3x4", (T(3, 4), T(3, 4), T(4, requires_grad=True))),
                   RuntimeError),
           )),
    OpSpec("nn.functional.binary_cross_entropy",
           lambda fw, x, y, **kw: fw.nn.functional.binary_cross_entropy(fw.tensor(x), fw.tensor(y), **kw),
           (Sample("log_clamped_at_minus_100", (A(value=[0.0, 1.0, 0.5, 1.0]), A(value=[1.0, 0.0, 0.5, 1.0])),
                   {"reduction": "none"}),), ("float32",), variant="clamp", grad=False),
    OpSpec("nn.functional.binary_cross_entropy_with_logits", bce_logits,
           _pair_samples()[:7] + (Sample("weight", (T(3, 4), T(3, 4), W(3, 4))),
                                  Sample("weight_broadcast_none", (T(3, 4), T(3, 4), W(4)), {"reduction": "none"}),
                                  Sample("large_logits", (T(3, 4), T(3, 4)), {"scale": 60.0})),
           FLOATS, errors=(
               ErrorCase("target_shape", lambda fw, x, y: fw.nn.functional.binary_cross_entropy_with_logits(x, y),
                         Sample("3x4_and_4", (T(3, 4), T(4))), ValueError),
               ErrorCase("pos_weight_requires_grad", lambda fw, x, y, p:
                         fw.nn.functional.binary_cross_entropy_with_logits(x, y, pos_weight=p),
                         Sample("3x4", (T(3, 4), T(3, 4), T(4, requires_grad=True))), RuntimeError),
               ErrorCase("pos_weight_not_broadcastable", lambda fw, x, y:
                         fw.nn.functional.binary_cross_entropy_with_logits(x, y, pos_weight=fw.ones(3)),
                         Sample("3x4", (T(3, 4), T(3, 4))), RuntimeError),
           )),
    OpSpec("nn.functional.binary_cross_entropy_with_logits", bce_logits_pos,
           (Sample("pos_weight", (T(3, 4), T(3, 4), W(4))),
            Sample("pos_weight_column_none", (T(3, 4), T(3, 4), W(3, 1)), {"reduction": "none"}),
            Sample("pos_weight_and_weight_sum", (T(3, 4), T(3, 4), W(4), W(3, 1)), {"reduction": "sum"})),
           FLOATS, variant="pos_weight"),
    # ---- kl_div
    OpSpec("nn.functional.kl_div", kl_div, KL_SAMPLES, FLOATS, errors=(
        ErrorCase("integer_inputs", lambda fw, x, y: fw.nn.functional.kl_div(x, y, reduction="sum"),
                  Sample("int", (T(3, 4, dtype="int64"), T(3, 4, dtype="int64"))), RuntimeError),
        ErrorCase("invalid_reduction", lambda fw, x, y: fw.nn.functional.kl_div(x, y, reduction="average"),
                  Sample("3x4", (T(3, 4), T(3, 4, domain="positive"))), ValueError),
    )),
    # ---- margin, embedding and likelihood losses
    *_margin_loss_specs(),
    # ---- modules
    *_module_specs(),
]
