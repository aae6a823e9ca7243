"""torch.multinomial and Tensor.multinomial (mtv2/ops/sampling.py).

Each call gets its own seeded Generator; mtv2's streams being torch's, every row compares the indices themselves
(in every dtype, the draws among tied keys included), besides a summary of facts: shape, dtype,
every index a category of its row, no zero-weight category drawn while a positive one is left, no repeat within a
row without replacement, and, for large samples, each category's frequency within 6 standard errors of its normalised
weight. A right sampler passes those always (about 1e-9 chance of a false alarm per category); a wrong one fails
them: indices off by one, weights not normalised, a category's weight read from the wrong column of a
non-contiguous input, repeats without replacement. Weights are unnormalised (0.2 to 3); some samples zero every
third category in place, which keeps the input's layout. Every bad input torch refuses is an error row.
"""
import math

import numpy as np

from conformance.frameworks import FLOATING
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec, XFail

STANDARD_ERRORS = 6
FREQUENT = 20000      # draws behind a frequency fact: its standard error is at most 0.0035


def _generator(fw, seed=0):
    return fw.Generator().manual_seed(seed)


def _zero_every_third_category(fw, weights):
    """Weight 0 for categories 1, 4, 7, ... of every row, written in place (the input keeps its layout)."""
    return weights.masked_fill_(fw.arange(weights.shape[-1]) % 3 == 1, 0)


def _within_standard_errors(fw, draws, probabilities):
    """Each category's frequency among `draws` (1-D) near its probability: |f - p| <= 6 sqrt(p (1 - p) / n)."""
    count = draws.numel()
    frequencies = (draws.unsqueeze(-1) == fw.arange(probabilities.numel())).double().sum(0) / count
    standard_errors = (probabilities * (1 - probabilities) / count).sqrt()
    return bool(((frequencies - probabilities).abs() <= STANDARD_ERRORS * standard_errors + 1e-12).all())


def _facts(fw, weights, indices, num_samples, replacement, frequencies=None):
    """What holds for any right sample of `indices` from `weights` (1-D or rows of a 2-D tensor).

    frequencies: "per_row" (each row's draws against its row), "pooled" (every row has the same weights: the first
    draw of each row against them), or None (too few draws to say)."""
    categories = weights.shape[-1]
    rows = weights.detach().double().reshape(-1, categories)
    facts = {"shape": tuple(indices.shape), "dtype": str(indices.dtype), "requires_grad": indices.requires_grad,
             "within_categories": bool(((indices >= 0) & (indices < categories)).all())}
    if indices.numel() == 0 or not facts["within_categories"]:
        return facts   # (before the reshape below: 0 rows cannot infer a -1 size)
    drawn = indices.reshape(rows.shape[0], -1)
    picked = rows.gather(1, drawn)
    # without replacement a row runs out of positive weights after `positive` draws; torch then draws zeros
    positive = drawn.shape[1] if replacement else int((rows > 0).sum(1).min())
    facts["zero_weight_only_when_no_positive_left"] = bool((picked[:, :positive] > 0).all())
    # the indices themselves, every one: the generators are seeded alike and mtv2's streams are torch's; the draws
    # among zero weights (all their keys p / q are 0) and among half-type keys that round alike are topk's choice
    # among equal keys, which follows torch's selection order (ops/_stl_order.py)
    facts["indices"] = drawn
    if not replacement:
        ordered = drawn.sort(dim=1).values
        facts["distinct_in_each_row"] = bool((ordered[:, 1:] != ordered[:, :-1]).all())
    probabilities = rows / rows.sum(1, keepdim=True)
    if frequencies == "per_row":
        facts["frequencies_as_weights"] = all(_within_standard_errors(fw, drawn[row], probabilities[row])
                                              for row in range(rows.shape[0]))
    elif frequencies == "pooled":
        facts["frequencies_as_weights"] = _within_standard_errors(fw, drawn[:, 0], probabilities[0])
    return facts


def _multinomial(fw, weights, num_samples, replacement=False, zeros=False, frequencies=None):
    if zeros:
        _zero_every_third_category(fw, weights)
    if frequencies == "pooled":   # many rows of the same weights (stride 0): one or a few draws from each
        weights = weights.expand(FREQUENT, weights.shape[-1])
    indices = fw.multinomial(weights, num_samples, replacement, generator=_generator(fw))
    return _facts(fw, weights, indices, num_samples, replacement, frequencies)


