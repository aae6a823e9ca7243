"""Creation: dtype inference, memory sharing with NumPy, factories, *_like and new_*, random ones.

Random values are not compared across frameworks (bit-equality of streams is not required): only
shapes, dtypes, ranges and reproducibility within each framework.
"""
import numpy as np
import pytest

from ._compare import Scenarios, assert_same, raised, shares_storage

SCENARIOS = Scenarios()

# ---- tensor(): dtype inference ------------------------------------------------------------------

SCENARIOS.update({
    "tensor_infers_dtype": lambda fw: [fw.tensor([1.0, 2.0]), fw.tensor([1, 2]), fw.tensor([True, False]),
                                       fw.tensor([1, 2.5]), fw.tensor([True, 1]), fw.tensor([True, 1.5]),
                                       fw.tensor(3), fw.tensor(3.5), fw.tensor(False), fw.tensor([]),
                                       fw.tensor([[1, 2], [3, 4]]), fw.tensor([[], []]), fw.tensor([[[0.5]]])],
    "tensor_from_numpy_keeps_dtype": lambda fw: [
        fw.tensor(np.array([1, 2], dtype=np.int32)), fw.tensor(np.array([1.5], dtype=np.float64)),
        fw.tensor(np.array([1.5], dtype=np.float16)), fw.tensor(np.array([True])),
        fw.tensor(np.array([200], dtype=np.uint8)), fw.tensor(np.float64(1.5)), fw.tensor(np.int64(4)),
        fw.tensor(np.arange(6.0).reshape(2, 3)[:, ::2])],
    "tensor_with_dtype_casts": lambda fw: [fw.tensor([1.7, -1.7], dtype=fw.int64), fw.tensor([1, 0, 2], dtype=fw.bool),
                                           fw.tensor([1, 2], dtype=fw.float16), fw.tensor(0.1, dtype=fw.float64),
                                           fw.tensor([300], dtype=fw.float64).to(fw.uint8),
                                           fw.tensor([1.0], requires_grad=True).requires_grad],
    "tensor_of_zero_d_tensors": lambda fw: [fw.tensor([fw.tensor(1.0), fw.tensor(2.0)]),
                                            fw.tensor([fw.tensor(1), fw.tensor(2)])],
    "tensor_bad_input": lambda fw: [raised(lambda: fw.tensor([[1, 2], [3]])), raised(lambda: fw.tensor("abc")),
                                    raised(lambda: fw.tensor([1.0], dtype=fw.int64, requires_grad=True)),
                                    raised(lambda: fw.tensor([None])), raised(lambda: fw.tensor([1, None])),
                                    raised(lambda: fw.tensor([[1, 2], [None]])), raised(lambda: fw.tensor([object()])),
                                    raised(lambda: fw.tensor([None], dtype=fw.float32)),
                                    raised(lambda: fw.tensor([1, "a"])), raised(lambda: fw.tensor([[1], ["a"]]))],
})


