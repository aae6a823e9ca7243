"""Autograd: the engine, grad modes, custom Functions and torch's autograd errors."""
import warnings

import pytest

from ._compare import Scenarios, assert_same, raised

SCENARIOS = Scenarios()


def leaf(fw, values=(1.0, -2.0, 3.0)):
    return fw.tensor(list(values), requires_grad=True)


# ---- backward, retain_graph, create_graph, autograd.grad ----------------------------------------

@SCENARIOS
def backward_with_gradient(fw):
    x = leaf(fw)
    before = x.grad
    y = x * x
    y.backward(gradient=fw.tensor([1.0, 0.5, 2.0]))
    return [before, x.grad, y.requires_grad, y.is_leaf, y.grad_fn is not None, x.grad_fn, x.is_leaf]


@SCENARIOS
def backward_of_a_scalar(fw):
    x = leaf(fw)
    (x.exp() * 2).sum().backward()
    z = leaf(fw)
    (z * z).mean().backward(fw.tensor(3.0))
    return [x.grad, z.grad]


@SCENARIOS
def retain_graph_allows_a_second_backward(fw):
    x = leaf(fw)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    return [first, x.grad, raised(lambda: y.backward())]


@SCENARIOS
def second_backward_through_a_freed_graph_raises(fw):
    x = leaf(fw)
    y = x.exp().sum()
    y.backward()
    z = (x.tanh() * x).sum()
    fw.autograd.grad(z, x)
    return [raised(lambda: y.backward()), raised(lambda: fw.autograd.grad(z, x)), x.grad]


@SCENARIOS
def gradients_accumulate_into_leaves(fw):
    x = leaf(fw)
    (x * 2).sum().backward()
    (x * x).sum().backward()
    accumulated = x.grad.clone()
    x.grad.zero_()
    (x * 3).sum().backward()
    after_zero = x.grad.clone()
    x.grad = None
    (x * 4).sum().backward()
    return [accumulated, after_zero, x.grad]


@SCENARIOS
def broadcast_gradients_are_summed_back(fw):
    a = fw.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
    b = fw.tensor([1.0, 10.0, 100.0, 1000.0], requires_grad=True)
    c = fw.tensor(2.0, requires_grad=True)
    ((a + b) * c).sum().backward()
    return [a.grad, b.grad, c.grad]


@SCENARIOS
def create_graph_gives_double_backward(fw):
    x = leaf(fw)
    (first,) = fw.autograd.grad((x ** 3).sum(), x, create_graph=True)
    observed = [first, first.requires_grad, first.grad_fn is not None]
    first.sum().backward()
    observed.append(x.grad)
    z = leaf(fw, (0.5, -0.3, 1.2))
    with warnings.catch_warnings():  # torch warns about the leaf <-> .grad reference cycle
        warnings.simplefilter("ignore")
        (z.tanh() * z.sin() + z.sigmoid() * z.exp()).sum().backward(create_graph=True)
    observed += [z.grad.requires_grad, z.grad]
    (second,) = fw.autograd.grad(z.grad.sum(), z)
    observed.append(second)
    return observed


@SCENARIOS
def create_graph_retains_the_graph_by_default(fw):
    x = leaf(fw)
    y = (x.exp() * x).sum()
    (first,) = fw.autograd.grad(y, x, create_graph=True)
    (again,) = fw.autograd.grad(y, x)  # retain_graph defaults to create_graph
    return [first, again, raised(lambda: fw.autograd.grad(y, x))]


@SCENARIOS
def autograd_backward_function(fw):
    x, z = leaf(fw), leaf(fw, (2.0, 2.0, 2.0))
    fw.autograd.backward([x * z, (z * z).sum()], [fw.tensor([1.0, 2.0, 3.0]), fw.tensor(1.0)])
    return [x.grad, z.grad]


