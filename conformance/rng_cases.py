"""Seeded random streams (kind=rng): after the same manual_seed, every random op, initialiser, module construction
and dropout gives torch's values bit for bit, and leaves the generator where torch's is.

A case is `call(fw)`, run right after `fw.manual_seed(seed)` (seed: crc32 of the case id) in each framework, the
default generators' states saved before and restored after, so no row moves another's stream. Two rows per case:

- forward: the values are torch's bit for bit (shape, dtype, every bit, the sign of zeros); a case whose arithmetic
  cannot be torch's on this CPU declares its measured bound in ulps (`ulps`, with the reason), or compares within the
  dtype's default tolerance (`tolerance`) where the draws are exact and only the arithmetic around them is not.
- stream: the default generator's state bytes (torch's 5056-byte layout) after the call equal torch's, so the next
  draw would agree too.

State round trips move a state between the frameworks: `call` then uses the other framework to make the state.
"""
import warnings
from dataclasses import dataclass

import numpy as np

from conformance.checks import CheckResult
from conformance.compare import compare_arrays, default_tolerance
from conformance.frameworks import dtype_name, is_tensor, reference, to_numpy
from conformance.inputs import seed_of
from conformance.outcome import exception_text, flatten_output, timed
from conformance.run import make_row

CHECKS = ("forward", "stream")
FLOATS = ("float32", "float64", "float16", "bfloat16")
INTEGERS = ("int64", "int32", "int16", "int8", "uint8", "bool")
SIZES = (1, 7, 15, 16, 17, 33, 100, 1000)   # around torch's 16-element blocks: below, at, above, not multiples


@dataclass(frozen=True)
class RngCase:
    name: str                 # torch's public name: rand, Tensor.normal_, nn.init.trunc_normal_, nn.Linear, ...
    variant: str
    dtype: str
    call: object              # fw -> value (tensors, numbers, nested tuples)
    ulps: int = 0             # declared bound, when the arithmetic around the draws cannot be torch's
    tolerance: bool = False   # compare within the dtype's default tolerance (draws exact, arithmetic not)
    reason: str = ""
    kind: str = "rng"

    @property
    def case_id(self):
        return f"rng/{self.name}/{self.variant}/{self.dtype}"

    @property
    def checks(self):
        return CHECKS

    def row_name(self, check):
        return self.name


# ---------------------------------------------------------------- helpers used by the calls

def _dtype(fw, name):
    return getattr(fw, name)


def _empty(fw, shape, dtype, layout):
    """An uninitialised tensor of `shape` laid out contiguous, transposed (its last two dims swapped in memory) or
    sliced (every other column of a tensor twice as wide): torch's fills walk it in memory order."""
    dtype = _dtype(fw, dtype)
    if layout == "contiguous":
        return fw.zeros(shape, dtype=dtype)
    if layout == "transposed":
        return fw.zeros(shape[:-2] + (shape[-1], shape[-2]), dtype=dtype).transpose(-1, -2)
    return fw.zeros(shape[:-1] + (2 * shape[-1],), dtype=dtype)[..., ::2]


def _probabilities(fw, shape, dtype, seed=0):
    values = np.random.default_rng(seed).random(shape)
    return fw.tensor(values, dtype=_dtype(fw, dtype))


