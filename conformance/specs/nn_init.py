"""Random in-place fills (Tensor.uniform_, normal_, bernoulli_, torch.bernoulli) and torch.nn.init.

Every call gets its own seeded Generator, and mtv2's streams are torch's, so the rows compare the drawn values
themselves (`values`, within the dtype's tolerance; conformance/test_rng.py checks them bit for bit). Beside them
the function returns a summary of facts in both frameworks: shape, dtype, whether the call returned self and
bumped its version, whether every value lies in the distribution's support, and whether the sample mean and
standard deviation are those the distribution's formula predicts. The thresholds are wide enough that a sample of
24,000 values from the right distribution always passes (means within 6 standard errors, standard deviations
within 3%, about 6 standard errors), and narrow enough that a wrong formula fails: a std off by sqrt(2), a bound
off by sqrt(3), fan_in taken for fan_out. Every call gets its own seeded Generator, so each row is deterministic
on both sides. Deterministic inits (constant_, ones_, zeros_, eye_, dirac_, calculate_gain, the fans) and every
error are compared exactly.
"""
import math

from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec

FLOATS = ("float16", "bfloat16", "float32", "float64")
FLOATS_AND_INT = FLOATS + ("int64",)  # torch refuses the float distributions on integers: mtv2 must too
ROWS, COLUMNS = 120, 200              # 24,000 values: the fans are 200 (in) and 120 (out)
BIG = (Sample("matrix", (T(ROWS, COLUMNS),)),
       Sample("transposed", (T(ROWS, COLUMNS, layout="transposed"),)),
       Sample("conv_weight", (T(12, 20, 10, layout="strided"),)))   # fans 200 and 120 through the receptive field
SMALL = (Sample("0d", (T(),)), Sample("empty", (T(0, 3),)))
MEAN_STANDARD_ERRORS = 6
STD_RELATIVE_TOLERANCE = 0.03


def _generator(fw, seed=0):
    return fw.Generator().manual_seed(seed)


def _summary(fw, tensor, *, mean, std, low=-math.inf, high=math.inf, reaches=None, integers=False,
             std_tolerance=STD_RELATIVE_TOLERANCE):
    """Facts about the values of `tensor` that hold for any sample of the expected distribution."""
    values = tensor.detach().double()
    # a value drawn just inside a bound may round onto or past it in the tensor's dtype
    slack = fw.finfo(tensor.dtype).eps * max(abs(low), abs(high)) if tensor.dtype.is_floating_point else 0
    facts = {"shape": tuple(tensor.shape), "dtype": str(tensor.dtype),
             "within_support": bool(((values >= low - slack) & (values <= high + slack)).all())}
    count = tensor.numel()
    if count > 1000:
        sample_mean, sample_std = float(values.mean()), float(values.std())
        facts["mean_as_predicted"] = abs(sample_mean - mean) <= MEAN_STANDARD_ERRORS * std / math.sqrt(count)
        facts["std_as_predicted"] = abs(sample_std / std - 1) <= std_tolerance
        if reaches is not None:  # a uniform's extremes come within 1% of its bounds
            facts["reaches_bounds"] = bool(values.max() >= high - reaches) and bool(values.min() <= low + reaches)
    if integers:
        facts["integer_valued"] = bool((values == values.round()).all())
    facts["values"] = tensor.detach()   # torch's draws from the same seeded generator: compared too
    return facts


def _fill(call, **expected):
    """fn for a Tensor fill: the summary plus torch's in-place facts (returns self, bumps the version)."""
    def run(fw, tensor, **kwargs):
        version = tensor._version
        result = call(fw, tensor, **kwargs)
        facts = _summary(fw, tensor, **expected)
        facts.update(returns_self=result is tensor, bumps_version=tensor._version > version)
        return facts
    return run


def _uniform_expectation(low, high):
    return dict(mean=(low + high) / 2, std=(high - low) / math.sqrt(12), low=low, high=high,
                reaches=(high - low) / 100)


def _leaf_error(name, call):
    return ErrorCase(f"leaf_requires_grad_{name}", lambda fw, x: call(fw, x.requires_grad_()),
                     Sample("leaf", (T(3, 4),)), RuntimeError)


# ---------------------------------------------------------------- Tensor.uniform_, normal_, bernoulli_

