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
from conformance.spec import ErrorCase, OpSpec

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
    # ---- modules
    *_module_specs(),
]