def _method(fw, weights, num_samples, replacement=False, frequencies=None):
    """Tensor.multinomial, keywords, on an input requiring grad (the indices never do)."""
    weights = weights.detach().requires_grad_()
    indices = weights.multinomial(num_samples=num_samples, replacement=replacement, generator=_generator(fw))
    return _facts(fw, weights, indices, num_samples, replacement, frequencies) | {
        "no_grad_fn": indices.grad_fn is None}


def _with_out(fw, weights, num_samples, replacement=False, out_shape=None, out_layout="contiguous"):
    """out=: the indices land in the given int64 tensor, which is returned (torch resizes one of another shape)."""
    shape = out_shape if out_shape is not None else tuple(weights.shape[:-1]) + (num_samples,)
    out = fw.empty(shape[::-1], dtype=fw.int64).t() if out_layout == "transposed" else fw.empty(shape, dtype=fw.int64)
    result = fw.multinomial(weights, num_samples, replacement, generator=_generator(fw), out=out)
    return _facts(fw, weights, result, num_samples, replacement) | {
        "returns_out": result is out, "out_stride": out.stride()}


def _samples(*rows):
    return tuple(Sample(name, (T(*shape, layout=layout),), kwargs) for name, shape, layout, kwargs in rows)


def _n(num_samples, replacement=False, **more):
    return {"num_samples": num_samples, "replacement": replacement, **more}


SAMPLES = _samples(
    ("1d_one", (7,), "contiguous", _n(1)),
    ("1d_one_replacement", (7,), "contiguous", _n(1, True)),
    ("1d_some", (7,), "contiguous", _n(4)),
    ("1d_all_categories", (7,), "contiguous", _n(7)),
    ("1d_replacement_more_than_categories", (7,), "contiguous", _n(12, True)),
    ("1d_one_category", (1,), "contiguous", _n(3, True)),
    ("1d_strided", (6,), "strided", _n(3)),
    ("1d_offset", (6,), "offset", _n(20, True)),
    ("2d_one", (4, 7), "contiguous", _n(1)),
    ("2d_some", (4, 7), "contiguous", _n(3)),
    ("2d_replacement", (4, 7), "contiguous", _n(10, True)),
    ("2d_transposed", (5, 6), "transposed", _n(3)),
    ("2d_transposed_replacement", (5, 6), "transposed", _n(9, True)),
    ("2d_strided_replacement", (4, 6), "strided", _n(2, True)),
    ("2d_offset_all_categories", (3, 5), "offset", _n(5)),
    ("2d_expanded", (4, 5), "expanded", _n(2)),
    ("2d_single_row", (1, 8), "contiguous", _n(8)),
    ("empty_rows", (0, 4), "contiguous", _n(2)),
    ("empty_rows_replacement", (0, 4), "contiguous", _n(3, True)),
    # zero weights: never drawn while a positive one is left
    ("zeros_1d", (9,), "contiguous", _n(6, zeros=True)),
    ("zeros_1d_all_categories", (9,), "contiguous", _n(9, zeros=True)),
    ("zeros_1d_replacement", (9,), "contiguous", _n(40, True, zeros=True)),
    ("zeros_1d_one", (9,), "contiguous", _n(1, zeros=True)),
    ("zeros_2d_transposed", (4, 9), "transposed", _n(5, zeros=True)),
    ("zeros_2d_strided_replacement", (3, 9), "strided", _n(30, True, zeros=True)),
    # frequencies: many draws with replacement per row, or one draw from each of many rows of the same weights
    ("frequencies_1d_replacement", (6,), "contiguous", _n(FREQUENT, True, frequencies="per_row")),
    ("frequencies_2d_transposed_replacement", (3, 6), "transposed",
     _n(FREQUENT, True, frequencies="per_row")),
    ("frequencies_zeros_replacement", (6,), "contiguous", _n(FREQUENT, True, zeros=True, frequencies="per_row")),
    ("frequencies_one_draw_per_row", (6,), "contiguous", _n(1, frequencies="pooled")),
    ("frequencies_first_of_three_per_row", (6,), "contiguous", _n(3, frequencies="pooled")),
    ("frequencies_zeros_one_draw_per_row", (6,), "contiguous", _n(1, zeros=True, frequencies="pooled")),
)

