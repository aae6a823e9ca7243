"""torch.utils.checkpoint (mtv2/utils/checkpoint.py): values, gradients, recomputation counts, RNG replay and errors
against real torch, in both variants (use_reentrant=True and False); and gradients bit-identical to the
uncheckpointed run within mtv2."""
import importlib
import warnings

import numpy as np
import pytest

from ._compare import Scenarios, assert_same, raised

SCENARIOS = Scenarios()
VARIANTS = {"reentrant": True, "non_reentrant": False}


def checkpoint_module(fw):
    return importlib.import_module(fw.__name__ + ".utils.checkpoint")


def linear(fw, n_in, n_out, seed):
    """An nn.Linear with the same weights in both frameworks (copied from NumPy)."""
    rng = np.random.default_rng(seed)
    layer = fw.nn.Linear(n_in, n_out)
    with fw.no_grad():
        layer.weight.copy_(fw.tensor(rng.uniform(-0.5, 0.5, (n_out, n_in)).astype(np.float32)))
        layer.bias.copy_(fw.tensor(rng.uniform(-0.5, 0.5, n_out).astype(np.float32)))
    return layer


def data(fw, shape=(3, 4), seed=0, requires_grad=True):
    values = np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)
    return fw.tensor(values, requires_grad=requires_grad)


class Counted:
    """A function that counts its calls (the forward, then one per recomputation)."""

    def __init__(self, function):
        self.function = function
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


def variant_scenarios(build):
    """Register `build(fw, use_reentrant)` once per variant."""
    for name, use_reentrant in VARIANTS.items():
        def scenario(fw, use_reentrant=use_reentrant):
            return build(fw, use_reentrant)
        scenario.__name__ = f"{build.__name__}_{name}"
        SCENARIOS(scenario)
    return build


# ---- values, gradients, recomputation ------------------------------------------------------------

@variant_scenarios
def mlp_values_gradients_and_recomputation(fw, use_reentrant):
    first, second = linear(fw, 4, 5, 1), linear(fw, 5, 4, 2)
    block = Counted(lambda h: second(first(h).tanh()).sigmoid() * h)
    x = data(fw)
    h = x * 2
    y = checkpoint_module(fw).checkpoint(block, h, use_reentrant=use_reentrant)
    after_forward = block.calls
    (y + h).pow(2).sum().backward()
    return [y, after_forward, block.calls, x.grad, first.weight.grad, first.bias.grad, second.weight.grad,
            second.bias.grad, y.requires_grad]