@SCENARIOS
def hessian_vector_product(fw):
    x = leaf(fw, (0.5, 1.5, -1.0))
    w = fw.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [3.0, 0.0, 1.0]])
    y = ((w @ x) ** 2).sum() + (x.sin() * x).sum()
    (gradient,) = fw.autograd.grad(y, x, create_graph=True)
    (hvp,) = fw.autograd.grad(gradient, x, grad_outputs=fw.tensor([1.0, 0.0, -1.0]))
    return [gradient, hvp]


@SCENARIOS
def autograd_grad_allow_unused(fw):
    x, unused = leaf(fw), leaf(fw)
    y = (x * 2).sum()
    observed = [raised(lambda: fw.autograd.grad(y, [x, unused], retain_graph=True))]
    observed.append(list(fw.autograd.grad(y, [x, unused], allow_unused=True)))
    observed += [x.grad, unused.grad]  # autograd.grad does not accumulate into .grad
    return observed


@SCENARIOS
def autograd_grad_with_grad_outputs(fw):
    x = leaf(fw)
    y = x * fw.tensor([1.0, 2.0, 3.0])
    grads = fw.autograd.grad([y, (x * x).sum()], [x], grad_outputs=[fw.tensor([1.0, 1.0, -1.0]), fw.tensor(0.5)])
    return [type(grads).__name__, list(grads), raised(lambda: fw.autograd.grad(leaf(fw) * 2, leaf(fw)))]


# ---- requires_grad_, retain_grad, hooks ---------------------------------------------------------

@SCENARIOS
def requires_grad_flags(fw):
    t = fw.ones(3)
    returned = t.requires_grad_()
    observed = [returned is t, t.requires_grad, t.is_leaf]
    t.requires_grad_(False)
    observed.append(t.requires_grad)
    t.requires_grad = True
    observed.append(t.requires_grad)
    computed = t * 2
    observed += [raised(lambda: computed.requires_grad_(False)), (t > 0).requires_grad,
                 t.detach().requires_grad, (t.detach() * 2).requires_grad]
    return observed


@SCENARIOS
def retain_grad_on_a_non_leaf(fw):
    x = leaf(fw)
    y = x * 2
    y.retain_grad()
    z = x * 3
    (y * y + z).sum().backward()
    return [y.grad, y.retains_grad, z.retains_grad, x.retains_grad, x.grad]


@SCENARIOS
def hooks_modify_gradients(fw):
    calls = []
    x = leaf(fw)
    handle = x.register_hook(lambda gradient: gradient * 2)
    x.register_hook(lambda gradient: calls.append(gradient.tolist()))  # returning None keeps the gradient
    middle = x * 3
    middle.register_hook(lambda gradient: gradient + 10)
    middle.sum().backward()
    first = x.grad.clone()
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    return [first, calls, x.grad, raised(lambda: fw.ones(2).register_hook(lambda g: g))]


# ---- grad modes: context managers and decorators ------------------------------------------------

@SCENARIOS
def no_grad_and_enable_grad(fw):
    x = leaf(fw)
    with fw.no_grad():
        inside = x * 2
        enabled_inside = fw.is_grad_enabled()
        with fw.enable_grad():
            re_enabled = x * 2
    return [inside.requires_grad, inside.grad_fn, enabled_inside, re_enabled.requires_grad,
            fw.is_grad_enabled(), (x * 2).requires_grad]


@SCENARIOS
def grad_modes_as_decorators(fw):
    x = leaf(fw)

    @fw.no_grad()
    def without_grad():
        return x * 2, fw.is_grad_enabled()

    @fw.no_grad
    def without_grad_bare():
        return x * 2

    @fw.enable_grad()
    def with_grad():
        return x * 2

    @fw.set_grad_enabled(False)
    def disabled():
        return x * 2

    @fw.inference_mode()
    def inferring():
        return x * 2, fw.is_inference_mode_enabled()

    with fw.no_grad():
        enabled_inside_no_grad = with_grad()
    return [without_grad()[0].requires_grad, without_grad()[1], without_grad_bare().requires_grad,
            enabled_inside_no_grad.requires_grad, disabled().requires_grad, inferring()[0].requires_grad,
            inferring()[1], fw.is_grad_enabled(), fw.is_inference_mode_enabled(), without_grad.__name__]


