"""dtypes and torch's promotion rules (not NumPy's), finfo/iinfo, the default dtype, division signs."""
import pytest

from ._compare import ALL_DTYPE_NAMES, Scenarios, assert_same, raised

FLOAT_NAMES = ["float16", "bfloat16", "float32", "float64"]
INTEGER_NAMES = ["uint8", "int8", "int16", "int32", "int64"]


def one_d(fw, name):
    return fw.ones(2, dtype=getattr(fw, name))


def zero_d(fw, name):
    return fw.ones((), dtype=getattr(fw, name))


def per_dtype(test_function):
    """Parametrize over the 10 dtypes: one row of each dtype-pair table per test."""
    return pytest.mark.parametrize("name", ALL_DTYPE_NAMES)(test_function)


# ---- the dtype-pair tables: one test per first dtype, the 10 second dtypes in its observable -----

@per_dtype
def test_promote_types(name):
    assert_same(lambda fw: [fw.promote_types(getattr(fw, name), getattr(fw, other)) for other in ALL_DTYPE_NAMES])


@per_dtype
def test_can_cast(name):
    assert_same(lambda fw: [fw.can_cast(getattr(fw, name), getattr(fw, other)) for other in ALL_DTYPE_NAMES])


@per_dtype
def test_result_type_with_tensors(name):
    # A 0-d tensor only raises the category of a dimensioned tensor; two of the same rank promote fully.
    assert_same(lambda fw: {
        "tensor_tensor": [fw.result_type(one_d(fw, name), one_d(fw, o)) for o in ALL_DTYPE_NAMES],
        "tensor_zero_d": [fw.result_type(one_d(fw, name), zero_d(fw, o)) for o in ALL_DTYPE_NAMES],
        "zero_d_tensor": [fw.result_type(zero_d(fw, o), one_d(fw, name)) for o in ALL_DTYPE_NAMES],
        "zero_d_zero_d": [fw.result_type(zero_d(fw, name), zero_d(fw, o)) for o in ALL_DTYPE_NAMES],
    })


@per_dtype
def test_result_type_with_python_scalars(name):
    assert_same(lambda fw: [[fw.result_type(t, 1), fw.result_type(t, 1.5), fw.result_type(t, True),
                             fw.result_type(2, t), fw.result_type(-2.5, t)]
                            for t in (one_d(fw, name), zero_d(fw, name))])


@per_dtype
def test_operator_result_dtypes(name):
    # The dispatcher applies the same rules: the dtype of `a + b` and `a * b` for every partner.
    assert_same(lambda fw: {
        "add_tensor": [(one_d(fw, name) + one_d(fw, o)).dtype for o in ALL_DTYPE_NAMES],
        "mul_zero_d": [(one_d(fw, name) * zero_d(fw, o)).dtype for o in ALL_DTYPE_NAMES],
        "scalars": [(one_d(fw, name) * 2).dtype, (one_d(fw, name) + 2.5).dtype, (one_d(fw, name) * True).dtype,
                    (3 * one_d(fw, name)).dtype, (zero_d(fw, name) + 1.5).dtype],
        "compare": [(one_d(fw, name) < one_d(fw, "float64")).dtype, (one_d(fw, name) == 1).dtype],
        "true_divide": [(one_d(fw, name) / one_d(fw, "int64")).dtype, (one_d(fw, name) / 2).dtype],
    })


SCENARIOS = Scenarios()

SCENARIOS.update({
    "result_type_of_scalars": lambda fw: [fw.result_type(1, 2), fw.result_type(1, 2.0), fw.result_type(True, 2),
                                          fw.result_type(True, False)],
    "promotion_examples_from_the_issue": lambda fw: [
        fw.tensor([1, 2]) + 1.5, fw.ones(2, dtype=fw.float16) + fw.tensor(1.0, dtype=fw.float64),
        fw.tensor([1, 2], dtype=fw.int8) + fw.tensor(1000), fw.tensor([250], dtype=fw.uint8) + 10,
        fw.tensor([1], dtype=fw.uint8) + fw.tensor([-1], dtype=fw.int8), fw.tensor([True, False]) + 1,
        fw.tensor([True]) + fw.tensor([True]), fw.tensor([1, 2]) * fw.tensor(0.5, dtype=fw.float64),
        fw.tensor([0.5], dtype=fw.bfloat16) + fw.tensor([0.5], dtype=fw.float16)],
    "inplace_cannot_demote_the_category": lambda fw: [
        raised(lambda: fw.tensor([1, 2]).add_(1.5)), raised(lambda: fw.tensor([1, 2]).mul_(fw.tensor([1.0]))),
        raised(lambda: fw.tensor([True]).add_(1)), fw.tensor([1.0, 2.0]).add_(fw.tensor([1, 2])),
        fw.ones(2, dtype=fw.float16).add_(fw.ones(2, dtype=fw.float64)),
        fw.ones(2, dtype=fw.int8).add_(fw.ones(2, dtype=fw.int64))],
})