def _warnings_off(call):
    def quiet(fw, *args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call(fw, *args)
    return quiet


# ---------------------------------------------------------------- the case table

def _factory_cases():
    cases = []
    for dtype in FLOATS:
        for size in SIZES:
            cases += [RngCase("rand", f"size{size}", dtype, lambda fw, s=size, d=dtype: fw.rand(s, dtype=_dtype(fw, d))),
                      RngCase("randn", f"size{size}", dtype,
                              lambda fw, s=size, d=dtype: fw.randn(s, dtype=_dtype(fw, d)))]
        cases += [
            RngCase("randn", "shape_3x5x7", dtype, lambda fw, d=dtype: fw.randn(3, 5, 7, dtype=_dtype(fw, d))),
            RngCase("rand", "generator", dtype,
                    lambda fw, d=dtype: fw.rand(40, dtype=_dtype(fw, d), generator=fw.Generator().manual_seed(3))),
            RngCase("randn", "generator", dtype,
                    lambda fw, d=dtype: fw.randn(40, dtype=_dtype(fw, d), generator=fw.Generator().manual_seed(3))),
            RngCase("rand_like", "transposed", dtype,
                    lambda fw, d=dtype: fw.rand_like(_empty(fw, (6, 7), d, "transposed"))),
            RngCase("randn_like", "transposed", dtype,
                    lambda fw, d=dtype: fw.randn_like(_empty(fw, (6, 7), d, "transposed"))),
            RngCase("randn_like", "sliced", dtype, lambda fw, d=dtype: fw.randn_like(_empty(fw, (6, 7), d, "sliced"))),
            RngCase("randn_like", "contiguous", dtype,
                    lambda fw, d=dtype: fw.randn_like(_empty(fw, (6, 7), d, "contiguous"))),
            RngCase("normal", "float_float_size", dtype,
                    lambda fw, d=dtype: fw.normal(0.5, 2.0, (50,), dtype=_dtype(fw, d))),
            RngCase("normal", "tensor_mean", dtype,
                    lambda fw, d=dtype: fw.normal(fw.arange(20, dtype=_dtype(fw, d)), 0.5)),
            RngCase("normal", "tensor_std", dtype,
                    lambda fw, d=dtype: fw.normal(1.0, fw.arange(1, 31, dtype=_dtype(fw, d)).reshape(5, 6))),
            RngCase("normal", "tensor_mean_tensor_std", dtype,
                    lambda fw, d=dtype: fw.normal(fw.arange(5, dtype=_dtype(fw, d)).reshape(5, 1),
                                                  fw.arange(1, 4, dtype=_dtype(fw, d)))),
            RngCase("bernoulli", "probability_tensor", dtype,
                    lambda fw, d=dtype: fw.bernoulli(_probabilities(fw, (7, 9), d))),
            RngCase("bernoulli", "transposed_probabilities", dtype,
                    lambda fw, d=dtype: fw.bernoulli(_probabilities(fw, (7, 9), d).t())),
            RngCase("bernoulli", "p_number", dtype, lambda fw, d=dtype: fw.bernoulli(_empty(fw, (40,), d, "contiguous"),
                                                                                    0.3)),
        ]
    for dtype in ("int64", "int32", "int16", "uint8", "float32", "float64"):
        cases.append(RngCase("randint", "0_to_100", dtype,
                             lambda fw, d=dtype: fw.randint(0, 100, (300,), dtype=_dtype(fw, d))))
    for low, high in ((-5, 5), (0, 2 ** 28 - 1), (0, 2 ** 28), (0, 2 ** 31), (-2 ** 40, 2 ** 40)):
        cases.append(RngCase("randint", f"{low}_to_{high}", "int64",
                             lambda fw, lo=low, hi=high: fw.randint(lo, hi, (300,))))
    cases.append(RngCase("randint_like", "transposed", "int32",
                         lambda fw: fw.randint_like(_empty(fw, (5, 8), "int32", "transposed"), 3, 50)))
    for n in (0, 1, 2, 10, 1000, 100000):
        cases.append(RngCase("randperm", f"n{n}", "int64", lambda fw, n=n: fw.randperm(n)))
    for dtype in ("int32", "float32", "float64"):
        cases.append(RngCase("randperm", "n100", dtype, lambda fw, d=dtype: fw.randperm(100, dtype=_dtype(fw, d))))
    cases.append(RngCase("randperm", "generator", "int64",
                         lambda fw: fw.randperm(500, generator=fw.Generator().manual_seed(9))))
    return cases


def _multinomial_cases():
    cases = []
    for dtype in FLOATS:
        for shape in ((7,), (3, 7), (2, 5000)):
            for samples, replacement in ((1, False), (3, False), (1, True), (40, True)):
                def call(fw, d=dtype, shape=shape, n=samples, r=replacement):
                    weights = _probabilities(fw, shape, d, seed=1)
                    return fw.multinomial(weights, n, r)
                name = "x".join(map(str, shape))
                cases.append(RngCase("multinomial", f"{name}_{samples}_{'with' if replacement else 'without'}",
                                     dtype, call))
    return cases


_FILL_CALLS = {
    "Tensor.uniform_": lambda t: t.uniform_(-1.5, 2.5),
    "Tensor.normal_": lambda t: t.normal_(0.5, 2.0),
    "Tensor.bernoulli_": lambda t: t.bernoulli_(0.3),
    "Tensor.exponential_": lambda t: t.exponential_(1.5),
    "Tensor.geometric_": lambda t: t.geometric_(0.3),
    "Tensor.log_normal_": lambda t: t.log_normal_(0.2, 0.5),
    "Tensor.cauchy_": lambda t: t.cauchy_(0.2, 0.5),
    "Tensor.random_": lambda t: t.random_(),
}


def _fill_cases():
    cases = []
    for name, fill in _FILL_CALLS.items():
        dtypes = FLOATS + (INTEGERS if name in ("Tensor.bernoulli_", "Tensor.geometric_", "Tensor.random_") else ())
        for dtype in dtypes:
            if dtype == "bool" and name == "Tensor.geometric_":
                continue   # torch: not implemented for Bool
            for size in SIZES if dtype in ("float32", "float64") else (7, 17, 100):
                cases.append(RngCase(name, f"size{size}", dtype,
                                     lambda fw, f=fill, s=size, d=dtype: f(_empty(fw, (s,), d, "contiguous"))))
            for layout in ("transposed", "sliced"):
                cases.append(RngCase(name, layout, dtype,
                                     lambda fw, f=fill, d=dtype, l=layout: f(_empty(fw, (6, 7), d, l))))
    for dtype in FLOATS:
        cases += [
            RngCase("Tensor.bernoulli_", "probability_tensor", dtype,
                    lambda fw, d=dtype: _empty(fw, (6, 7), d, "contiguous").bernoulli_(_probabilities(fw, (7,), d))),
            RngCase("Tensor.bernoulli_", "probability_float64_transposed", dtype,
                    lambda fw, d=dtype: _empty(fw, (6, 7), d, "transposed").bernoulli_(
                        _probabilities(fw, (6, 7), "float64"))),
            RngCase("Tensor.normal_", "generator", dtype, lambda fw, d=dtype: _empty(fw, (40,), d, "contiguous").normal_(
                generator=fw.Generator().manual_seed(5))),
            RngCase("Tensor.uniform_", "generator", dtype, lambda fw, d=dtype: _empty(fw, (40,), d, "contiguous")
                    .uniform_(generator=fw.Generator().manual_seed(5))),
        ]
    for dtype in ("int64", "int32", "int8", "uint8", "float32", "float64", "float16", "bfloat16"):
        cases += [RngCase("Tensor.random_", "to_100", dtype,
                          lambda fw, d=dtype: _empty(fw, (50,), d, "contiguous").random_(100)),
                  RngCase("Tensor.random_", "from_3_to_90", dtype,
                          lambda fw, d=dtype: _empty(fw, (50,), d, "contiguous").random_(3, 90)),
                  RngCase("Tensor.random_", "from_5_to_none", dtype,
                          lambda fw, d=dtype: _empty(fw, (50,), d, "contiguous").random_(5, None))]
    for dtype in ("int64", "float32", "float64"):
        cases.append(RngCase("Tensor.random_", "every_int64", dtype,
                             lambda fw, d=dtype: _empty(fw, (50,), d, "contiguous").random_(-2 ** 63, None)))
    for dtype in ("float32", "float64"):
        cases.append(RngCase("Tensor.random_", "from_0_to_2**30", dtype,
                             _warnings_off(lambda fw, d=dtype: _empty(fw, (50,), d, "contiguous").random_(0, 2 ** 30))))
    return cases


_ORTHOGONAL = ("orthogonal_'s QR: torch factors with MKL's geqrf, mtv2 with OpenBLAS's (NumPy); the normal draws "
               "are torch's, Q agrees to rounding (measured: 3e-7 absolute in float32, 1e-15 in float64)")


def _init_cases():
    inits = {
        "uniform_": lambda fw, t: fw.nn.init.uniform_(t, -0.3, 0.5),
        "normal_": lambda fw, t: fw.nn.init.normal_(t, 0.1, 0.02),
        "xavier_uniform_": lambda fw, t: fw.nn.init.xavier_uniform_(t, gain=1.5),
        "xavier_normal_": lambda fw, t: fw.nn.init.xavier_normal_(t),
        "kaiming_uniform_": lambda fw, t: fw.nn.init.kaiming_uniform_(t, a=0.1, mode="fan_out"),
        "kaiming_normal_": lambda fw, t: fw.nn.init.kaiming_normal_(t, nonlinearity="relu"),
        "trunc_normal_": lambda fw, t: fw.nn.init.trunc_normal_(t, 0.0, 1.0, -2.0, 2.0),
        "sparse_": lambda fw, t: fw.nn.init.sparse_(t, 0.3),
    }
    cases = []
    for name, init in inits.items():
        for dtype in FLOATS:
            cases.append(RngCase(f"nn.init.{name}", "30x40", dtype,
                                 lambda fw, i=init, d=dtype: i(fw, _empty(fw, (30, 40), d, "contiguous"))))
        cases.append(RngCase(f"nn.init.{name}", "transposed", "float32",
                             lambda fw, i=init: i(fw, _empty(fw, (30, 40), "float32", "transposed"))))
    for dtype in FLOATS:
        cases += [
            # [a, b] holding little mass: uniform_ candidates accepted by a float32 log_ test, redrawn when rejected
            RngCase("nn.init.trunc_normal_", "narrow_interval_768x768", dtype, lambda fw, d=dtype: fw.nn.init
                    .trunc_normal_(_empty(fw, (768, 768), d, "contiguous"), 0.0, 1.0, -0.2, 0.1)),
            RngCase("nn.init.trunc_normal_", "tail_interval", dtype, _warnings_off(lambda fw, d=dtype: fw.nn.init
                    .trunc_normal_(_empty(fw, (30, 40), d, "contiguous"), 0.0, 1.0, 2.0, 3.0))),
            RngCase("nn.init.trunc_normal_", "bert_0.02_768x768", dtype, lambda fw, d=dtype: fw.nn.init
                    .trunc_normal_(_empty(fw, (768, 768), d, "contiguous"), 0.0, 0.02, -0.04, 0.04)),
        ]
    for dtype in ("float32", "float64"):
        for shape in ((30, 40), (40, 30), (6, 4, 5)):
            cases.append(RngCase("nn.init.orthogonal_", "x".join(map(str, shape)), dtype,
                                 lambda fw, s=shape, d=dtype: fw.nn.init.orthogonal_(_empty(fw, s, d, "contiguous"),
                                                                                     gain=2.0),
                                 tolerance=True, reason=_ORTHOGONAL))
    return cases


def _module_cases():
    modules = {
        "nn.Linear": (("10x2", lambda fw, d: fw.nn.Linear(10, 2, dtype=d)),
                      ("768x3072", lambda fw, d: fw.nn.Linear(768, 3072, dtype=d)),
                      ("no_bias", lambda fw, d: fw.nn.Linear(10, 2, bias=False, dtype=d)),
                      ("no_fan_in", _warnings_off(lambda fw, d=None: fw.nn.Linear(0, 3, dtype=d)))),
        "nn.Embedding": (("100x16", lambda fw, d: fw.nn.Embedding(100, 16, dtype=d)),
                         ("padding_idx", lambda fw, d: fw.nn.Embedding(10, 3, padding_idx=2, dtype=d))),
        "nn.Conv1d": (("3_4_5", lambda fw, d: fw.nn.Conv1d(3, 4, 5, dtype=d)),
                      ("groups", lambda fw, d: fw.nn.Conv1d(4, 8, 3, groups=2, dtype=d))),
        "nn.LayerNorm": (("8", lambda fw, d: fw.nn.LayerNorm(8, dtype=d)),),
        "nn.BatchNorm1d": (("8", lambda fw, d: fw.nn.BatchNorm1d(8, dtype=d)),),
        "nn.Sequential": (("mlp_embedding_norm", lambda fw, d: fw.nn.Sequential(
            fw.nn.Linear(4, 8, dtype=d), fw.nn.ReLU(), fw.nn.Linear(8, 2, dtype=d), fw.nn.Embedding(9, 4, dtype=d),
            fw.nn.LayerNorm(4, dtype=d))),),
    }
    cases = []
    for name, variants in modules.items():
        for variant, build in variants:
            for dtype in FLOATS:
                if dtype != "float32" and variant in ("768x3072", "no_fan_in"):
                    continue
                cases.append(RngCase(name, variant, dtype,
                                     lambda fw, b=build, d=dtype: _parameters(b(fw, _dtype(fw, d)))))
    return cases


def _parameters(module):
    return dict(module.state_dict())


def _dropout_cases():
    def x(fw, dtype, shape=(4, 6, 5, 3), layout="contiguous"):
        # float32 values: torch converts a float64 value to half through float (two roundings), mtv2 directly
        values = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        tensor = fw.tensor(values, dtype=_dtype(fw, dtype))
        return tensor.transpose(0, 2) if layout == "transposed" else tensor[:, ::2] if layout == "sliced" else tensor
    F = "nn.functional."
    cases = []
    for dtype in FLOATS:
        for p in (0.1, 0.5, 0.9):
            cases.append(RngCase(F + "dropout", f"p{p}", dtype, lambda fw, d=dtype, p=p: fw.nn.functional.dropout(
                x(fw, d), p)))
        cases += [
            RngCase(F + "dropout", "transposed", dtype,
                    lambda fw, d=dtype: fw.nn.functional.dropout(x(fw, d, layout="transposed"), 0.2)),
            RngCase(F + "dropout", "sliced", dtype,
                    lambda fw, d=dtype: fw.nn.functional.dropout(x(fw, d, layout="sliced"), 0.2)),
            RngCase(F + "dropout", "inplace", dtype,
                    lambda fw, d=dtype: fw.nn.functional.dropout(x(fw, d), 0.2, inplace=True)),
            RngCase(F + "dropout1d", "p0.4", dtype, lambda fw, d=dtype: fw.nn.functional.dropout1d(x(fw, d)[0], 0.4)),
            RngCase(F + "dropout2d", "p0.4", dtype, lambda fw, d=dtype: fw.nn.functional.dropout2d(x(fw, d), 0.4)),
            RngCase(F + "dropout3d", "p0.4", dtype, lambda fw, d=dtype: fw.nn.functional.dropout3d(x(fw, d)[None],
                                                                                                  0.4)),
            RngCase(F + "alpha_dropout", "p0.2", dtype,
                    lambda fw, d=dtype: fw.nn.functional.alpha_dropout(x(fw, d), 0.2, training=True)),
            RngCase(F + "feature_alpha_dropout", "p0.2", dtype,
                    lambda fw, d=dtype: fw.nn.functional.feature_alpha_dropout(x(fw, d), 0.2, training=True)),
            RngCase("nn.Dropout", "p0.25", dtype, lambda fw, d=dtype: fw.nn.Dropout(0.25)(x(fw, d))),
            RngCase("nn.Dropout2d", "p0.25", dtype, lambda fw, d=dtype: fw.nn.Dropout2d(0.25)(x(fw, d))),
            RngCase("nn.AlphaDropout", "p0.25", dtype, lambda fw, d=dtype: fw.nn.AlphaDropout(0.25)(x(fw, d))),
            # bert-base's attention-probability dropout on one layer's (batch 2) scores
            RngCase(F + "dropout", "bert_attention_2x12x128x128", dtype,
                    lambda fw, d=dtype: fw.nn.functional.dropout(x(fw, d, (2, 12, 128, 128)), 0.1)),
        ]
        for causal in (False, True):
            cases.append(RngCase(
                F + "scaled_dot_product_attention", f"dropout0.3{'_causal' if causal else ''}", dtype,
                lambda fw, d=dtype, c=causal: fw.nn.functional.scaled_dot_product_attention(
                    x(fw, d), x(fw, d) * 0.5, x(fw, d), dropout_p=0.3, is_causal=c),
                tolerance=True, reason="the dropout mask is torch's (stream row); the attention's matmuls and softmax "
                                       "round as NumPy's do, within the dtype's default tolerance"))
    return cases


def _round_trip(fw, source_name, draws_before, draw_after):
    """Draws made by `source_name`'s framework, its state moved into fw, then fw's draws: torch's continuation
    (fw = torch) against the moved state's (fw = mtv2, or torch fed mtv2's state)."""
    import mtv2
    source = reference() if source_name == "torch" else mtv2
    if source is fw:
        draws_before(fw)
    else:   # the source seeded as fw was, its own stream left as it found it
        saved = source.get_rng_state()
        try:
            source.manual_seed(fw.initial_seed())
            draws_before(source)
            state = to_numpy(source, source.get_rng_state())
        finally:
            source.set_rng_state(saved)
        fw.set_rng_state(fw.tensor(np.asarray(state), dtype=fw.uint8))
    return draw_after(fw), fw.get_rng_state()


def _stream_cases():
    def mixed(fw):
        """A long sequence of mixed calls: odd and even sizes around the 16-blocks, the scalar path's cached normal
        carried from one call to the next, every distribution, generators and inits interleaved."""
        out = [fw.randn(3), fw.rand(5), fw.randn(1), fw.randn(17), fw.empty(7).log_normal_(), fw.randn(2, 3).t(),
               fw.randint(0, 10, (9,)), fw.empty(20, dtype=fw.float64).normal_(), fw.empty(5).exponential_(),
               fw.randperm(37), fw.bernoulli(fw.full((11,), 0.4)), fw.empty(13).cauchy_(),
               fw.empty(3, 4).t().normal_(), fw.randn(1), fw.empty(31, dtype=fw.float16).normal_(),
               fw.empty(9).geometric_(0.2), fw.multinomial(fw.ones(6), 4), fw.randn(16), fw.rand(1, dtype=fw.float64)]
        generator = fw.Generator().manual_seed(77)
        out += [fw.randn(5, generator=generator), fw.nn.Linear(7, 3).weight, fw.randn(3),
                fw.nn.functional.dropout(fw.ones(50), 0.3), fw.randn(9, generator=generator), fw.randn(1),
                generator.get_state()]
        return out

    cases = [RngCase("manual_seed", "long_mixed_sequence", "mixed", mixed)]
    for seed in (0, 1, 2 ** 32 + 7, 2 ** 64 - 1, -1):
        cases.append(RngCase("manual_seed", f"seed_{seed}", "uint8",
                             lambda fw, s=seed: (fw.manual_seed(s), fw.get_rng_state(), fw.initial_seed())[1:]))
    cases += [
        RngCase("Generator", "default_seed", "uint8", lambda fw: (fw.Generator().get_state(),
                                                                  fw.Generator().initial_seed())),
        RngCase("get_rng_state", "after_odd_scalar_normals", "uint8",
                lambda fw: (fw.randn(3), fw.get_rng_state())),          # the cached normal is in the state
        RngCase("set_rng_state", "replays", "float32",
                lambda fw: (lambda state: (fw.randn(21), fw.set_rng_state(state), fw.randn(21))[::2])(
                    fw.get_rng_state())),
        RngCase("random.fork_rng", "restores", "float32",
                lambda fw: (lambda inner: (inner, fw.randn(5)))(_forked(fw))),
    ]
    for source in ("torch", "mtv2"):
        for before in (0, 3, 623, 624, 1000):
            cases.append(RngCase(
                "set_rng_state", f"from_{source}_after_{before}_draws", "float32",
                lambda fw, s=source, b=before: _round_trip(
                    fw, s, lambda f: (f.randint(0, 100, (b,)), f.randn(3)),
                    lambda f: (f.randn(50), f.rand(7), f.randn(1), f.randint(0, 5, (9,))))))
    return cases


def _forked(fw):
    with fw.random.fork_rng():
        fw.manual_seed(99)
        return fw.randn(4)


def _data(fw):
    import importlib
    return importlib.import_module(f"{fw.__name__}.utils.data")


def _built_on_cases():
    """torch.utils.data's samplers and torch.distributions draw through the ops above, in torch's order."""
    D = _data
    return [
        RngCase("utils.data.RandomSampler", "shuffle_20", "int64", lambda fw: list(D(fw).RandomSampler(range(20)))),
        RngCase("utils.data.RandomSampler", "replacement_15_of_10", "int64",
                lambda fw: list(D(fw).RandomSampler(range(10), replacement=True, num_samples=15))),
        RngCase("utils.data.random_split", "3_7", "int64",
                lambda fw: [list(part) for part in D(fw).random_split(range(10), [3, 7])]),
        RngCase("utils.data.WeightedRandomSampler", "9_of_4", "int64",
                lambda fw: list(D(fw).WeightedRandomSampler([0.1, 0.5, 0.4, 2.0], 9))),
        RngCase("utils.data.DataLoader", "shuffle_batch_5", "int64", lambda fw: [
            batch for batch in D(fw).DataLoader(list(range(12)), batch_size=5, shuffle=True)]),
        RngCase("distributions.Normal", "sample_1000", "float32", lambda fw: fw.distributions.Normal(
            fw.tensor([0.5, -1.0]), fw.tensor([2.0, 0.3])).sample((500,))),
        RngCase("distributions.Categorical", "sample_1000", "int64", lambda fw: fw.distributions.Categorical(
            probs=fw.tensor([0.1, 0.2, 0.7])).sample((1000,))),
    ]


def all_cases():
    return (_stream_cases() + _factory_cases() + _multinomial_cases() + _fill_cases() + _init_cases()
            + _module_cases() + _dropout_cases() + _built_on_cases())


def grouped_cases():
    """{name: [cases]}: one pytest test per public name."""
    groups = {}
    for case in all_cases():
        groups.setdefault(case.name, []).append(case)
    return groups


# ---------------------------------------------------------------- running a case

def run_rng_case(case, candidate):
    torch = reference()
    seed = seed_of(case.case_id)
    ran, states = {}, {}
    for fw in (torch, candidate):
        saved = fw.get_rng_state()
        try:
            fw.manual_seed(seed)
            ran[fw] = timed(lambda: case.call(fw))
            states[fw] = bytes(to_numpy(fw, fw.get_rng_state()))
        finally:
            fw.set_rng_state(saved)
    reference_ran, candidate_ran = ran[torch], ran[candidate]
    timing = dict(mtv2_ms=candidate_ran.ms, torch_ms=reference_ran.ms)
    if reference_ran.exception is not None:
        detail = f"torch raised {exception_text(reference_ran.exception)}"
        return [make_row(case, check, CheckResult("error", f"broken case: {detail}", **timing)) for check in CHECKS]
    if candidate_ran.exception is not None:
        detail = f"mtv2 raised {exception_text(candidate_ran.exception)}"
        return [make_row(case, check, CheckResult("error", detail, **timing)) for check in CHECKS]
    forward = _compare_values(case, torch, reference_ran.value, candidate, candidate_ran.value)
    forward.mtv2_ms, forward.torch_ms = timing["mtv2_ms"], timing["torch_ms"]
    same_state = states[torch] == states[candidate]
    stream = CheckResult("pass" if same_state else "fail", "" if same_state else _state_difference(
        states[candidate], states[torch]), err_ratio=0.0 if same_state else float("inf"), atol=0.0, rtol=0.0,
        tol_source="exact: the generator's state bytes", **timing)
    return [make_row(case, "forward", forward), make_row(case, "stream", stream)]


def _state_difference(ours, theirs):
    from mtv2._random import STATE_LAYOUT
    ours, theirs = np.frombuffer(ours, STATE_LAYOUT)[0], np.frombuffer(theirs, STATE_LAYOUT)[0]
    fields = [name for name in STATE_LAYOUT.names if not name.startswith("pad") and
              not np.array_equal(ours[name], theirs[name])]
    return f"generator state differs in {', '.join(fields)} (left: mtv2 {ours['left']} torch {theirs['left']})"


def _compare_values(case, torch, expected, candidate, actual):
    expected_items, actual_items = flatten_output(torch, expected), flatten_output(candidate, actual)
    if [path for path, _ in expected_items] != [path for path, _ in actual_items]:
        return CheckResult("fail", f"structure differs: {len(actual_items)} leaves, torch {len(expected_items)}")
    worst = CheckResult("pass", "", 0.0, 0.0, 0.0, 0.0, 0.0, "exact: bit for bit")
    if case.ulps:
        worst.tol_source = f"declared: {case.ulps} ulps ({case.reason})"
    for (path, theirs), (_, ours) in zip(expected_items, actual_items):
        result = _compare_leaf(case, torch, theirs, candidate, ours)
        if result.status != "pass" or (result.err_ratio or 0) > (worst.err_ratio or 0):
            result.detail = f"{path}: {result.detail}" if result.detail else ""
            if result.status != "pass":
                return result
            worst = result
    return worst


def _compare_leaf(case, torch, theirs, candidate, ours):
    if not is_tensor(torch, theirs):
        equal = type(ours) is type(theirs) and ours == theirs
        return CheckResult("pass" if equal else "fail", "" if equal else f"mtv2 {ours!r} != torch {theirs!r}",
                           tol_source="exact")
    if not is_tensor(candidate, ours):
        return CheckResult("fail", f"mtv2 gave {type(ours).__name__}, torch a tensor")
    dtype = dtype_name(torch, theirs.dtype)
    theirs_array, ours_array = to_numpy(torch, theirs), to_numpy(candidate, ours)
    if case.tolerance:
        atol, rtol = default_tolerance(dtype)
        comparison = compare_arrays(ours_array, theirs_array, dtype_name(candidate, ours.dtype), dtype, atol, rtol)
        return CheckResult("pass" if comparison.ok else "fail", comparison.detail, comparison.max_abs_err,
                           comparison.max_rel_err, comparison.err_ratio, atol, rtol,
                           f"default tolerance ({case.reason})")
    comparison = compare_arrays(ours_array, theirs_array, dtype_name(candidate, ours.dtype), dtype, 0.0, 0.0)
    if comparison.detail.startswith(("shape", "dtype")):
        return CheckResult("fail", comparison.detail)
    ulps = _ulp_distance(ours_array, theirs_array)
    allowed = case.ulps
    ok = ulps <= allowed
    detail = "" if ok else (f"{ulps} ulps apart" + (f" (declared {allowed})" if allowed else "") +
                            (f"; {comparison.detail}" if comparison.detail else ""))
    return CheckResult("pass" if ok else "fail", detail, comparison.max_abs_err, comparison.max_rel_err,
                       ulps / allowed if allowed else (0.0 if ulps == 0 else float("inf")), 0.0, 0.0,
                       f"declared: {allowed} ulps ({case.reason})" if allowed else "exact: bit for bit")


def _ulp_distance(ours, theirs):
    """The largest distance in units in the last place (float: between the bit patterns ordered as integers, so
    -0.0 and 0.0 are one apart; NaN against NaN counts 0; integers and bool: the value difference)."""
    if ours.size == 0:
        return 0
    if ours.dtype.kind != "f":
        return int(np.abs(ours.astype(np.int64) - theirs.astype(np.int64)).max())
    both_nan = np.isnan(ours) & np.isnan(theirs)
    width = {2: np.int16, 4: np.int32, 8: np.int64}[ours.dtype.itemsize]

    def ordered(values):
        bits = values.view(width).astype(np.int64)
        return np.where(bits < 0, np.iinfo(width).min - bits - 1, bits)
    distance = np.abs(ordered(ours) - ordered(theirs))
    return int(np.where(both_nan, 0, distance).max())


def explain(case_id):
    """`python -m conformance explain rng/...`: rerun the case, print its rows, the first values of both sides and
    a reproduction."""
    from conformance.frameworks import candidate
    case = next((c for c in all_cases() if c.case_id == case_id), None)
    if case is None:
        raise KeyError(f"no rng case {case_id!r}; list them with: pytest conformance/test_rng.py --collect-only -q "
                       f"(one test per name; case ids are rng/<name>/<variant>/<dtype>)")
    mtv2, torch = candidate(), reference()
    print(f"case {case_id}: {case.name} variant {case.variant}, seed {seed_of(case_id)}"
          + (f"; {case.reason}" if case.reason else ""))
    for row in run_rng_case(case, mtv2):
        ratio = "" if row["err_ratio"] is None else f" err_ratio {row['err_ratio']:.3g}"
        print(f"  {row['check']:8s} {row['status']:5s}{ratio} {row['detail']}")
    for fw in (torch, mtv2):
        saved = fw.get_rng_state()
        try:
            fw.manual_seed(seed_of(case_id))
            leaves = flatten_output(fw, case.call(fw))
        finally:
            fw.set_rng_state(saved)
        print(f"{fw.__name__}:")
        for path, leaf in leaves[:6]:
            shown = to_numpy(fw, leaf).reshape(-1)[:8] if is_tensor(fw, leaf) else leaf
            print(f"  {path}: {shown}")
    print("\nreproduction:\n    from conformance.rng_cases import all_cases, run_rng_case\n"
          "    from conformance.frameworks import candidate\n"
          f"    case = next(c for c in all_cases() if c.case_id == {case_id!r})\n"
          "    for row in run_rng_case(case, candidate()): print(row)")
    return 0