def _numpy_values_in_sequences(fw):
    """torch promotes every leaf's own dtype (torch.promote_types): a NumPy scalar, a NumPy array and a tensor
    keep theirs, Python bool/int/float are bool/int64/the default dtype. Values are compared too."""
    def data(fw):
        return [
            [np.bool_(True)], [np.int8(1)], [np.int16(1)], [np.int32(1)], [np.int64(1)], [np.uint8(1)],
            [np.float16(3)], [np.float32(1)], [np.float64(1)], (np.int32(1), np.int32(2)),
            [np.float64(1), np.float32(2)], [np.float32(0.1), np.float64(0.2)], [np.int32(1), np.float16(2)],
            [np.uint8(200), np.int8(-3)], [np.uint8(1), np.int16(1)], [np.int64(2 ** 40), np.float16(1)],
            [np.float16(1), np.bool_(False)], [np.bool_(True), np.bool_(False)],
            # with Python numbers: no scalar rule, so a Python int is int64 and a float the default dtype
            [np.int32(1), 1], [np.int32(1), 1.0], [np.int32(1), True], [np.uint8(1), True], [np.uint8(1), -1],
            [np.int8(1), 300], [np.float16(1.5), 1], [np.float16(1), 1.0], [np.float16(1), 1e6], [np.float64(1), 1.0],
            [np.float32(1), 1], [np.bool_(True), True], [np.bool_(True), 1.5], [True, np.int8(3)],
            # nested
            [[np.int16(1)], [np.int32(2)]], [[np.int8(1), 1], [2, 3]], [[np.float16(1)], [np.float16(2)]],
            [[np.float16(1), 2.0], [3, 4]], ((np.int16(1),),), [[], [np.int16(1)]],
            # arrays and tensors inside sequences
            [1, np.array(2, dtype=np.int16)], [1.0, np.array(2.5)], [np.int16(1), np.array(2, dtype=np.int16)],
            [[1], [np.array(2)]], [np.array([1, 2], dtype=np.int16), np.array([3, 4], dtype=np.int16)],
            [np.array([1, 2], dtype=np.int16), [3, 4]], [np.array([1, 2], dtype=np.float32), [3.0, 4]],
            [fw.tensor(1, dtype=fw.int32)], [fw.tensor(1, dtype=fw.int32), 1], [fw.tensor(1.0, dtype=fw.float16), 1.0],
            [fw.tensor(1.5, dtype=fw.bfloat16)], [np.float16(1), fw.tensor(1.0, dtype=fw.bfloat16)],
            [fw.tensor(True), 1], [[fw.tensor(1, dtype=fw.int8)] * 2] * 2]
    made = [fw.tensor(item) for item in data(fw)]
    made += [fw.as_tensor(item) for item in data(fw)[:20]] + [fw.asarray(item) for item in data(fw)[:20]]
    made += [fw.tensor([np.int32(7)], dtype=fw.float16), fw.tensor([np.bool_(True)], dtype=fw.float32),
             fw.tensor([np.int8(3)], dtype=fw.bool), fw.as_tensor([np.int32(1)], dtype=fw.float64)]
    return made


def _numpy_values_refused(fw):
    """torch reads the shape from the first element at each level, and a 0-d array there has no len(); it stores
    a NumPy bool into an integer dtype through the index protocol, which refuses it. TypeError both."""
    return [raised(lambda: fw.tensor([np.array(1, dtype=np.int32)])), raised(lambda: fw.tensor([np.array(1), 2])),
            raised(lambda: fw.tensor([[np.array(1)]])), raised(lambda: fw.as_tensor([np.array(1)])),
            raised(lambda: fw.tensor([np.array(1)], dtype=fw.int64)), raised(lambda: fw.tensor([np.bool_(True), 1])),
            raised(lambda: fw.tensor([np.bool_(True), np.uint8(1)])), raised(lambda: fw.tensor([[np.bool_(True)], [1]])),
            raised(lambda: fw.tensor([np.bool_(True)], dtype=fw.int64)),
            raised(lambda: fw.tensor([np.bool_(True)], dtype=fw.uint8)),
            raised(lambda: fw.tensor(np.bool_(True), dtype=fw.int64)),
            raised(lambda: fw.tensor([np.array([True, False])], dtype=fw.int64)),
            raised(lambda: fw.tensor([np.longdouble(1)])), raised(lambda: fw.tensor([np.uint64(1)]))]


def _numpy_values_under_default(fw, default):
    previous = fw.get_default_dtype()
    fw.set_default_dtype(getattr(fw, default))
    try:
        return [fw.tensor([np.float32(1), 1.0]), fw.tensor([np.float16(1)]), fw.tensor([np.int32(1), 1.0]),
                fw.tensor([np.float16(1), 1.0]), fw.tensor([[], [np.int8(1)]]), fw.tensor([np.bool_(True), 2.5])]
    finally:
        fw.set_default_dtype(previous)


SCENARIOS.update({"tensor_infers_numpy_values_in_sequences": _numpy_values_in_sequences,
                  "tensor_refuses_numpy_values_as_torch_does": _numpy_values_refused})
for _default in ("float64", "float16", "bfloat16"):
    SCENARIOS[f"numpy_values_under_default_{_default}"] = (
        lambda fw, _default=_default: _numpy_values_under_default(fw, _default))


