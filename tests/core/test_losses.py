"""The loss functions and modules beyond what the conformance rows compare: the warnings torch gives (target
broadcasting, kl_div's 'mean', the deprecated reduction arguments), the modules' attributes, repr and state dict,
and cross_entropy's double backward. Each scenario runs on both frameworks (see _compare.py)."""
import warnings

import pytest

from ._compare import Scenarios, assert_same

scenarios = Scenarios()


def _warnings_of(function):
    """(the result, [(warning class, message)]) of calling function."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function()
    return result, [(w.category.__name__, str(w.message)) for w in caught]


@scenarios
def mse_broadcast_warns(fw):
    x, y = fw.arange(12.0).reshape(3, 4), fw.arange(4.0)
    return _warnings_of(lambda: fw.nn.functional.mse_loss(x, y))


@scenarios
def smooth_l1_and_l1_broadcast_warn(fw):
    x, y = fw.arange(3.0).reshape(3, 1), fw.arange(4.0) / 3
    return [_warnings_of(lambda: fw.nn.functional.l1_loss(x, y, reduction="none")),
            _warnings_of(lambda: fw.nn.functional.smooth_l1_loss(x, y, reduction="sum", beta=0.5))]


@scenarios
def same_shape_does_not_warn(fw):
    x = fw.arange(6.0).reshape(2, 3)
    return [_warnings_of(lambda: fw.nn.functional.mse_loss(x, x * 2)),
            _warnings_of(lambda: fw.nn.functional.kl_div(x, x, reduction="batchmean"))]


@scenarios
def kl_div_mean_warns(fw):
    x = (fw.arange(6.0).reshape(2, 3) + 1) / 7
    return _warnings_of(lambda: fw.nn.functional.kl_div(x.log(), x))


@scenarios
def legacy_reduction_arguments_warn(fw):
    x = fw.arange(10.0).reshape(2, 5) / 10
    target = fw.tensor([1, 4])
    return [_warnings_of(lambda: fw.nn.functional.cross_entropy(x, target, size_average=False)),
            _warnings_of(lambda: fw.nn.functional.nll_loss(x, target, reduce=False)),
            _warnings_of(lambda: fw.nn.functional.mse_loss(x, x.flip(0), size_average=True, reduce=True))]


@scenarios
def legacy_module_arguments_set_reduction(fw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [fw.nn.CrossEntropyLoss(size_average=False).reduction, fw.nn.MSELoss(reduce=False).reduction,
                fw.nn.BCELoss(size_average=True, reduce=True).reduction, fw.nn.L1Loss().reduction]


@scenarios
def module_attributes_and_repr(fw):
    nn = fw.nn
    weight = fw.tensor([1.0, 2.0, 0.5])
    modules = [nn.CrossEntropyLoss(weight=weight, ignore_index=2, label_smoothing=0.1, reduction="sum"),
               nn.NLLLoss(), nn.MSELoss(), nn.L1Loss(), nn.SmoothL1Loss(beta=0.25), nn.BCELoss(weight=weight),
               nn.BCEWithLogitsLoss(pos_weight=weight), nn.KLDivLoss(reduction="batchmean", log_target=True)]
    observed = []
    for module in modules:
        attributes = {name: getattr(module, name) for name in
                      ("reduction", "ignore_index", "label_smoothing", "beta", "log_target") if hasattr(module, name)}
        observed.append([repr(module), attributes, dict(module.state_dict()), module.weight
                         if hasattr(module, "weight") else "no weight"])
    return observed


@scenarios
def cross_entropy_double_backward(fw):
    logits = (fw.arange(12.0).reshape(3, 4) / 5).sin().double().requires_grad_()
    loss = fw.nn.functional.cross_entropy(logits, fw.tensor([0, -100, 3]), label_smoothing=0.1)
    (grad,) = fw.autograd.grad(loss, logits, create_graph=True)
    (second,) = fw.autograd.grad((grad * grad).sum(), logits)
    return [loss, grad, second]


@scenarios
def nll_loss_backward_of_backward(fw):
    # nll_loss is linear: the gradient of its gradient with respect to the incoming gradient is nll_loss again
    scores = (fw.arange(10.0).reshape(2, 5) / 3).cos().double().requires_grad_()
    weight = fw.tensor([1.0, 2.0, 3.0, 0.5, 1.5], dtype=fw.float64)
    loss = fw.nn.functional.nll_loss(scores, fw.tensor([4, 1]), weight, reduction="none")
    upstream = fw.tensor([0.5, -2.0], dtype=fw.float64, requires_grad=True)
    (grad,) = fw.autograd.grad(loss, scores, upstream, create_graph=True)
    (second,) = fw.autograd.grad((grad * scores.detach()).sum(), upstream)
    return [grad, second]


@pytest.mark.parametrize("scenario", scenarios.params())
def test_losses(scenario):
    assert_same(scenario)