@SCENARIOS
def set_grad_enabled_as_context_and_call(fw):
    x = leaf(fw)
    with fw.set_grad_enabled(False):
        off = x * 2
        with fw.set_grad_enabled(True):
            on = x * 2
    after_context = fw.is_grad_enabled()
    fw.set_grad_enabled(False)
    try:
        called_off = (x * 2).requires_grad
    finally:
        fw.set_grad_enabled(True)
    return [off.requires_grad, on.requires_grad, after_context, called_off, fw.is_grad_enabled()]


@SCENARIOS
def inference_mode_context(fw):
    x = leaf(fw)
    with fw.inference_mode():
        inferred = x * 2
        mode_inside = [fw.is_inference_mode_enabled(), fw.is_grad_enabled()]
        with fw.inference_mode(False):
            mode_disabled = fw.is_inference_mode_enabled()
    return [inferred.requires_grad, inferred, mode_inside, mode_disabled, fw.is_inference_mode_enabled(),
            inferred.is_inference()]


@SCENARIOS
def inference_tensors_outside_inference_mode(fw):
    x = leaf(fw)
    with fw.inference_mode():
        inferred = fw.ones(3) * 2
    return [inferred.is_inference(), x.is_inference(), raised(lambda: inferred.add_(1)),
            raised(lambda: (inferred * x).sum().backward()), inferred + 1, (inferred + 1).is_inference(),
            inferred.clone().is_inference()]


@SCENARIOS
def grad_mode_restored_after_an_exception(fw):
    def fail_inside_no_grad():
        with fw.no_grad():
            raise KeyError("boom")
    return [raised(fail_inside_no_grad), fw.is_grad_enabled()]


@SCENARIOS
def grad_mode_is_per_thread(fw):
    # no_grad / inference_mode in the main thread leave another thread's mode alone, and the reverse; a thread started
    # inside no_grad starts with grad enabled (torch's grad mode is thread-local, not inherited)
    import threading
    seen = {}
    main_inside, other_inside, other_done = threading.Event(), threading.Event(), threading.Event()

    def other():
        main_inside.wait(10)
        x = fw.ones(2, requires_grad=True)
        seen["other"] = [fw.is_grad_enabled(), fw.is_inference_mode_enabled(), (x * 2).requires_grad]
        with fw.no_grad():
            other_inside.set()
            other_done.wait(10)
            seen["other_in_no_grad"] = [fw.is_grad_enabled(), (x * 2).requires_grad]

    x = fw.ones(2, requires_grad=True)
    with fw.no_grad():
        thread = threading.Thread(target=other)
        thread.start()
        with fw.inference_mode():
            main_inside.set()
            other_inside.wait(10)
            in_main = [fw.is_grad_enabled(), fw.is_inference_mode_enabled(), (x * 2).requires_grad]
    after_main = [fw.is_grad_enabled(), fw.is_inference_mode_enabled(), (x * 2).requires_grad]
    other_done.set()
    thread.join(10)
    return [seen["other"], seen["other_in_no_grad"], in_main, after_main]


@SCENARIOS
def inplace_on_leaf_is_allowed_under_no_grad(fw):
    x = leaf(fw)
    with fw.no_grad():
        x.add_(1)
        x[0] = 10
        x.mul_(2)
    observed = [x.requires_grad, x.is_leaf, x.grad_fn, x]
    (x * x).sum().backward()
    return observed + [x.grad]


# ---- in-place operations and views inside the graph ---------------------------------------------

@SCENARIOS
def inplace_on_a_non_leaf(fw):
    x = leaf(fw)
    y = x * 1
    y.mul_(3)
    y.add_(x)
    y.sum().backward()
    return [x.grad, y.is_leaf, y._version]


@SCENARIOS
def inplace_through_a_view_of_a_non_leaf(fw):
    x = leaf(fw)
    y = x.clone()
    y[0].mul_(10)
    y[1:] *= x[1:]
    y.sum().backward()
    return [y, x.grad]