def _empty_tensors_under_default(fw, default):
    """Empty data infers the default dtype, whatever it is (bfloat16 once refused `tensor([])`)."""
    previous = fw.get_default_dtype()
    fw.set_default_dtype(getattr(fw, default))
    try:
        return [fw.tensor([]), fw.tensor([[]]), fw.tensor([[], []]), fw.tensor(()), fw.tensor([()]),
                fw.tensor([[], [1, 2]]), fw.tensor([], dtype=fw.int64), fw.tensor([], dtype=fw.bool),
                fw.tensor([], dtype=fw.bfloat16), fw.tensor([[]], requires_grad=True).requires_grad,
                fw.as_tensor([]), fw.as_tensor([[]]), fw.as_tensor([], dtype=fw.float16), fw.asarray([]),
                fw.zeros(0), fw.ones(0, 2), fw.empty(0).shape, fw.tensor([1.5]), fw.tensor(2.5),
                fw.tensor(np.zeros(0)), fw.get_default_dtype()]
    finally:
        fw.set_default_dtype(previous)


for _default in ("float32", "float64", "float16", "bfloat16"):
    SCENARIOS[f"empty_data_under_default_{_default}"] = (
        lambda fw, _default=_default: _empty_tensors_under_default(fw, _default))


@SCENARIOS
def tensor_copies_its_data(fw):
    source = np.array([1.0, 2.0], dtype=np.float32)
    t = fw.tensor(source)
    source[0] = 99.0
    return t


# ---- as_tensor and from_numpy: sharing ----------------------------------------------------------

@SCENARIOS
def as_tensor_shares_when_it_can(fw):
    same_dtype = np.array([1.0, 2.0, 3.0])
    shared = fw.as_tensor(same_dtype)
    converted = fw.as_tensor(same_dtype, dtype=fw.float32)
    same_dtype[0] = 50.0
    existing = fw.tensor([1.0, 2.0])
    return [shared, converted, fw.as_tensor(existing) is existing, fw.as_tensor(existing, dtype=fw.float64),
            shares_storage(fw.as_tensor(existing, dtype=fw.float32), existing), fw.as_tensor([1, 2]),
            fw.as_tensor(3.5), fw.as_tensor(np.array([1, 2], dtype=np.int16))]


@SCENARIOS
def from_numpy_shares_memory(fw):
    array = np.zeros((2, 3), dtype=np.float64)
    t = fw.from_numpy(array)
    array[0, 1] = 5.0
    t[1, 2] = 7.0
    strided = fw.from_numpy(np.arange(10, dtype=np.int32)[::3])
    return [t, array, t.dtype, t.stride(), strided, strided.stride(), fw.from_numpy(np.array(2.5)),
            np.shares_memory(t.numpy(), array), fw.from_numpy(np.array(2.5)).shape]


@pytest.mark.parametrize("numpy_dtype", ["bool", "uint8", "int8", "int16", "int32", "int64",
                                         "float16", "float32", "float64"])
def test_from_numpy_dtype(numpy_dtype):
    assert_same(lambda fw: fw.from_numpy(np.array([0, 1], dtype=numpy_dtype)))


SCENARIOS.update({
    "from_numpy_negative_strides": lambda fw: [raised(lambda: fw.from_numpy(np.arange(3.0)[::-1]))],
})


# ---- factories ----------------------------------------------------------------------------------