# ---- finfo / iinfo ------------------------------------------------------------------------------

def finfo_fields(info):
    return [info.bits, info.eps, info.max, info.min, info.tiny, info.smallest_normal, info.resolution,
            str(info.dtype)]


def iinfo_fields(info):
    return [info.bits, info.max, info.min, str(info.dtype)]


@pytest.mark.parametrize("name", FLOAT_NAMES)
def test_finfo(name):
    assert_same(lambda fw: finfo_fields(fw.finfo(getattr(fw, name))))


@pytest.mark.parametrize("name", INTEGER_NAMES)
def test_iinfo(name):
    assert_same(lambda fw: iinfo_fields(fw.iinfo(getattr(fw, name))))


SCENARIOS.update({
    "finfo_of_default_dtype": lambda fw: finfo_fields(fw.finfo()),
    "finfo_iinfo_wrong_kind": lambda fw: [raised(lambda: fw.finfo(fw.int32)), raised(lambda: fw.iinfo(fw.float32)),
                                          raised(lambda: fw.iinfo(fw.bool))],
})


# ---- the default dtype (always restored) --------------------------------------------------------

def with_default_dtype(fw, dtype, observe):
    previous = fw.get_default_dtype()
    fw.set_default_dtype(dtype)
    try:
        return observe()
    finally:
        fw.set_default_dtype(previous)


def observed_under_default(fw):
    return [fw.get_default_dtype(), fw.tensor([1.5]).dtype, fw.tensor([1]).dtype, fw.tensor(2.0).dtype,
            fw.zeros(2).dtype, fw.arange(3.0).dtype, fw.arange(3).dtype, fw.full((2,), 1.5).dtype,
            fw.linspace(0, 1, 3).dtype, fw.rand(2).dtype, (fw.tensor([3]) / fw.tensor([2])).dtype,
            fw.tensor([3]) / 2, fw.result_type(fw.tensor([1]), 1.5), (fw.tensor([1]) + 1.5).dtype,
            (fw.ones(2, dtype=fw.float16) + 1.5).dtype, fw.finfo().bits, fw.tensor([True]).dtype]


def promotion_under_default(fw):
    integers, floats = fw.tensor([3, 4]), fw.tensor([1.0, 2.0])
    return [(integers / integers).dtype, (integers + 1.5).dtype, (integers * 2.5).dtype, (floats + 1.5).dtype,
            (fw.tensor(3) / 2).dtype, fw.sqrt(integers).dtype, (integers < 2.5).dtype]


SCENARIOS.update({
    "default_dtype": lambda fw: observed_under_default(fw),
    "default_dtype_float64": lambda fw: with_default_dtype(fw, fw.float64, lambda: observed_under_default(fw)),
    "default_dtype_float16": lambda fw: with_default_dtype(fw, fw.float16, lambda: observed_under_default(fw)),
    "default_dtype_is_restored": lambda fw: [with_default_dtype(fw, fw.float64, lambda: 0), fw.get_default_dtype(),
                                             fw.tensor([1.5]).dtype],
    # the same expressions before, under and after another default: promotion results cached for the first default
    # must not leak into the second (mtv2's dispatcher caches plans per operand signature)
    "promotion_follows_a_changed_default": lambda fw: [
        promotion_under_default(fw), with_default_dtype(fw, fw.float64, lambda: promotion_under_default(fw)),
        promotion_under_default(fw)],
    "set_default_dtype_refuses_integers": lambda fw: [raised(lambda: fw.set_default_dtype(fw.int64)),
                                                      raised(lambda: fw.set_default_dtype(fw.bool)),
                                                      fw.get_default_dtype()],
})


# ---- division, floor division and remainder signs -----------------------------------------------