METHOD_SAMPLES = _samples(("1d", (7,), "contiguous", _n(3)),
                          ("2d_transposed_replacement", (4, 6), "transposed", _n(8, True)),
                          ("frequencies_1d_replacement", (6,), "contiguous",
                           _n(FREQUENT, True, frequencies="per_row")))

OUT_SAMPLES = _samples(("1d", (7,), "contiguous", _n(3)),
                       ("2d_replacement", (4, 6), "contiguous", _n(8, True)),
                       ("2d_into_transposed", (4, 6), "contiguous", _n(3, out_layout="transposed")),
                       ("resized_from_empty", (4, 6), "contiguous", _n(3, out_shape=(0,))),
                       ("resized_from_other_shape", (7,), "contiguous", _n(2, True, out_shape=(5,))))


def _count_forms(fw, weights, form):
    """num_samples given as torch's argument parser takes an int: a NumPy integer, a one-element integer tensor."""
    num_samples = {"numpy_int64": lambda: np.int64(3),
                   "numpy_int32": lambda: np.int32(3),
                   "tensor_0d": lambda: fw.tensor(3),
                   "tensor_1_element": lambda: fw.tensor([3], dtype=fw.int32)}[form]()
    return _facts(fw, weights, fw.multinomial(weights, num_samples, generator=_generator(fw)), 3, False)


COUNT_SAMPLES = tuple(Sample(form, (T(5, 6), Arg(value=form))) for form in
                      ("numpy_int64", "numpy_int32", "tensor_0d", "tensor_1_element"))


# ---------------------------------------------------------------- bad inputs

def _error(label, call, sample, raises=RuntimeError, dtypes=("float32",)):
    return ErrorCase(label, call, sample, raises, dtypes)


def _set(weights, index, value):
    weights[index] = value
    return weights


VECTOR, MATRIX = Sample("vector", (T(5),)), Sample("matrix", (T(3, 5),))
INTEGERS_AND_BOOL = ("bool", "uint8", "int8", "int16", "int32", "int64")


def _bad_weight_errors():
    """A negative, infinite or NaN weight, or a row of zeros, on both of torch's paths (and argmax for one draw)."""
    errors = []
    for label, value in (("negative", -0.5), ("inf", math.inf), ("nan", math.nan)):
        for path, num_samples, replacement in (("", 2, False), ("_replacement", 2, True), ("_one", 1, False)):
            errors.append(_error(f"{label}_weight{path}",
                                 lambda fw, w, v=value, n=num_samples, r=replacement: fw.multinomial(
                                     _set(w, 2, v), n, r), VECTOR))
        errors.append(_error(f"{label}_weight_2d_replacement",
                             lambda fw, w, v=value: fw.multinomial(_set(w, (1, 3), v), 4, True), MATRIX))
    for path, replacement in (("", False), ("_replacement", True)):
        errors.append(_error(f"zero_weights{path}", lambda fw, w, r=replacement: fw.multinomial(w.zero_(), 2, r),
                             VECTOR))
        errors.append(_error(f"zero_row_2d{path}", lambda fw, w, r=replacement: fw.multinomial(_set(w, 1, 0), 2, r),
                             MATRIX))
    return tuple(errors)