SCENARIOS.update({
    "zeros_ones_shapes": lambda fw: [fw.zeros(2, 3), fw.ones((2, 1)), fw.zeros([3]), fw.ones(fw.Size([1, 2])),
                                     fw.zeros(()), fw.zeros(0), fw.ones(2, dtype=fw.int32),
                                     fw.zeros(2, dtype=fw.bool), fw.ones(1, requires_grad=True).requires_grad],
    "full_infers_dtype_from_fill": lambda fw: [fw.full((2,), 2), fw.full((2,), 2.5), fw.full((2,), True),
                                               fw.full((1, 2), 7, dtype=fw.float64), fw.full([], -1.0)],
    "empty_shape_and_dtype": lambda fw: [[e.shape, e.dtype, e.is_contiguous()] for e in
                                         (fw.empty(2, 3), fw.empty((4,), dtype=fw.int8), fw.empty(0))],
    "negative_size_raises": lambda fw: [raised(lambda: fw.zeros(-1)), raised(lambda: fw.ones(2, -3)),
                                        raised(lambda: fw.empty(-2))],
    # size= as a keyword, each form once; out= takes out's dtype unless dtype= names another
    "size_keyword": lambda fw: [fw.zeros(size=(2, 3)), fw.ones(size=[]), fw.empty(size=(0, 2)).shape,
                                fw.rand(size=(3,)).shape, fw.randn(size=[2]).shape,
                                raised(lambda: fw.zeros(2, size=(2,))), raised(lambda: fw.zeros()),
                                raised(lambda: fw.ones()), raised(lambda: fw.empty()), raised(lambda: fw.rand()),
                                fw.ones(1).new_zeros(size=(2,)), fw.ones(1).new_ones(()), raised(lambda: fw.ones(1).new_empty())],
    "filled_out": lambda fw: [fw.zeros(2, out=fw.ones(2)), fw.ones(2, out=fw.zeros(2, dtype=fw.int64)),
                              fw.empty(2, 2, out=fw.ones(2, 2)).shape,
                              raised(lambda: fw.ones(2, out=fw.zeros(2, dtype=fw.int64), dtype=fw.float32)),
                              raised(lambda: fw.zeros(2, out=fw.ones(2, requires_grad=True)))],
    "arange_dtype_inference": lambda fw: [fw.arange(5), fw.arange(5.0), fw.arange(1, 4), fw.arange(0, 1, 0.25),
                                          fw.arange(1, 2.5, 0.5), fw.arange(10, 0, -3), fw.arange(0, 1, 0.1).shape,
                                          fw.arange(3, dtype=fw.float64), fw.arange(0.0, 3.0, dtype=fw.int32),
                                          fw.arange(2, 2), fw.arange(-1.5, 1.5)],
    "arange_bad_steps": lambda fw: [raised(lambda: fw.arange(0, 5, 0)), raised(lambda: fw.arange(0, 5, -1)),
                                    raised(lambda: fw.arange(5, 0, 1))],
    "linspace": lambda fw: [fw.linspace(0, 1, 5), fw.linspace(-1, 1, 1), fw.linspace(0, 1, 0), fw.linspace(2, 2, 3),
                            fw.linspace(0, 10, 3, dtype=fw.int64), fw.linspace(0, 1, 3, dtype=fw.float64),
                            fw.linspace(1, 0, 4)],
    "eye": lambda fw: [fw.eye(3), fw.eye(2, 3), fw.eye(3, 1), fw.eye(2, dtype=fw.int64), fw.eye(0)],
})


# ---- *_like and new_* ---------------------------------------------------------------------------

SCENARIOS.update({
    "like_keeps_dtype_and_shape": lambda fw: [
        fw.zeros_like(fw.tensor([1, 2])), fw.ones_like(fw.tensor([[1.5]])), fw.full_like(fw.tensor([1, 2]), 3.7),
        fw.ones_like(fw.tensor([1, 2]), dtype=fw.float64), fw.empty_like(fw.zeros(2, 3, dtype=fw.int16)).shape,
        fw.empty_like(fw.zeros(2, 3, dtype=fw.int16)).dtype, fw.zeros_like(fw.tensor(2.0)),
        fw.zeros_like(fw.ones(2, requires_grad=True)).requires_grad,
        fw.zeros_like(fw.ones(2), requires_grad=True).requires_grad],
    # torch's default memory format keeps the strides of a dense, non-overlapping input.
    "like_preserves_dense_strides": lambda fw: [
        fw.zeros_like(fw.ones(2, 3).t()).stride(), fw.ones_like(fw.ones(2, 3, 4).permute(2, 0, 1)).stride(),
        fw.zeros_like(fw.ones(4, 6)[:, ::2]).stride(), fw.zeros_like(fw.ones(3).expand(2, 3)).stride()],
    "rand_like_and_randn_like": lambda fw: [[r.shape, r.dtype, bool(((r >= 0) & (r < 1)).all())]
                                            for r in (fw.rand_like(fw.ones(2, 3)),
                                                      fw.rand_like(fw.ones(4, dtype=fw.float64)))]
                                           + [fw.randn_like(fw.ones(3, dtype=fw.float16)).dtype,
                                              fw.randn_like(fw.ones(3, 2)).shape,
                                              raised(lambda: fw.rand_like(fw.ones(2, dtype=fw.int64)))],
    "new_methods_take_dtype_from_self": lambda fw: [
        fw.ones(1, dtype=fw.float64).new_zeros(2, 3), fw.ones(1, dtype=fw.int32).new_ones((2,)),
        fw.ones(1, dtype=fw.float16).new_full((2,), 3), fw.ones(1, dtype=fw.int8).new_empty(3).dtype,
        fw.ones(1, dtype=fw.float64).new_tensor([1, 2]), fw.ones(1).new_tensor([True]),
        fw.ones(1, dtype=fw.int64).new_zeros(2, dtype=fw.float32), fw.ones(1).new_empty((0, 2)).shape,
        fw.ones(1, requires_grad=True).new_zeros(2).requires_grad],
})