@variant_scenarios
def parameters_only_require_grad(fw, use_reentrant):
    # reentrant: no input requires grad, so nothing is recorded (torch warns); non-reentrant reaches the parameters
    layer = linear(fw, 4, 4, 3)
    block = Counted(lambda h: layer(h).exp())
    x = data(fw, requires_grad=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = checkpoint_module(fw).checkpoint(block, x, use_reentrant=use_reentrant)
    warned = sorted({w.category.__name__ for w in caught})
    outcome = raised(lambda: y.sum().backward())
    return [warned, y.requires_grad, outcome, layer.weight.grad, layer.bias.grad, block.calls]


@variant_scenarios
def non_tensor_arguments_and_tuple_outputs(fw, use_reentrant):
    layer = linear(fw, 4, 4, 4)

    def block(h, scale, mode):
        out = layer(h) * scale
        return (out.tanh(), out.sin(), mode) if mode == "three" else (out.tanh(), out.sin())

    x = data(fw)
    a, b, mode = checkpoint_module(fw).checkpoint(block, x, 0.5, "three", use_reentrant=use_reentrant)
    (a * 2).sum().backward()     # b is not used: its gradient is None
    return [a, b, mode, x.grad, layer.weight.grad]


@variant_scenarios
def second_input_and_unused_input(fw, use_reentrant):
    x, z, unused = data(fw, seed=1), data(fw, seed=2), data(fw, seed=3)
    y = checkpoint_module(fw).checkpoint(lambda p, q, r: (p * q).sin() + q.exp(), x, z, unused,
                                         use_reentrant=use_reentrant)
    y.sum().backward()
    return [y, x.grad, z.grad, unused.grad]


@variant_scenarios
def under_no_grad_nothing_is_recorded(fw, use_reentrant):
    layer = linear(fw, 4, 4, 5)
    block = Counted(lambda h: layer(h).relu())
    with fw.no_grad():
        y = checkpoint_module(fw).checkpoint(block, data(fw), use_reentrant=use_reentrant)
    return [y, y.requires_grad, y.grad_fn is None, block.calls]


@variant_scenarios
def retain_graph_recomputes_at_each_backward(fw, use_reentrant):
    x = data(fw)
    block = Counted(lambda h: (h * h).sin())
    y = checkpoint_module(fw).checkpoint(block, x, use_reentrant=use_reentrant).sum()
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    return [first, x.grad, block.calls]


def second_backward_without_retain_graph(fw):
    x = data(fw)
    y = checkpoint_module(fw).checkpoint(lambda h: (h * h).sin(), x, use_reentrant=False).sum()
    y.backward()
    return [x.grad, raised(lambda: y.backward())]


SCENARIOS(second_backward_without_retain_graph)


@variant_scenarios
def input_modified_in_place_before_backward(fw, use_reentrant):
    x = data(fw)
    h = x * 1.0
    y = checkpoint_module(fw).checkpoint(lambda v: v.exp() * v, h, use_reentrant=use_reentrant).sum()
    with fw.no_grad():
        h.add_(1.0)
    return [raised(lambda: y.backward())]


@variant_scenarios
def double_backward_through_a_checkpoint(fw, use_reentrant):
    x = data(fw)
    y = checkpoint_module(fw).checkpoint(lambda v: (v ** 3).sum(), x, use_reentrant=use_reentrant)
    outcome = raised(lambda: fw.autograd.grad(y, x, create_graph=True))
    if use_reentrant:
        return [outcome]      # autograd.grad through a reentrant checkpoint raises in torch
    (gradient,) = fw.autograd.grad(y, x, create_graph=True)
    (second,) = fw.autograd.grad(gradient.sum(), x)
    return [gradient, second]


# ---- keyword arguments, options and torch's errors ------------------------------------------------

def kwargs_reach_the_function_non_reentrant(fw):
    x, scale = data(fw, seed=4), data(fw, seed=5)
    y = checkpoint_module(fw).checkpoint(lambda h, scale=None: (h * scale).tanh(), x, scale=scale,
                                         use_reentrant=False)
    y.sum().backward()
    return [y, x.grad, scale.grad]


def kwargs_are_refused_reentrant(fw):
    return [raised(lambda: checkpoint_module(fw).checkpoint(lambda h, scale=1.0: h * scale, data(fw), scale=2.0,
                                                            use_reentrant=True))]


def options_only_for_non_reentrant(fw):
    cp = checkpoint_module(fw)
    x = data(fw)
    return [raised(lambda: cp.checkpoint(lambda h: h * 2, x, use_reentrant=True,
                                         context_fn=lambda: cp.noop_context_fn())),
            raised(lambda: cp.checkpoint(lambda h: h * 2, x, use_reentrant=True, debug=True)),
            raised(lambda: cp.checkpoint(lambda h: h * 2, x, use_reentrant=False, determinism_check="bad")),
            cp.checkpoint(lambda h: h * 2, x, use_reentrant=False, determinism_check="none")]


def use_reentrant_not_given_warns_and_is_reentrant(fw):
    x = data(fw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = checkpoint_module(fw).checkpoint(lambda h: h.exp(), x)
    outcome = raised(lambda: fw.autograd.grad(y.sum(), x))   # reentrant: refuses autograd.grad
    return [sorted({w.category.__name__ for w in caught}), y, outcome]


def reentrant_refuses_grad_and_backward_inputs(fw):
    x = data(fw)
    y = checkpoint_module(fw).checkpoint(lambda h: h.exp(), x, use_reentrant=True).sum()
    first = raised(lambda: fw.autograd.grad(y, x, retain_graph=True))
    second = raised(lambda: y.backward(inputs=[x], retain_graph=True))
    y.backward()
    return [first, second, x.grad]


def non_reentrant_works_with_grad_and_backward_inputs(fw):
    x, z = data(fw, seed=6), data(fw, seed=7)
    y = checkpoint_module(fw).checkpoint(lambda h, k: (h * k).exp(), x, z, use_reentrant=False).sum()
    (gx,) = fw.autograd.grad(y, x, retain_graph=True)
    y.backward(inputs=[z])
    return [gx, x.grad, z.grad]


def reentrant_output_without_grad_raises(fw):
    x = data(fw)
    y = checkpoint_module(fw).checkpoint(lambda h: h.detach() * 2, x, use_reentrant=True)
    return [y.requires_grad, raised(lambda: y.sum().backward())]


def context_fn_wraps_forward_and_recomputation(fw):
    cp = checkpoint_module(fw)
    entered = []

    class Marker:
        def __init__(self, name):
            self.name = name

        def __enter__(self):
            entered.append(self.name)

        def __exit__(self, *exc_info):
            return False

    x = data(fw)
    y = cp.checkpoint(lambda h: h.sin(), x, use_reentrant=False,
                      context_fn=lambda: (Marker("forward"), Marker("recompute")))
    y.sum().backward()
    return [entered, x.grad]


def checkpoint_sequential_matches(fw):
    cp = checkpoint_module(fw)
    model = fw.nn.Sequential(linear(fw, 4, 6, 8), fw.nn.Tanh(), linear(fw, 6, 6, 9), fw.nn.Sigmoid(),
                             linear(fw, 6, 4, 10))
    observed = []
    for use_reentrant in (True, False):
        x = data(fw)
        model.zero_grad()
        y = cp.checkpoint_sequential(model, 2, x, use_reentrant=use_reentrant)
        y.sum().backward()
        observed += [y, x.grad, model[0].weight.grad, model[4].bias.grad]
    observed.append(raised(lambda: cp.checkpoint_sequential(model, 2, data(fw), use_reentrant=True, other=1)))
    return observed


for _scenario in (kwargs_reach_the_function_non_reentrant, kwargs_are_refused_reentrant, options_only_for_non_reentrant,
                  use_reentrant_not_given_warns_and_is_reentrant, reentrant_refuses_grad_and_backward_inputs,
                  non_reentrant_works_with_grad_and_backward_inputs, reentrant_output_without_grad_raises,
                  context_fn_wraps_forward_and_recomputation, checkpoint_sequential_matches):
    SCENARIOS(_scenario)


# ---- dropout: the recomputation replays the forward's random stream ------------------------------

def dropout_run(fw, use_reentrant, checkpointed, preserve_rng_state=True):
    fw.manual_seed(1234)
    layer = linear(fw, 4, 4, 11)
    dropout = fw.nn.Dropout(0.5)

    def block(h):
        h = dropout(layer(h).tanh())
        return fw.nn.functional.dropout(h * h, p=0.3, training=True)

    x = data(fw)
    if checkpointed:
        y = checkpoint_module(fw).checkpoint(block, x, use_reentrant=use_reentrant,
                                             preserve_rng_state=preserve_rng_state)
    else:
        y = block(x)
    y.sum().backward()
    after = fw.rand(4)   # the stream after backward continues as if nothing was recomputed
    return [y.detach().numpy().copy(), x.grad.numpy().copy(), layer.weight.grad.numpy().copy(),
            after.numpy().copy()]


@variant_scenarios
def dropout_masks_repeat(fw, use_reentrant):
    plain = dropout_run(fw, use_reentrant, checkpointed=False)
    replayed = dropout_run(fw, use_reentrant, checkpointed=True)
    unpreserved = dropout_run(fw, use_reentrant, checkpointed=True, preserve_rng_state=False)
    return [[bool(np.array_equal(a, b)) for a, b in zip(plain, replayed)],
            bool(np.array_equal(plain[1], unpreserved[1]))]


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_checkpoint(scenario):
    assert_same(scenario)


# ---- bit-identical to the uncheckpointed run (mtv2) -------------------------------------------------

def attention_like_block(mtv2, seed):
    """A residual block whose input is used several times inside and once outside, with dropout: the order in
    which a checkpoint hands its gradients on decides whether the sums are bit-identical."""
    q, k, v, out = (linear(mtv2, 8, 8, seed + i) for i in range(4))
    norm = mtv2.nn.LayerNorm(8)

    def block(h, mask):
        scores = (q(h) @ k(h).transpose(-1, -2)) / 8 ** 0.5 + mask
        context = mtv2.nn.functional.dropout(scores.softmax(-1), 0.1, training=True) @ v(h)
        return norm(out(context) + h)

    return block, [q.weight, k.weight, v.weight, out.weight, norm.weight, norm.bias]


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_gradients_bit_identical_to_the_uncheckpointed_run(use_reentrant):
    mtv2 = importlib.import_module("mtv2")
    cp = checkpoint_module(mtv2)
    runs = []
    for checkpointed in (False, True):
        mtv2.manual_seed(7)
        block, parameters = attention_like_block(mtv2, 20)
        x = data(mtv2, (2, 5, 8), seed=9)
        mask = mtv2.zeros(2, 1, 5)
        h = x * 1.5
        for _ in range(2):   # two stacked layers sharing weights: the parameters get gradients from both
            h = cp.checkpoint(block, h, mask, use_reentrant=use_reentrant) if checkpointed else block(h, mask)
        (h.sin() + h).sum().backward()
        runs.append([h.detach().numpy().copy(), x.grad.numpy().copy()] + [p.grad.numpy().copy() for p in parameters])
    plain, checkpointed = runs
    for index, (a, b) in enumerate(zip(plain, checkpointed)):
        if use_reentrant and index >= 2:
            # reentrant: each checkpoint's inner backward accumulates the shared weights' .grad itself, so the two
            # layers' contributions are summed in another order than the plain run's (torch's reentrant too)
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        else:
            assert np.array_equal(a, b), f"output {index} differs: max {np.abs(a - b).max()}"


def test_segment_activations_are_released():
    """After a non-reentrant checkpoint, the outputs' history is one CheckpointBackward whose edges lead out of the
    segment: no node of the recorded segment (which held the activations) stays reachable."""
    mtv2 = importlib.import_module("mtv2")
    cp = checkpoint_module(mtv2)
    layer = linear(mtv2, 4, 4, 12)
    x = data(mtv2)
    y = cp.checkpoint(lambda h: layer(h).tanh().exp(), x, use_reentrant=False)
    assert type(y.grad_fn).__name__ == "CheckpointBackward"
    targets = {type(node).__name__ for node, _ in y.grad_fn.next_functions if node is not None}
    assert targets == {"AccumulateGrad"}     # x, weight and bias: the segment's boundary


def test_transformers_bert_gradient_checkpointing_matches():
    """transformers' own gradient checkpointing (use_reentrant=True by default) under the shim, dropout on: the
    gradients equal those of the run without it and the layers are recomputed."""
    pytest.importorskip("transformers")
    from tests.hf.test_shim import run_python
    done = run_python("""
        import numpy as np
        import mtv2.compat
        torch = mtv2.compat.install_torch_shim()
        import transformers

        def run(checkpointing, kwargs=None):
            torch.manual_seed(0)
            config = transformers.BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2,
                                             num_attention_heads=2, intermediate_size=20, max_position_embeddings=16)
            model = transformers.BertForMaskedLM(config)
            model.train()
            if checkpointing:
                model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
            calls = []
            model.bert.encoder.layer[0].attention.register_forward_hook(lambda *a: calls.append(1))
            ids = torch.randint(1, 50, (2, 8))
            loss = model(input_ids=ids, labels=ids).loss
            loss.backward()
            return loss.item(), [p.grad.numpy().copy() for p in model.parameters() if p.grad is not None], len(calls)

        plain = run(False)
        for kwargs in (None, {"use_reentrant": False}):
            checkpointed = run(True, kwargs)
            assert plain[0] == checkpointed[0]
            assert len(plain[1]) == len(checkpointed[1])
            worst = max(float(np.abs(a - b).max()) for a, b in zip(plain[1], checkpointed[1]))
            print(plain[2], checkpointed[2], worst < 1e-6)
    """, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["1", "2", "True", "1", "2", "True"]