ERRORS = _bad_weight_errors() + (
    _error("more_than_categories_without_replacement", lambda fw, w: fw.multinomial(w, 6), VECTOR),
    _error("more_than_categories_2d", lambda fw, w: fw.multinomial(w, 6, False), MATRIX),
    _error("num_samples_0", lambda fw, w: fw.multinomial(w, 0), VECTOR),
    _error("num_samples_0_replacement", lambda fw, w: fw.multinomial(w, 0, True), VECTOR),
    _error("num_samples_negative", lambda fw, w: fw.multinomial(w, -1, True), VECTOR),
    _error("3d", lambda fw, w: fw.multinomial(w, 1), Sample("3d", (T(2, 3, 4),))),
    _error("0d", lambda fw, w: fw.multinomial(w, 1), Sample("0d", (T(),))),
    _error("no_categories", lambda fw, w: fw.multinomial(w, 1, True), Sample("2x0", (T(2, 0),))),
    _error("no_categories_1d", lambda fw, w: fw.multinomial(w, 1), Sample("0", (T(0),))),
    _error("no_categories_1d_replacement", lambda fw, w: fw.multinomial(w, 1, True), Sample("0", (T(0),))),
    # float32 indices tell categories apart up to 2^24: torch refuses more before sampling
    _error("more_than_2_24_categories", lambda fw, w: fw.multinomial(fw.ones(2 ** 24 + 1), 1), VECTOR),
    _error("integer_weights", lambda fw, w: fw.multinomial(w, 2), VECTOR, dtypes=INTEGERS_AND_BOOL),
    _error("integer_weights_replacement", lambda fw, w: fw.multinomial(w, 2, True), VECTOR, dtypes=("int64",)),
    _error("num_samples_float", lambda fw, w: fw.multinomial(w, 2.0), VECTOR, TypeError),
    _error("num_samples_bool", lambda fw, w: fw.multinomial(w, True), VECTOR, TypeError),
    _error("num_samples_none", lambda fw, w: fw.multinomial(w, None), VECTOR, TypeError),
    _error("num_samples_float_tensor", lambda fw, w: fw.multinomial(w, fw.tensor(2.0)), VECTOR, TypeError),
    _error("num_samples_numpy_float", lambda fw, w: fw.multinomial(w, np.float64(2)), VECTOR,
           TypeError),
    _error("num_samples_missing", lambda fw, w: fw.multinomial(w), VECTOR, TypeError),
    _error("replacement_int", lambda fw, w: fw.multinomial(w, 2, 1), VECTOR, TypeError),
    _error("replacement_none", lambda fw, w: fw.multinomial(w, 2, None), VECTOR, TypeError),
    _error("replacement_tensor", lambda fw, w: fw.multinomial(w, 2, fw.tensor(True)), VECTOR, TypeError),
    _error("input_list", lambda fw, w: fw.multinomial(w.tolist(), 2), VECTOR, TypeError),
    _error("generator_positional", lambda fw, w: fw.multinomial(w, 2, False, fw.Generator()), VECTOR, TypeError),
    _error("unknown_keyword", lambda fw, w: fw.multinomial(w, 2, foo=1), VECTOR, TypeError),
    _error("out_int32", lambda fw, w: fw.multinomial(w, 2, out=fw.empty(2, dtype=fw.int32)), VECTOR),
    _error("out_float", lambda fw, w: fw.multinomial(w, 2, out=fw.empty(2)), VECTOR),
)

METHOD_ERRORS = (
    _error("negative_weight", lambda fw, w: _set(w, 0, -1.0).multinomial(2), VECTOR),
    _error("more_than_categories_without_replacement", lambda fw, w: w.multinomial(6), VECTOR),
    _error("integer_weights", lambda fw, w: w.multinomial(2), VECTOR, dtypes=("int64",)),
    _error("num_samples_float", lambda fw, w: w.multinomial(2.0), VECTOR, TypeError),
    _error("out_keyword", lambda fw, w: w.multinomial(2, out=fw.empty(2, dtype=fw.int64)), VECTOR, TypeError),
)

RESIZE = XFail("mtv2 cannot resize a tensor in place (no Tensor.resize_): out= of another shape raises where torch "
               "resizes it", checks=("forward",), variants=("out-resized_from_empty", "out-resized_from_other_shape"))

SPECS = [
    OpSpec("multinomial", lambda fw, w, **kw: _multinomial(fw, w, **kw), SAMPLES, FLOATING, domain="positive",
           grad=False, errors=ERRORS),
    OpSpec("multinomial", lambda fw, w, form: _count_forms(fw, w, form), COUNT_SAMPLES, ("float32",),
           variant="num_samples_forms", domain="positive", grad=False),
    OpSpec("multinomial", lambda fw, w, **kw: _with_out(fw, w, **kw), OUT_SAMPLES, FLOATING, variant="out",
           domain="positive", grad=False, xfails=(RESIZE,)),
    OpSpec("Tensor.multinomial", lambda fw, w, **kw: _method(fw, w, **kw), METHOD_SAMPLES, FLOATING,
           domain="positive", grad=False, errors=METHOD_ERRORS),
]