# ---- random: shapes, dtypes, ranges; reproducibility within the framework -----------------------

@SCENARIOS
def random_shapes_dtypes_ranges(fw):
    fw.manual_seed(0)
    uniform = fw.rand(1000)
    normal = fw.randn(10000)
    integers = fw.randint(3, 7, (1000,))
    below = fw.randint(5, (2, 50))
    permutation = fw.randperm(20)
    return [fw.rand(2, 3).shape, fw.rand((4,)).shape, fw.rand(2, dtype=fw.float64).dtype, fw.rand(()).shape,
            uniform.dtype, bool((uniform >= 0).all()), bool((uniform < 1).all()), bool(uniform.max() > 0.9),
            normal.dtype, abs(normal.mean().item()) < 0.05, abs(normal.std().item() - 1) < 0.05,
            fw.randn(2, 2, dtype=fw.float64).dtype, integers.dtype, integers.min().item(), integers.max().item(),
            below.shape, below.min().item(), below.max().item(), fw.randint(0, 2, (3,), dtype=fw.int8).dtype,
            permutation.dtype, sorted(permutation.tolist()) == list(range(20)), fw.randperm(0).shape,
            fw.randperm(5, dtype=fw.int32).dtype, fw.rand(0, 2).shape]


SCENARIOS.update({
    "random_bad_arguments": lambda fw: [raised(lambda: fw.rand(2, dtype=fw.int64)),
                                        raised(lambda: fw.randn(2, dtype=fw.int32)),
                                        raised(lambda: fw.randint(5, 3, (2,))),
                                        raised(lambda: fw.randperm(-1))],
})


def draws(fw, generator=None):
    return [fw.rand(4, generator=generator), fw.randn(3, generator=generator),
            fw.randint(0, 100, (5,), generator=generator), fw.randperm(6, generator=generator)]


def same_draws(first, second):
    return all(bool((a == b).all()) for a, b in zip(first, second))


@SCENARIOS
def manual_seed_reproduces(fw):
    fw.manual_seed(1234)
    first = draws(fw)
    fw.manual_seed(1234)
    second = draws(fw)
    fw.manual_seed(4321)
    third = draws(fw)
    returned = fw.manual_seed(7)
    return [same_draws(first, second), same_draws(first, third), isinstance(returned, fw.Generator),
            fw.initial_seed(), isinstance(fw.default_generator, fw.Generator)]


@SCENARIOS
def generator_api(fw):
    generator = fw.Generator()
    returned = generator.manual_seed(3)
    first = draws(fw, generator)
    generator.manual_seed(3)
    second = draws(fw, generator)
    state = generator.get_state()
    third = draws(fw, generator)
    generator.set_state(state)
    fourth = draws(fw, generator)
    return [returned is generator, generator.initial_seed(), same_draws(first, second),
            same_draws(third, fourth), same_draws(first, third), isinstance(state, fw.Tensor), state.dtype,
            generator.device]


@SCENARIOS
def generator_leaves_the_global_stream_alone(fw):
    generator = fw.Generator().manual_seed(11)
    fw.manual_seed(5)
    expected = draws(fw)
    fw.manual_seed(5)
    draws(fw, generator)
    return same_draws(expected, draws(fw))


@SCENARIOS
def global_rng_state_round_trip(fw):
    fw.manual_seed(9)
    state = fw.get_rng_state()
    first = draws(fw)
    fw.set_rng_state(state)
    return [same_draws(first, draws(fw)), state.dtype]


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_creation(scenario):
    assert_same(scenario)


def tensor_from_transposed_numpy(fw):
    import numpy as np
    array = np.arange(6.0).reshape(2, 3).T
    made = fw.tensor(array)
    return [made, made.stride(), made.is_contiguous()]


SCENARIOS_FROM_NUMPY = {"tensor_from_transposed_numpy": tensor_from_transposed_numpy}


@pytest.mark.parametrize("scenario", SCENARIOS_FROM_NUMPY.values(), ids=SCENARIOS_FROM_NUMPY.keys())
def test_tensor_from_numpy_layouts(scenario):
    assert_same(scenario)