@SCENARIOS
def view_of_a_leaf_backward(fw):
    x = fw.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    (x.t()[0] * fw.tensor([5.0, 7.0])).sum().backward()
    return x.grad


# ---- autograd.Function ------------------------------------------------------------------------

def scaled_square(fw):
    """y = scale * x * w with the gradient written by hand; records what ctx gave it."""
    seen = {}

    class ScaledSquare(fw.autograd.Function):
        @staticmethod
        def forward(ctx, x, w, scale):
            ctx.save_for_backward(x, w)
            ctx.scale = scale
            seen["needs_input_grad"] = ctx.needs_input_grad
            seen["grad_enabled_in_forward"] = fw.is_grad_enabled()
            return x * x * w * scale

        @staticmethod
        def backward(ctx, cotangent):
            x, w = ctx.saved_tensors
            seen["needs_input_grad_in_backward"] = ctx.needs_input_grad
            grad_x = cotangent * 2 * x * w * ctx.scale if ctx.needs_input_grad[0] else None
            grad_w = cotangent * x * x * ctx.scale if ctx.needs_input_grad[1] else None
            return grad_x, grad_w, None

    return ScaledSquare, seen


@SCENARIOS
def custom_function(fw):
    ScaledSquare, seen = scaled_square(fw)
    x = leaf(fw)
    w = fw.tensor([2.0, 2.0, 0.5])
    y = ScaledSquare.apply(x, w, 3.0)
    observed = [y, y.requires_grad, y.grad_fn is not None, y.is_leaf]
    y.sum().backward()
    observed += [x.grad, seen]
    with fw.no_grad():
        observed.append(ScaledSquare.apply(leaf(fw), w, 1.0).requires_grad)
    return observed


@SCENARIOS
def custom_function_both_inputs(fw):
    ScaledSquare, seen = scaled_square(fw)
    x, w = leaf(fw), leaf(fw, (1.0, 0.5, 2.0))
    (ScaledSquare.apply(x, w, 2.0) * fw.tensor([1.0, -1.0, 2.0])).sum().backward()
    return [x.grad, w.grad, seen]


