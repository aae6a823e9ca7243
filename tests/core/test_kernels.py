"""mtv2's own kernel machinery: the intra-op threads (mtv2.ops._parallel: torch's set_num_threads/get_num_threads
API, results that do not depend on the number of threads) and gelu's float32 erf (mtv2.ops._erf32)."""
import numpy as np
import pytest

from ._compare import Scenarios, assert_same, raised

SCENARIOS = Scenarios()


@SCENARIOS
def set_num_threads_checks_its_argument(fw):
    before = fw.get_num_threads()
    try:
        fw.set_num_threads(1)
        one = fw.get_num_threads()
        errors = [raised(lambda: fw.set_num_threads(value)) for value in (0, -2, 1.5, True)]
    finally:
        fw.set_num_threads(before)
    return [one, errors, fw.get_num_threads() == before]


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_kernels(scenario):
    assert_same(scenario)


def _big_kernels_once(mtv2):
    """Results of each threaded kernel on inputs large enough to be split (forward and backward)."""
    rng = np.random.default_rng(5)
    data = (rng.standard_normal((300, 2001)) * 3).astype(np.float32)
    cotangent = mtv2.tensor(rng.standard_normal(data.shape).astype(np.float32))
    results = []
    for function in (mtv2.nn.functional.gelu, lambda t: t.softmax(-1), lambda t: t.log_softmax(-1)):
        x = mtv2.tensor(data, requires_grad=True)
        y = function(x)
        y.backward(cotangent)
        results += [y.detach().numpy().copy(), x.grad.numpy().copy()]
    parameter = mtv2.nn.Parameter(mtv2.tensor(data.reshape(-1).copy()))
    optimizer = mtv2.optim.AdamW([parameter], lr=0.01)
    for step in range(2):
        parameter.grad = mtv2.tensor(np.roll(data.reshape(-1), step))
        optimizer.step()
    return results + [parameter.detach().numpy().copy()]


def test_results_do_not_depend_on_the_number_of_threads():
    import mtv2
    before = mtv2.get_num_threads()
    try:
        outcomes = []
        for threads in (1, 3):
            mtv2.set_num_threads(threads)
            outcomes.append(_big_kernels_once(mtv2))
    finally:
        mtv2.set_num_threads(before)
    for serial, threaded in zip(*outcomes):
        np.testing.assert_array_equal(serial, threaded)


def test_float32_erf_for_gelu_is_within_its_bound():
    """mtv2.ops._erf32 (gelu's float32 erf): within 4.5e-7 of the true erf, never beyond +-1, exactly +-1 from
    |x| = 4 on, and NaN, inf and signed zeros as erf gives them."""
    from scipy import special

    from mtv2.ops._erf32 import erf_into
    x = np.linspace(-8, 8, 400_001).astype(np.float32)
    got = erf_into(np.empty_like(x), x.copy())
    assert np.abs(got - special.erf(x.astype(np.float64))).max() <= 4.5e-7
    assert np.abs(got).max() <= 1 and np.all(np.abs(got[np.abs(x) >= 4]) == 1)
    special_values = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0], np.float32)
    np.testing.assert_array_equal(erf_into(np.empty_like(special_values), special_values.copy()),
                                  special.erf(special_values))
    assert np.signbit(erf_into(np.empty(1, np.float32), np.array([-0.0], np.float32)))[0]
