"""conformance/opinfo/translate.py: OpInfo lambdas rebound to mtv2, and the one torch test helper translated
(wrapper_set_seed: the generator's state kept, manual_seed(42) around the call)."""
import numpy as np
import pytest
import torch
from torch.testing._utils import wrapper_set_seed

import mtv2
from conformance.opinfo.translate import NotRebindable, missing_names, rebind


def seeded_randn(x):
    return wrapper_set_seed(torch.randn_like, x)


def test_wrapper_set_seed_runs_mtv2_under_seed_42_like_torch():
    mine = rebind(seeded_randn, torch, mtv2)
    expected = seeded_randn(torch.zeros(20))
    np.testing.assert_array_equal(mine(mtv2.zeros(20)).numpy(), expected.numpy())
    mtv2.manual_seed(42)
    np.testing.assert_array_equal(mtv2.randn(20).numpy(), expected.numpy())   # the same stream as seed 42


def test_wrapper_set_seed_restores_the_generator_state():
    mine = rebind(seeded_randn, torch, mtv2)
    mtv2.manual_seed(7)
    after_seed = mtv2.get_rng_state()
    mine(mtv2.zeros(5))
    assert mtv2.get_rng_state().equal(after_seed)


def test_wrapper_set_seed_restores_the_state_when_the_op_raises():
    def seeded_bad(x):
        return wrapper_set_seed(torch.nn.functional.dropout, x, p=2.0)
    mine = rebind(seeded_bad, torch, mtv2)
    mtv2.manual_seed(7)
    state = mtv2.get_rng_state()
    with pytest.raises(ValueError):
        mine(mtv2.zeros(5))
    assert mtv2.get_rng_state().equal(state)


def test_the_helper_itself_as_a_gradcheck_wrapper():
    mine = rebind(wrapper_set_seed, torch, mtv2)
    assert missing_names(wrapper_set_seed, torch, mtv2) == []
    x = mtv2.ones(16)
    np.testing.assert_array_equal(mine(mtv2.nn.functional.dropout, x, 0.5).numpy(),
                                  wrapper_set_seed(torch.nn.functional.dropout, torch.ones(16), 0.5).numpy())


def test_a_function_of_the_same_name_elsewhere_is_refused():
    def wrapper_set_seed(op, *args):   # noqa: F811 - a look-alike, not torch's helper
        return op(*args)

    def calls_look_alike(x):
        return look_alike(torch.neg, x)   # noqa: F821 - resolved from the globals below
    fn = type(calls_look_alike)(calls_look_alike.__code__, {"look_alike": wrapper_set_seed, "torch": torch})
    with pytest.raises(NotRebindable, match="torch-side code"):
        rebind(fn, torch, mtv2)