@SCENARIOS
def custom_function_mark_non_differentiable(fw):
    received = []

    class SortLike(fw.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            doubled = x * 2
            positive = x > 0
            ctx.mark_non_differentiable(positive)
            return doubled, positive

        @staticmethod
        def backward(ctx, grad_doubled, grad_positive):
            # torch documents it: always a zero tensor of the output's shape
            received.append([grad_positive is None, grad_positive.shape, bool((grad_positive == 0).all())])
            return grad_doubled * 2

    x = leaf(fw)
    doubled, positive = SortLike.apply(x)
    observed = [doubled.requires_grad, positive.requires_grad, positive.dtype, positive]
    doubled.sum().backward()
    return observed + [x.grad, received]


# ---- deep graphs --------------------------------------------------------------------------------

@SCENARIOS
def chain_of_ten_thousand_ops(fw):
    x = leaf(fw, (1.5, -2.0))
    y = x
    for _ in range(5000):  # exact in floating point: only the depth is under test
        y = y * 2.0
        y = y * 0.5
    (y * y).sum().backward()
    return [y, x.grad]


# ---- torch's autograd errors --------------------------------------------------------------------

@SCENARIOS
def saved_tensor_modified_inplace(fw):
    x = leaf(fw)
    a = x * 1
    b = a * a  # saves a
    a.mul_(2)
    e = x.exp()  # saves its result
    e.add_(1)
    s = x.sigmoid()
    s_view = s[1:]
    s_view.zero_()  # a write through a view bumps the shared version too
    return [raised(lambda: b.sum().backward()), raised(lambda: e.sum().backward()),
            raised(lambda: s.sum().backward()), x.grad]


@SCENARIOS
def inplace_on_a_leaf_requiring_grad(fw):
    x = leaf(fw)
    return [raised(lambda: x.add_(1)), raised(lambda: x.__setitem__(0, 5.0)), raised(lambda: x.zero_()),
            raised(lambda: x[0].mul_(2)), raised(lambda: x.t().fill_(1)), x, x._version]


@SCENARIOS
def implicit_gradient_needs_a_scalar(fw):
    x = leaf(fw)
    return [raised(lambda: (x * 2).backward()), raised(lambda: fw.autograd.grad(x * 2, x)),
            raised(lambda: (x * 2).backward(fw.ones(2))), x.grad]


@SCENARIOS
def integer_tensors_cannot_require_grad(fw):
    integers = fw.tensor([1, 2])

    def set_attribute():
        integers.requires_grad = True

    return [raised(lambda: fw.tensor([1, 2], requires_grad=True)), raised(lambda: integers.requires_grad_()),
            raised(set_attribute), raised(lambda: fw.ones(2, dtype=fw.bool, requires_grad=True)),
            integers.requires_grad, fw.zeros(2, dtype=fw.float16, requires_grad=True).requires_grad]


@SCENARIOS
def backward_of_a_tensor_without_grad(fw):
    x = leaf(fw)
    return [raised(lambda: fw.ones(2).sum().backward()), raised(lambda: (x * 2).detach().sum().backward()),
            raised(lambda: fw.autograd.grad(fw.ones(2).sum(), x))]


@SCENARIOS
def assigning_grad_checks_type_dtype_and_size(fw):
    p = fw.nn.Parameter(fw.ones(3))

    def assign(value):
        def run():
            p.grad = value
        return run

    fits = fw.full((3,), 2.0)
    assign(fits)()
    kept = p.grad is fits
    del p.grad
    integers = fw.ones(3, dtype=fw.int64)
    integers.grad = fw.ones(3, dtype=fw.int64)   # a gradient may be assigned to an integer tensor
    return [kept, p.grad, integers.grad, raised(assign(3)), raised(assign(fw.ones(3, dtype=fw.float64))),
            raised(assign(fw.ones(3, dtype=fw.float16))), raised(assign(fw.ones(2, 3))), p.grad]


@SCENARIOS
def gradients_keep_the_leaf_layout_and_never_alias(fw):
    """The engine keeps a gradient it owns as .grad without a copy (torch steals it) and copies otherwise:
    every case where a copy is needed, and the layout .grad gets."""
    rows = fw.arange(6.0).reshape(2, 3)
    weight = fw.nn.Parameter(fw.ones(4, 3))
    fw.nn.functional.linear(rows, weight).sum().backward()
    transposed = fw.nn.Parameter(fw.ones(3, 4).t())       # a leaf laid out column-major keeps that layout
    fw.nn.functional.linear(rows, transposed).sum().backward()
    a, b = fw.ones(3, requires_grad=True), fw.ones(3, requires_grad=True)
    (a + b).sum().backward()                                 # add hands one gradient to both leaves
    kept = []
    hooked = fw.ones(3, requires_grad=True)
    hooked.register_hook(lambda g: kept.append(g))
    (hooked * 2).sum().backward()
    (hooked * 3).sum().backward()                            # accumulating must not write into what the hook kept
    given = fw.ones(3)
    leaf = fw.ones(3, requires_grad=True)
    leaf.backward(given)
    leaf.grad.add_(1)                                        # the caller's gradient is not .grad
    y = fw.ones(2, 3, requires_grad=True)
    h = y * 2
    h.retain_grad()
    (h.t() * 3).sum().backward()                             # a retained gradient is a contiguous copy
    x = fw.ones(3, requires_grad=True)
    (x ** 2).sum().backward(create_graph=True)               # under create_graph .grad is a recorded copy
    return [weight.grad.stride(), transposed.grad.stride(), transposed.grad, a.grad.data_ptr() == b.grad.data_ptr(),
            kept[0], hooked.grad, given, h.grad.stride(), y.grad.stride(), h.grad.data_ptr() == y.grad.data_ptr(),
            x.grad.grad_fn is not None]


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_autograd(scenario):
    assert_same(scenario)
