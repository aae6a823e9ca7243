"""The op record (mtv2/ops/_registry.py): what a derivative rule receives and whether an op is differentiable are
declared, and a declaration that does not fit the kernel is refused when the op registers."""
import numpy as np
import pytest

import mtv2
from mtv2.ops import _registry
from mtv2.ops._registry import OPS, Op, check_records


@pytest.fixture
def scratch_ops():
    """Ops registered by a test are removed afterwards, so the table stays mtv2's own."""
    before = set(OPS)
    yield
    for name in set(OPS) - before:
        del OPS[name]


def test_every_op_of_mtv2_is_declared():
    check_records()   # also run by `import mtv2`; here it names the offenders if one slipped in
    for name, record in OPS.items():
        assert record.has_gradient or record.nondifferentiable or record.promotion == _registry.COMPARE, name


def test_an_op_without_derivative_or_reason_is_refused(scratch_ops):
    @_registry.op("test_silent_scale")
    def _(a):
        return a * 2
    with pytest.raises(TypeError, match="test_silent_scale"):
        check_records()


def test_a_saved_name_the_kernel_lacks_is_refused(scratch_ops):
    with pytest.raises(TypeError, match="'b'"):
        @_registry.op("test_bad_save", saves=("b",))
        def _(a):
            return a


def test_a_rule_must_take_each_saved_value(scratch_ops):
    @_registry.op("test_arity", saves=("a", "result"))
    def kernel(a):
        return a * a
    with pytest.raises(TypeError, match="saves"):
        kernel.vjp(lambda g, a: g * a)


def test_the_rule_receives_the_declared_values_in_order(scratch_ops):
    # the declared order, not the rule's parameter names, decides what each parameter receives
    @_registry.op("test_square", saves=("result", "a.shape", "a", "scale"))
    def kernel(a, scale=3.0):
        return a * a * scale
    received = {}

    @kernel.vjp
    def _(g, first, second, third, fourth):
        received.update(first=first, second=second, third=third, fourth=fourth)
        return g * 2 * third * fourth

    x = mtv2.tensor([1.0, 2.0], requires_grad=True)
    y = kernel(x, scale=0.5)
    y.sum().backward()
    assert received["first"].tolist() == [0.5, 2.0]          # the result
    assert tuple(received["second"]) == (2,)                  # only a's shape
    assert received["third"].tolist() == [1.0, 2.0]           # the operand
    assert received["fourth"] == 0.5                          # the call's keyword, not the default
    assert x.grad.tolist() == [1.0, 2.0]


def test_extra_outputs_are_declared(scratch_ops):
    @_registry.op("test_two_outputs", saves=("a",), nondifferentiable=None)
    def kernel(a):
        return a, np.ones_like(a)
    with pytest.raises(TypeError, match="returned 2 outputs"):
        kernel(mtv2.tensor([1.0]))


def test_the_ops_of_every_family_exist_after_import():
    # every op registers when `import mtv2` imports the families: nothing waits for mtv2.nn to be imported
    # (batch_norm is a composite of these ops, a function in ops/nn_layers.py)
    for name in ("layer_norm", "embedding", "nll_loss", "gelu", "cat", "getitem"):
        assert isinstance(OPS.get(name), Op), name