def signed(fw, dtype_name):
    return fw.tensor([7, -7, 7, -7, 6, 0], dtype=getattr(fw, dtype_name))


def divisors(fw, dtype_name):
    return fw.tensor([2, 2, -2, -2, 3, 5], dtype=getattr(fw, dtype_name))


SCENARIOS.update({
    "integer_true_division": lambda fw: [signed(fw, "int64") / divisors(fw, "int64"), signed(fw, "int32") / 2,
                                         fw.tensor(7) / fw.tensor(2), fw.tensor([1, 2]) / fw.tensor([0, 0]),
                                         fw.div(signed(fw, "int16"), 4)],
    "integer_floor_division_signs": lambda fw: [signed(fw, "int64") // divisors(fw, "int64"),
                                                signed(fw, "int8") // -2, -7 // fw.tensor([2, -2]),
                                                fw.div(signed(fw, "int64"), divisors(fw, "int64"), rounding_mode="floor"),
                                                fw.div(signed(fw, "int64"), divisors(fw, "int64"), rounding_mode="trunc")],
    "integer_remainder_signs": lambda fw: [signed(fw, "int64") % divisors(fw, "int64"), signed(fw, "int32") % -3,
                                           7 % fw.tensor([-3, 3]), fw.remainder(signed(fw, "int64"), 4)],
    "float_floor_division_and_remainder_signs": lambda fw: [
        fw.tensor([7.5, -7.5, 7.5, -7.5]) // fw.tensor([2.0, 2.0, -2.0, -2.0]),
        fw.tensor([7.5, -7.5, 7.5, -7.5]) % fw.tensor([2.0, 2.0, -2.0, -2.0]),
        fw.tensor([-0.5, 0.5]) // 1, fw.tensor([5, -5]) // 2.0, fw.tensor([5, -5]) % 2.5,
        fw.div(fw.tensor([7.5, -7.5]), 2, rounding_mode="trunc")],
    "integer_division_by_zero": lambda fw: [raised(lambda: fw.tensor([1, 2]) // 0),
                                            raised(lambda: fw.tensor([1, 2]) % fw.tensor([1, 0])),
                                            fw.tensor([1.0, -1.0, 0.0]) // 0, fw.tensor([1.0, -1.0]) % 0],
})


# ---- reductions' dtypes -------------------------------------------------------------------------

SCENARIOS.update({
    "sum_dtypes": lambda fw: [fw.ones(3, dtype=getattr(fw, name)).sum() for name in ALL_DTYPE_NAMES]
                             + [fw.tensor([[True, True], [False, True]]).sum(dim=0),
                                fw.ones(3, dtype=fw.int8).sum(dtype=fw.int8),
                                fw.tensor([100, 100], dtype=fw.int8).sum()],
    "mean_of_integers_raises": lambda fw: [raised(lambda: fw.tensor([1, 2]).mean()),
                                           raised(lambda: fw.tensor([True]).mean()),
                                           raised(lambda: fw.tensor([[1, 2]]).mean(dim=0)),
                                           fw.tensor([1, 2]).mean(dtype=fw.float64), fw.tensor([1, 2]).float().mean(),
                                           fw.ones(2, dtype=fw.float16).mean()],
})


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_dtypes(scenario):
    assert_same(scenario)


# ---- dtype names inside messages: torch prints the C++ type ('signed char', 'long int') ------------

def _message(function):
    try:
        function()
    except RuntimeError as error:
        return str(error)
    return "did not raise"


@pytest.mark.parametrize("name", [n for n in ALL_DTYPE_NAMES if n != "float32"])
def test_c_type_names_in_messages(name):
    import mtv2
    import torch

    def scenarios(fw):
        other, mask = fw.zeros(1, 2, 3, dtype=getattr(fw, name)), fw.zeros(2, 2, dtype=getattr(fw, name))
        floats = fw.zeros(1, 2, 3)
        attention = fw.nn.functional.scaled_dot_product_attention
        return [lambda: fw.lerp(floats, other, 0.5), lambda: attention(other, floats, floats),
                lambda: attention(floats, floats, floats, attn_mask=mask)]

    for expected, got in zip(scenarios(torch), scenarios(mtv2)):
        expected = _message(expected)   # mtv2 prefixes the op's name; the rest must be torch's text
        assert expected in _message(got) and (expected != "did not raise" or name == "bool")