def _uniform(fw, x):
    return x.uniform_(-2, 3, generator=_generator(fw))


def _normal(fw, x):
    return x.normal_(1.5, 0.25, generator=_generator(fw))


def _bernoulli(fw, x):
    return x.bernoulli_(0.3, generator=_generator(fw))


def _bernoulli_tensor_p(fw, x):
    # p broadcast along rows: half the columns 0.1, the other half 0.7, so the mean is 0.4
    p = fw.tensor([0.1, 0.7]).repeat(x.shape[-1] // 2)
    return x.bernoulli_(p, generator=_generator(fw))


BERNOULLI_EXPECTATION = dict(mean=0.3, std=math.sqrt(0.3 * 0.7), low=0, high=1)
# a 0.1/0.7 mixture by column: mean 0.4, and the pooled std of 0/1 values with mean 0.4 is sqrt(0.4 * 0.6)
BERNOULLI_MIXTURE = dict(mean=0.4, std=math.sqrt(0.4 * 0.6), low=0, high=1)

FILL_SPECS = [
    OpSpec("Tensor.uniform_", _fill(lambda fw, x: _uniform(fw, x), **_uniform_expectation(-2, 3)),
           BIG + SMALL, FLOATS_AND_INT, grad=False,
           errors=(_leaf_error("uniform_", _uniform),
                   ErrorCase("from_above_to", lambda fw, x: x.uniform_(3, 2), Sample("matrix", (T(3, 4),)),
                             RuntimeError),
                   ErrorCase("overlapping_write", lambda fw, x: x.expand(3, 4).uniform_(), Sample("row", (T(4),)),
                             RuntimeError))),
    OpSpec("Tensor.uniform_", _fill(lambda fw, x: x.uniform_(generator=_generator(fw)), **_uniform_expectation(0, 1)),
           BIG[:1], FLOATS, variant="defaults", grad=False),
    # torch's parameter is named `from` (a Python keyword): reachable only through **{"from": ...}
    OpSpec("Tensor.uniform_", _fill(lambda fw, x: x.uniform_(**{"from": -2, "to": 3}, generator=_generator(fw)),
                                    **_uniform_expectation(-2, 3)),
           BIG[:1], FLOATS, variant="from_keyword", grad=False,
           errors=(ErrorCase("from_underscore_keyword", lambda fw, x: x.uniform_(from_=1, to=2),
                             Sample("matrix", (T(3, 4),)), TypeError),
                   ErrorCase("three_positional", lambda fw, x: x.uniform_(0, 1, fw.Generator()),
                             Sample("matrix", (T(3, 4),)), TypeError))),
    OpSpec("Tensor.normal_", _fill(lambda fw, x: _normal(fw, x), mean=1.5, std=0.25), BIG + SMALL, FLOATS_AND_INT,
           grad=False,
           errors=(_leaf_error("normal_", _normal),
                   ErrorCase("negative_std", lambda fw, x: x.normal_(0, -1), Sample("matrix", (T(3, 4),)),
                             RuntimeError))),
    OpSpec("Tensor.normal_", _fill(lambda fw, x: x.normal_(generator=_generator(fw)), mean=0.0, std=1.0),
           BIG[:1], FLOATS, variant="defaults", grad=False),
    # bernoulli_ draws 0/1 into any dtype, integers and bool included
    OpSpec("Tensor.bernoulli_", _fill(lambda fw, x: _bernoulli(fw, x), **BERNOULLI_EXPECTATION), BIG + SMALL, DTYPES,
           grad=False,
           errors=(_leaf_error("bernoulli_", _bernoulli),
                   ErrorCase("p_above_one", lambda fw, x: x.bernoulli_(1.5), Sample("matrix", (T(3, 4),)),
                             RuntimeError),
                   ErrorCase("p_negative", lambda fw, x: x.bernoulli_(-0.1), Sample("matrix", (T(3, 4),)),
                             RuntimeError))),
    OpSpec("Tensor.bernoulli_", _fill(lambda fw, x: _bernoulli_tensor_p(fw, x), **BERNOULLI_MIXTURE), BIG[:2], DTYPES,
           variant="tensor_p", grad=False),
    # torch.bernoulli: the input holds the probabilities (float dtypes only)
    OpSpec("bernoulli", lambda fw, p: _summary(fw, fw.bernoulli(p.fill_(0.3), generator=_generator(fw)),
                                               **BERNOULLI_EXPECTATION),
           BIG[:2] + SMALL, FLOATS_AND_INT, grad=False,
           errors=(ErrorCase("p_outside_0_1", lambda fw, p: fw.bernoulli(p.fill_(1.5)), Sample("matrix", (T(3, 4),)),
                             RuntimeError),)),
    OpSpec("bernoulli", lambda fw, x: _summary(fw, fw.bernoulli(x, 0.3, generator=_generator(fw)),
                                               **BERNOULLI_EXPECTATION),
           BIG[:1], FLOATS, variant="scalar_p", grad=False),
]


# ---------------------------------------------------------------- random_, exponential_, log_normal_, ...

def _discrete_uniform(low, high):
    """Integers low..high (inclusive), equally likely."""
    count = high - low + 1
    return dict(mean=(low + high) / 2, std=math.sqrt((count ** 2 - 1) / 12), low=low, high=high, integers=True)


# random_() without bounds: [0, the largest integer the dtype holds exactly (floats) or its maximum (integers)]
RANDOM_DEFAULT_HIGH = {"float16": 2 ** 11, "bfloat16": 2 ** 8, "float32": 2 ** 24, "float64": 2 ** 53, "bool": 1,
                       "uint8": 255, "int8": 127, "int16": 2 ** 15 - 1, "int32": 2 ** 31 - 1, "int64": 2 ** 63 - 1}


def _random_default(fw, x):
    version = x._version
    result = x.random_(generator=_generator(fw))
    high = RANDOM_DEFAULT_HIGH[str(x.dtype).rsplit(".", 1)[-1]]
    facts = _summary(fw, x, **_discrete_uniform(0, high))
    facts.update(returns_self=result is x, bumps_version=x._version > version)
    return facts


def _cauchy_summary(fw, x, median, sigma):
    """Cauchy has no mean or std: its median and quartiles (median -+ sigma) instead, from the sorted values."""
    values = x.detach().double().flatten().sort().values
    count = values.shape[0]
    quantile = lambda q: float(values[int(q * (count - 1))])
    tolerance = 0.06 * sigma  # about 6 standard errors of a sample quartile at this size
    return {"shape": tuple(x.shape), "dtype": str(x.dtype),
            "median_as_predicted": abs(quantile(0.5) - median) <= tolerance,
            "quartiles_as_predicted": abs(quantile(0.25) - (median - sigma)) <= tolerance
            and abs(quantile(0.75) - (median + sigma)) <= tolerance}


def _float_argument_error(label, call):
    return ErrorCase(label, call, Sample("matrix", (T(3, 4),)), TypeError)


LOG_NORMAL_MEAN, LOG_NORMAL_STD = 1.0, 0.25
LOG_NORMAL_VARIANCE = (math.exp(LOG_NORMAL_STD ** 2) - 1) * math.exp(2 * LOG_NORMAL_MEAN + LOG_NORMAL_STD ** 2)
OTHER_DISTRIBUTION_SPECS = [
    OpSpec("Tensor.random_", _fill(lambda fw, x: x.random_(-3, 4, generator=_generator(fw)),
                                   **_discrete_uniform(-3, 3)),
           BIG + SMALL, DTYPES, variant="from_to", grad=False,   # uint8 and bool refuse -3 and 4 as torch does
           errors=(ErrorCase("from_not_below_to", lambda fw, x: x.random_(5, 5), Sample("matrix", (T(3, 4),)),
                             RuntimeError),
                   _float_argument_error("float_bound", lambda fw, x: x.random_(0.5, 3)),
                   _float_argument_error("from_alone", lambda fw, x: x.random_(**{"from": 1})))),
    OpSpec("Tensor.random_", _fill(lambda fw, x: x.random_(10, generator=_generator(fw)), **_discrete_uniform(0, 9)),
           BIG[:2], DTYPES, variant="to", grad=False),
    OpSpec("Tensor.random_", _fill(lambda fw, x: x.random_(to=6, generator=_generator(fw)), **_discrete_uniform(0, 5)),
           BIG[:1], ("float32", "int64"), variant="to_keyword", grad=False),
    OpSpec("Tensor.random_", _random_default, BIG[:2] + SMALL, DTYPES, variant="default_range", grad=False),
    # exponential's and geometric's excess kurtosis is 6 or more, so their sample std is looser: judged within 8%
    OpSpec("Tensor.exponential_", _fill(lambda fw, x: x.exponential_(2.0, generator=_generator(fw)),
                                        mean=0.5, std=0.5, low=0.0, std_tolerance=0.08),
           BIG + SMALL, FLOATS_AND_INT, grad=False,
           errors=(ErrorCase("lambda_zero", lambda fw, x: x.exponential_(0), Sample("matrix", (T(3, 4),)),
                             RuntimeError),)),
    OpSpec("Tensor.log_normal_",
           _fill(lambda fw, x: x.log_normal_(LOG_NORMAL_MEAN, LOG_NORMAL_STD, generator=_generator(fw)),
                 mean=math.exp(LOG_NORMAL_MEAN + LOG_NORMAL_STD ** 2 / 2),
                 std=math.sqrt(LOG_NORMAL_VARIANCE),
                 low=0.0),
           BIG + SMALL, FLOATS_AND_INT, grad=False,
           errors=(ErrorCase("std_zero", lambda fw, x: x.log_normal_(1, 0), Sample("matrix", (T(3, 4),)),
                             RuntimeError),)),
    OpSpec("Tensor.geometric_", _fill(lambda fw, x: x.geometric_(0.3, generator=_generator(fw)),
                                      mean=1 / 0.3, std=math.sqrt(0.7) / 0.3, low=1, integers=True, std_tolerance=0.08),
           BIG + SMALL, DTYPES, grad=False,
           errors=(ErrorCase("p_one", lambda fw, x: x.geometric_(1), Sample("matrix", (T(3, 4),)), RuntimeError),)),
    OpSpec("Tensor.cauchy_", lambda fw, x: _cauchy_summary(fw, x.cauchy_(1.0, 2.0, generator=_generator(fw)), 1.0, 2.0),
           BIG[:2], FLOATS_AND_INT, grad=False,
           errors=(ErrorCase("sigma_negative", lambda fw, x: x.cauchy_(0, -1), Sample("matrix", (T(3, 4),)),
                             RuntimeError),
                   ErrorCase("empty_integer", lambda fw, x: x.long().cauchy_(), Sample("empty", (T(0, 3),)),
                             RuntimeError))),
]
FILL_SPECS += OTHER_DISTRIBUTION_SPECS


def _fill_through_view(fill):
    """A fill of row 0 of a non-leaf: the other rows keep their values, and no gradient flows through row 0."""
    def run(fw, x):
        x = x.detach().requires_grad_()
        y = x * 2
        fill(fw, y[0])
        (grad,) = fw.autograd.grad(y.sum(), x)
        return y[1:].detach(), grad
    return run


FILL_SPECS += [
    OpSpec(name, _fill_through_view(fill),
           (Sample("rows", (T(3, 4),)), Sample("transposed", (T(3, 4, layout="transposed"),))),
           FLOATS, variant="view_of_non_leaf", grad=False)
    for name, fill in (("Tensor.uniform_", _uniform), ("Tensor.normal_", _normal), ("Tensor.bernoulli_", _bernoulli))]


# ---------------------------------------------------------------- nn.init: random, by their formulas

def _fans(shape):
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def _gain(nonlinearity, a):
    return {"relu": math.sqrt(2.0), "leaky_relu": math.sqrt(2.0 / (1 + a ** 2)), "tanh": 5.0 / 3,
            "linear": 1.0, "selu": 0.75}[nonlinearity]


def _init(call, expectation):
    """fn for an nn.init function: it runs on a leaf that requires grad (init works under no_grad), returns
    the tensor itself, and leaves it requiring grad."""
    def run(fw, tensor, **kwargs):
        floating = tensor.dtype.is_floating_point
        if floating:
            tensor.requires_grad_()
        result = call(fw, tensor, **kwargs)
        facts = _summary(fw, tensor, **expectation(tuple(tensor.shape)))
        facts.update(returns_self=result is tensor, still_requires_grad=tensor.requires_grad == floating)
        return facts
    return run


def _xavier_uniform_expectation(shape, gain=1.0):
    fan_in, fan_out = _fans(shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _uniform_expectation(-bound, bound)


def _xavier_normal_expectation(shape, gain=1.0):
    fan_in, fan_out = _fans(shape)
    return dict(mean=0.0, std=gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(shape, a, mode, nonlinearity):
    fan_in, fan_out = _fans(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    # a zero fan comes only from an empty tensor, which torch leaves as it is (a no-op, with a warning)
    return _gain(nonlinearity, a) / math.sqrt(fan) if fan else math.inf


def _truncated_normal_expectation(mean, std, low, high):
    """Mean and std of Normal(mean, std) truncated to [low, high] (the textbook formulas)."""
    density = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))
    alpha, beta = (low - mean) / std, (high - mean) / std
    mass = cdf(beta) - cdf(alpha)
    shift = (density(alpha) - density(beta)) / mass
    variance = std ** 2 * (1 + (alpha * density(alpha) - beta * density(beta)) / mass - shift ** 2)
    return dict(mean=mean + std * shift, std=math.sqrt(variance), low=low, high=high)


def _random_init(name, call, expectation, variant="", samples=BIG + SMALL, dtypes=FLOATS_AND_INT, errors=()):
    return OpSpec(f"nn.init.{name}", _init(call, expectation), samples, dtypes, variant=variant, grad=False,
                  errors=errors)


KAIMING_CASES = (  # (variant, a, mode, nonlinearity)
    ("defaults", None, None, None),
    ("relu_fan_out", 0, "fan_out", "relu"),
    ("leaky_relu_a0.2", 0.2, "fan_in", "leaky_relu"),
    ("tanh_fan_out", 0, "fan_out", "tanh"),
    ("linear", 0, "fan_in", "linear"),
)


def _kaiming_keywords(a, mode, nonlinearity):
    given = {"a": a, "mode": mode, "nonlinearity": nonlinearity}
    return {key: value for key, value in given.items() if value is not None}


def _fanless_errors(call, variant=""):
    """A 0-d tensor has no fans: torch refuses it in every dtype (ValueError), so an error row, not a sample."""
    return (ErrorCase(f"{variant}-0d" if variant else "0d", call, SMALL[0], ValueError, FLOATS_AND_INT),)


def _kaiming_specs():
    specs = []
    for variant, a, mode, nonlinearity in KAIMING_CASES:
        keywords = _kaiming_keywords(a, mode, nonlinearity)
        a_, mode_, nonlinearity_ = a or 0, mode or "fan_in", nonlinearity or "leaky_relu"
        std = lambda shape, a_=a_, mode_=mode_, nonlinearity_=nonlinearity_: _kaiming_std(shape, a_, mode_,
                                                                                          nonlinearity_)
        uniform = lambda fw, t, keywords=keywords: fw.nn.init.kaiming_uniform_(t, generator=_generator(fw), **keywords)
        normal = lambda fw, t, keywords=keywords: fw.nn.init.kaiming_normal_(t, generator=_generator(fw), **keywords)
        specs.append(_random_init(
            "kaiming_uniform_", uniform,
            lambda shape, std=std: _uniform_expectation(-math.sqrt(3) * std(shape), math.sqrt(3) * std(shape)),
            variant, samples=BIG + SMALL[1:], errors=_fanless_errors(uniform, variant)))
        specs.append(_random_init(
            "kaiming_normal_", normal, lambda shape, std=std: dict(mean=0.0, std=std(shape)), variant,
            samples=BIG + SMALL[1:], errors=_fanless_errors(normal, variant)))
    return specs


FAN_ERRORS = (ErrorCase("vector_has_no_fans", lambda fw, t: fw.nn.init.xavier_uniform_(t), Sample("vector", (T(5),)),
                        ValueError),)

INIT_RANDOM_SPECS = [
    _random_init("uniform_", lambda fw, t: fw.nn.init.uniform_(t, -0.5, 2.0, generator=_generator(fw)),
                 lambda shape: _uniform_expectation(-0.5, 2.0), samples=BIG + SMALL),
    _random_init("normal_", lambda fw, t: fw.nn.init.normal_(t, 0.5, 3.0, generator=_generator(fw)),
                 lambda shape: dict(mean=0.5, std=3.0), samples=BIG + SMALL),
    _random_init("trunc_normal_", lambda fw, t: fw.nn.init.trunc_normal_(t, generator=_generator(fw)),
                 lambda shape: _truncated_normal_expectation(0.0, 1.0, -2.0, 2.0), "defaults", samples=BIG + SMALL),
    _random_init("trunc_normal_", lambda fw, t: fw.nn.init.trunc_normal_(t, 1.0, 2.0, -1.0, 2.5,
                                                                          generator=_generator(fw)),
                 lambda shape: _truncated_normal_expectation(1.0, 2.0, -1.0, 2.5), "asymmetric"),
    *(_random_init(f"xavier_{kind}_", call, expectation, variant, samples=BIG + SMALL[1:],
                   errors=(FAN_ERRORS if not variant else ()) + _fanless_errors(call, variant))
      for kind, variant, call, expectation in (
          ("uniform", "", lambda fw, t: fw.nn.init.xavier_uniform_(t, generator=_generator(fw)),
           _xavier_uniform_expectation),
          ("uniform", "gain2.5", lambda fw, t: fw.nn.init.xavier_uniform_(t, gain=2.5, generator=_generator(fw)),
           lambda shape: _xavier_uniform_expectation(shape, 2.5)),
          ("normal", "", lambda fw, t: fw.nn.init.xavier_normal_(t, generator=_generator(fw)),
           _xavier_normal_expectation),
          ("normal", "gain0.5", lambda fw, t: fw.nn.init.xavier_normal_(t, gain=0.5, generator=_generator(fw)),
           lambda shape: _xavier_normal_expectation(shape, 0.5)))),
    *_kaiming_specs(),
]


# ---------------------------------------------------------------- nn.init.orthogonal_

def _orthogonal(fw, tensor, gain=1.0):
    if tensor.dtype.is_floating_point:
        tensor.requires_grad_()
    result = fw.nn.init.orthogonal_(tensor, gain, generator=_generator(fw))
    flat = tensor.detach().double().reshape(tensor.shape[0], -1)
    gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    identity = fw.eye(gram.shape[0], dtype=gram.dtype) * gain ** 2
    return {"shape": tuple(tensor.shape), "returns_self": result is tensor,
            "orthogonal_rows_or_columns": bool(((gram - identity).abs() < 1e-5 * gain ** 2).all())}


ORTHOGONAL_SAMPLES = (Sample("wide", (T(4, 7),)), Sample("tall", (T(9, 3),)), Sample("square", (T(5, 5),)),
                      Sample("conv_weight", (T(3, 2, 2),)), Sample("transposed", (T(6, 4, layout="transposed"),)))

def _sparse(fw, tensor, sparsity=0.1, std=0.5):
    """sparse_: exactly ceil(sparsity * rows) zeros in every column, the rest Normal(0, std)."""
    tensor.requires_grad_()
    result = fw.nn.init.sparse_(tensor, sparsity, std, generator=_generator(fw))
    values = tensor.detach().double()
    zeros = (values == 0)
    nonzero = values[zeros.logical_not()]
    nonzero_summary = _summary(fw, nonzero, mean=0.0, std=std)
    del nonzero_summary["values"]   # the zeros' places come from randperm on the default generator, not `generator`
    return {"returns_self": result is tensor, "zeros_per_column": sorted(set(zeros.sum(0).tolist())),
            "nonzero": nonzero_summary}


# ---------------------------------------------------------------- nn.init: deterministic, compared exactly


def _deterministic(call):
    def run(fw, tensor, *args, **kwargs):
        floating = tensor.dtype.is_floating_point
        if floating:
            tensor.requires_grad_()
        result = call(fw, tensor, *args, **kwargs)
        return tensor.detach(), result is tensor, tensor.requires_grad == floating
    return run


MATRIX_SAMPLES = (Sample("matrix", (T(3, 4),)), Sample("tall", (T(5, 2),)),
                  Sample("transposed", (T(3, 4, layout="transposed"),)))
ANY_SAMPLES = MATRIX_SAMPLES + (Sample("0d", (T(),)), Sample("empty", (T(0, 3),)), Sample("3d", (T(2, 3, 4),)))
DIRAC_SAMPLES = (Sample("conv1d", (T(4, 3, 3),)), Sample("conv2d", (T(3, 3, 3, 3),)),
                 Sample("conv3d", (T(2, 2, 1, 3, 3),)),
                 Sample("conv1d_groups2", (T(4, 3, 5),), {"groups": 2}))

INIT_DETERMINISTIC_SPECS = [
    OpSpec("nn.init.constant_", _deterministic(lambda fw, t: fw.nn.init.constant_(t, 0.3)), ANY_SAMPLES, DTYPES,
           grad=False),
    OpSpec("nn.init.ones_", _deterministic(lambda fw, t: fw.nn.init.ones_(t)), ANY_SAMPLES, DTYPES, grad=False),
    OpSpec("nn.init.zeros_", _deterministic(lambda fw, t: fw.nn.init.zeros_(t)), ANY_SAMPLES, DTYPES, grad=False),
    OpSpec("nn.init.eye_", _deterministic(lambda fw, t: fw.nn.init.eye_(t)), MATRIX_SAMPLES, DTYPES, grad=False,
           errors=(ErrorCase("3d", lambda fw, t: fw.nn.init.eye_(t), Sample("3d", (T(2, 3, 4),)), ValueError),)),
    OpSpec("nn.init.dirac_", _deterministic(lambda fw, t, **kw: fw.nn.init.dirac_(t, **kw)), DIRAC_SAMPLES, DTYPES,
           grad=False,
           errors=(ErrorCase("2d", lambda fw, t: fw.nn.init.dirac_(t), Sample("2d", (T(2, 3),)), ValueError),
                   ErrorCase("groups_not_dividing", lambda fw, t: fw.nn.init.dirac_(t, groups=2),
                             Sample("conv1d", (T(3, 3, 3),)), ValueError))),
    OpSpec("nn.init.orthogonal_", _orthogonal, ORTHOGONAL_SAMPLES, FLOATS_AND_INT, grad=False,
           errors=(ErrorCase("vector", lambda fw, t: fw.nn.init.orthogonal_(t), Sample("vector", (T(5),)),
                             ValueError),
                   ErrorCase("0d", lambda fw, t: fw.nn.init.orthogonal_(t), Sample("0d", (T(),)), ValueError))),
    OpSpec("nn.init.sparse_", _sparse, (Sample("matrix", (T(ROWS, COLUMNS),)),
                                         Sample("transposed", (T(ROWS, COLUMNS, layout="transposed"),))),
           ("float16", "bfloat16", "float32", "float64"), grad=False,
           errors=(ErrorCase("3d", lambda fw, t: fw.nn.init.sparse_(t, 0.1), Sample("3d", (T(2, 3, 4),)), ValueError),)),
    OpSpec("nn.init.orthogonal_", lambda fw, t: _orthogonal(fw, t, 2.0), ORTHOGONAL_SAMPLES[:2], ("float32", "float64"),
           variant="gain2", grad=False),
]

GAIN_SAMPLES = tuple(Sample(name, (Arg(value=name),)) for name in (
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid",
    "tanh", "relu", "leaky_relu", "selu")) + tuple(
    Sample(f"leaky_relu_{label}", (Arg(value="leaky_relu"), Arg(value=param)))
    for label, param in (("0.2", 0.2), ("int1", 1), ("0", 0)))


def _gain_error(label, *args):
    return ErrorCase(label, lambda fw, t: fw.nn.init.calculate_gain(*args), Sample("any", (T(1),)), ValueError)


FAN_SAMPLES = (Sample("linear", (T(3, 4),)), Sample("conv1d", (T(3, 4, 5),)), Sample("conv2d", (T(2, 3, 4, 5),)),
               Sample("empty", (T(0, 4),)))

INIT_TABLE_SPECS = [
    OpSpec("nn.init.calculate_gain", lambda fw, *args: fw.nn.init.calculate_gain(*args), GAIN_SAMPLES, ("float32",),
           grad=False,
           errors=(_gain_error("unknown_nonlinearity", "swish"), _gain_error("slope_not_a_number", "leaky_relu", "x"),
                   _gain_error("slope_bool", "leaky_relu", True))),
    OpSpec("nn.init._calculate_fan_in_and_fan_out", lambda fw, t: fw.nn.init._calculate_fan_in_and_fan_out(t),
           FAN_SAMPLES, ("float32",), grad=False,
           errors=(ErrorCase("vector", lambda fw, t: fw.nn.init._calculate_fan_in_and_fan_out(t),
                             Sample("vector", (T(5),)), ValueError),
                   ErrorCase("0d", lambda fw, t: fw.nn.init._calculate_fan_in_and_fan_out(t), Sample("0d", (T(),)),
                             ValueError))),
    OpSpec("nn.init._calculate_correct_fan", lambda fw, t, mode: fw.nn.init._calculate_correct_fan(t, mode),
           (Sample("fan_in", (T(3, 4, 5), Arg(value="fan_in"))), Sample("fan_out", (T(3, 4, 5), Arg(value="fan_out"))),
            Sample("upper_case", (T(3, 4, 5), Arg(value="FAN_OUT")))), ("float32",), grad=False,
           errors=(ErrorCase("bad_mode", lambda fw, t: fw.nn.init.kaiming_uniform_(t, mode="fan"),
                             Sample("matrix", (T(3, 4),)), ValueError),)),
]


# ---------------------------------------------------------------- default initialisation of the layers

def _default_init(build, expectations):
    """fn: build a layer from a seeded global generator; facts about each parameter (by name) as predicted by
    torch's reset_parameters formula, and that each is a Parameter requiring grad. A parameter whose expectation
    is None is deterministic and returned as is (compared exactly)."""
    def run(fw, unused):
        fw.manual_seed(0)
        layer = build(fw)
        facts = {}
        for name, parameter in layer.named_parameters():
            expectation = expectations[name]
            if expectation is None:
                facts[name] = parameter.detach()
            else:
                facts[name] = _summary(fw, parameter, **expectation)
            facts[f"{name}.is_parameter"] = isinstance(parameter, fw.nn.Parameter) and parameter.requires_grad
        for name, buffer in layer.named_buffers():
            facts[name] = buffer
        return facts
    return run


def _bound(fan_in):
    return _uniform_expectation(-1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))


def _layer_default(name, variant, build, expectations):
    return OpSpec(f"{name}.reset_parameters", _default_init(build, expectations), (Sample("default", (T(1),)),),
                  ("float32",), variant=variant, grad=False)


def _embedding_padding_row(fw, unused):
    """Embedding(padding_idx=3): N(0, 1) everywhere but row 3, which starts at zero."""
    fw.manual_seed(0)
    weight = fw.nn.Embedding(COLUMNS, ROWS, padding_idx=3).weight.detach()
    return weight[3], _summary(fw, fw.cat([weight[:3], weight[4:]]), mean=0.0, std=1.0)


LAYER_DEFAULT_SPECS = [
    # weight: kaiming_uniform_(a=sqrt(5)) is U(+-1/sqrt(fan_in)); bias: U(+-1/sqrt(fan_in)) too
    _layer_default("nn.Linear", "200x120", lambda fw: fw.nn.Linear(COLUMNS, ROWS),
                   {"weight": _bound(COLUMNS), "bias": _bound(COLUMNS)}),
    _layer_default("nn.Linear", "no_bias", lambda fw: fw.nn.Linear(COLUMNS, ROWS, bias=False),
                   {"weight": _bound(COLUMNS)}),
    _layer_default("nn.Conv1d", "20to12_k10", lambda fw: fw.nn.Conv1d(20, 12, 10),
                   {"weight": _bound(200), "bias": _bound(200)}),
    _layer_default("nn.Conv1d", "groups2", lambda fw: fw.nn.Conv1d(20, 120, 10, groups=2),
                   {"weight": _bound(100), "bias": _bound(100)}),
    _layer_default("nn.Embedding", "200x120", lambda fw: fw.nn.Embedding(COLUMNS, ROWS),
                   {"weight": dict(mean=0.0, std=1.0)}),
    _layer_default("nn.LayerNorm", "8", lambda fw: fw.nn.LayerNorm(8), {"weight": None, "bias": None}),
    _layer_default("nn.BatchNorm1d", "8", lambda fw: fw.nn.BatchNorm1d(8), {"weight": None, "bias": None}),
    OpSpec("nn.Embedding.reset_parameters", _embedding_padding_row, (Sample("default", (T(1),)),), ("float32",),
           variant="padding_idx", grad=False),
]

SPECS = FILL_SPECS + INIT_RANDOM_SPECS + INIT_DETERMINISTIC_SPECS + INIT_TABLE_SPECS + LAYER_DEFAULT_SPECS
