"""ctc_loss: nn.CTCLoss (kind=module) and nn.functional.ctc_loss (kind=op): padded and concatenated targets, unbatched
input, lengths as tuples or tensors, a blank other than 0, repeated labels, every reduction, zero_infinity with
impossible alignments, and torch's checks as error cases."""
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec

FULL = ("float32", "float64")   # torch's CPU kernel: float and double only

# torch's ctc_loss has no double backward (_ctc_loss_backward has no derivative)
NO_GRADGRAD = dict(gradgrad=False)


def F(fw):
    return fw.nn.functional


def _ctc(fw, scores, targets, input_lengths, target_lengths, tensors=False, **kwargs):
    """ctc_loss of log_softmax(scores) (over the class axis, the last), fixed targets and lengths."""
    log_probs = scores.log_softmax(-1)
    targets = fw.tensor(targets)
    if tensors:
        input_lengths, target_lengths = fw.tensor(input_lengths), fw.tensor(target_lengths)
    return F(fw).ctc_loss(log_probs, targets, input_lengths, target_lengths, **kwargs)


PADDED = [[1, 2, 2, 3], [3, 1, 0, 0], [4, 4, 1, 0]]
CONCATENATED = [1, 2, 2, 3, 3, 1, 4, 4, 1]


def _samples():
    samples = []
    for reduction in ("none", "mean", "sum"):
        samples += [
            Sample(f"padded_{reduction}", (T(9, 3, 5), Arg(value=PADDED), Arg(value=(9, 7, 8)), Arg(value=(4, 2, 3))),
                   {"reduction": reduction}),
            Sample(f"concatenated_{reduction}", (T(9, 3, 5), Arg(value=CONCATENATED), Arg(value=(9, 7, 8)),
                                                 Arg(value=(4, 2, 3))), {"reduction": reduction}),
        ]
    samples += [
        Sample("tensor_lengths", (T(9, 3, 5), Arg(value=PADDED), Arg(value=[9, 7, 8]), Arg(value=[4, 2, 3])),
               {"tensors": True}),
        Sample("unbatched", (T(7, 5), Arg(value=[2, 2, 1]), Arg(value=(7,)), Arg(value=(3,))), {"reduction": "none"}),
        Sample("unbatched_tensor_lengths", (T(7, 5), Arg(value=[2, 2, 1]), Arg(value=7), Arg(value=3)),
               {"tensors": True, "reduction": "none"}),
        Sample("blank_last", (T(8, 2, 4), Arg(value=[[0, 1, 1], [2, 0, 0]]), Arg(value=(8, 5)), Arg(value=(3, 1))),
               {"blank": 3, "reduction": "none"}),
        Sample("empty_target", (T(6, 2, 4), Arg(value=[[1, 2], [0, 0]]), Arg(value=(6, 4)), Arg(value=(2, 0))),
               {"reduction": "mean"}),
        Sample("single_step", (T(1, 2, 4), Arg(value=[[1], [2]]), Arg(value=(1, 1)), Arg(value=(1, 0))),
               {"reduction": "none"}),
    ]
    return tuple(samples)


# an alignment that cannot exist (3 repeated labels need 5 steps; sample 1 has 4): an infinite loss, zeroed (with
# its gradient) by zero_infinity
IMPOSSIBLE = (T(6, 2, 4), Arg(value=[[1, 1, 1], [2, 3, 0]]), Arg(value=(6, 4)), Arg(value=(3, 2)))

ERRORS = (
    ErrorCase("half_log_probs", lambda fw, x: F(fw).ctc_loss(x.half().log_softmax(2), fw.tensor([[1]]), [3], [1]),
              Sample("half", (T(3, 1, 4),)), NotImplementedError),
    ErrorCase("blank_out_of_range", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), [3], [1], blank=4),
              Sample("blank4", (T(3, 1, 4),)), RuntimeError),
    ErrorCase("input_lengths_size", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), [3, 3], [1]),
              Sample("two", (T(3, 1, 4),)), RuntimeError),
    ErrorCase("target_lengths_size", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), [3], [1, 1]),
              Sample("two", (T(3, 1, 4),)), RuntimeError),
    ErrorCase("input_length_too_long", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), [4], [1]),
              Sample("4_of_3", (T(3, 1, 4),)), RuntimeError),
    ErrorCase("negative_input_length", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), [-1], [1]),
              Sample("minus1", (T(3, 1, 4),)), RuntimeError),
    ErrorCase("negative_target_length", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), [3], [-1]),
              Sample("minus1", (T(3, 1, 4),)), RuntimeError),
    ErrorCase("targets_too_short", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), [3], [2]),
              Sample("2_of_1", (T(3, 1, 4),)), RuntimeError),
    ErrorCase("concatenated_size", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([1, 2, 3]), [3, 3], [1, 1]),
              Sample("3_for_2", (T(3, 2, 4),)), RuntimeError),
    ErrorCase("targets_3d", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[[1]]]), [3], [1]),
              Sample("3d", (T(3, 1, 4),)), RuntimeError),
    ErrorCase("log_probs_4d", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), [3], [1]),
              Sample("4d", (T(3, 1, 1, 4),)), RuntimeError),
    ErrorCase("float_length_tensor", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), fw.tensor([3.0]),
                                                                   fw.tensor([1])),
              Sample("float", (T(3, 1, 4),)), RuntimeError),
    ErrorCase("mixed_length_kinds", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), fw.tensor([3]), [1]),
              Sample("tensor_and_list", (T(3, 1, 4),)), TypeError),
    ErrorCase("bad_reduction", lambda fw, x: F(fw).ctc_loss(x, fw.tensor([[1]]), [3], [1], reduction="avg"),
              Sample("avg", (T(3, 1, 4),)), ValueError),
)

SPECS = [
    OpSpec("nn.functional.ctc_loss", lambda fw, x, *args, **kwargs: _ctc(fw, x, *args, **kwargs), _samples(), FULL,
           errors=ERRORS, **NO_GRADGRAD),
    OpSpec("nn.functional.ctc_loss", lambda fw, x, *args, **kwargs: _ctc(fw, x, *args, **kwargs),
           (Sample("none", IMPOSSIBLE, {"reduction": "none"}), Sample("mean", IMPOSSIBLE, {"reduction": "mean"})),
           FULL, variant="impossible", gradcheck=False, **NO_GRADGRAD),
    OpSpec("nn.functional.ctc_loss", lambda fw, x, *args, **kwargs: _ctc(fw, x, *args, zero_infinity=True, **kwargs),
           (Sample("none", IMPOSSIBLE, {"reduction": "none"}), Sample("sum", IMPOSSIBLE, {"reduction": "sum"})),
           FULL, variant="zero_infinity", **NO_GRADGRAD),
    OpSpec("nn.CTCLoss", lambda fw, x, targets, input_lengths, target_lengths, **kwargs: fw.nn.CTCLoss(**kwargs)(
        x.log_softmax(2), fw.tensor(targets), fw.tensor(input_lengths), fw.tensor(target_lengths)),
           (Sample("mean", (T(9, 3, 5), Arg(value=PADDED), Arg(value=[9, 7, 8]), Arg(value=[4, 2, 3]))),
            Sample("sum_blank_last", (T(8, 2, 4), Arg(value=[[0, 1, 1], [2, 0, 0]]), Arg(value=[8, 5]),
                                      Arg(value=[3, 1])), {"blank": 3, "reduction": "sum"}),
            Sample("zero_infinity", IMPOSSIBLE, {"zero_infinity": True})),
           FULL, kind="module", **NO_GRADGRAD),
]
