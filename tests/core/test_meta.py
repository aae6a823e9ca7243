"""Meta tensors (device="meta"): torch and mtv2 give the same shapes, dtypes, strides and devices, and raise the
same exceptions (class and message) where data would be read."""
import copy
import pickle

import numpy as np
import pytest

from ._compare import Scenarios, assert_same, dtype_name, frameworks, raised

SCENARIOS = Scenarios()


def facts(tensor):
    """What a meta tensor has: no values, so shape, dtype, strides, storage offset, device and requires_grad."""
    return [tuple(tensor.shape), dtype_name(tensor.dtype), tensor.stride(), tensor.storage_offset(),
            str(tensor.device), tensor.is_meta, tensor.requires_grad]


def error_text(function):
    """The exception class and message, for the errors whose wording torch users see (compared exactly)."""
    try:
        function()
    except Exception as exception:  # noqa: BLE001 - the class and message are the observable
        return f"{type(exception).__name__}: {exception}"
    return "did not raise"


def meta(fw, *shape, dtype=None):
    return fw.empty(*shape, device="meta", dtype=dtype)


# ---- factories -----------------------------------------------------------------------------------

SCENARIOS.update({
    "empty": lambda fw: facts(fw.empty(2, 3, device="meta")),
    "empty_device_object": lambda fw: facts(fw.empty((2, 3), device=fw.device("meta"))),
    "zeros_int64": lambda fw: facts(fw.zeros(2, 3, device="meta", dtype=fw.int64)),
    "ones": lambda fw: facts(fw.ones(4, device="meta")),
    "full_int_fill": lambda fw: facts(fw.full((2, 3), 7, device="meta")),
    "full_float_fill": lambda fw: facts(fw.full((2,), 1.5, device="meta", dtype=fw.float16)),
    "arange_int": lambda fw: facts(fw.arange(5, device="meta")),
    "arange_float": lambda fw: facts(fw.arange(0, 1, 0.25, device="meta")),
    "linspace": lambda fw: facts(fw.linspace(0, 1, 5, device="meta")),
    "eye": lambda fw: facts(fw.eye(3, 2, device="meta")),
    "rand": lambda fw: facts(fw.rand(2, 3, device="meta")),
    "randn_float64": lambda fw: facts(fw.randn(2, 3, device="meta", dtype=fw.float64)),
    "randint": lambda fw: facts(fw.randint(0, 5, (2, 3), device="meta")),
    "randperm": lambda fw: facts(fw.randperm(4, device="meta")),
    "tensor_of_list": lambda fw: facts(fw.tensor([1.0, 2.0], device="meta")),
    "tensor_of_ints": lambda fw: facts(fw.tensor([[1, 2], [3, 4]], device="meta")),
    "as_tensor": lambda fw: facts(fw.as_tensor([1.0, 2.0], device="meta")),
    "as_tensor_of_cpu_tensor": lambda fw: facts(fw.as_tensor(fw.ones(2, 3), device="meta")),
    "empty_strided": lambda fw: facts(fw.empty_strided((2, 3), (1, 2), device="meta")),
    "empty_strided_cpu": lambda fw: [tuple(fw.empty_strided((2, 3), (1, 2)).stride()),
                                     str(fw.empty_strided((2, 3), (1, 2)).device)],
    "requires_grad": lambda fw: facts(fw.zeros(3, device="meta", requires_grad=True)),
    "size_zero": lambda fw: facts(fw.empty(0, 3, device="meta")),
    "zero_dim": lambda fw: facts(fw.empty((), device="meta")),
    "unknown_device": lambda fw: [raised(lambda: fw.empty(2, device="nowhere"))],
})


# ---- *_like and new_* ----------------------------------------------------------------------------

def transposed(fw):
    return meta(fw, 2, 3).t()


SCENARIOS.update({
    "empty_like_keeps_strides": lambda fw: facts(fw.empty_like(transposed(fw))),
    "zeros_like": lambda fw: facts(fw.zeros_like(transposed(fw))),
    "ones_like_dtype": lambda fw: facts(fw.ones_like(meta(fw, 2), dtype=fw.int32)),
    "full_like": lambda fw: facts(fw.full_like(meta(fw, 2, 3), 3)),
    "rand_like": lambda fw: facts(fw.rand_like(meta(fw, 2, 3))),
    "randn_like": lambda fw: facts(fw.randn_like(meta(fw, 2, 3))),
    "randint_like": lambda fw: facts(fw.randint_like(meta(fw, 2, 3), 5)),
    "empty_like_of_meta_on_cpu": lambda fw: facts(fw.empty_like(transposed(fw), device="cpu")),
    "zeros_like_of_meta_on_cpu": lambda fw: facts(fw.zeros_like(meta(fw, 2, 3), device="cpu")),
    "empty_like_of_cpu_on_meta": lambda fw: facts(fw.empty_like(fw.ones(2, 3).t(), device="meta")),
    "new_zeros": lambda fw: facts(meta(fw, 2).new_zeros(4)),
    "new_empty": lambda fw: facts(meta(fw, 2).new_empty((4, 2))),
    "new_ones_int": lambda fw: facts(meta(fw, 2, dtype=fw.int64).new_ones(3)),
    "new_full": lambda fw: facts(meta(fw, 2).new_full((3,), 2.0)),
    "new_tensor": lambda fw: facts(meta(fw, 2).new_tensor([1, 2])),
    "cpu_new_zeros_on_meta": lambda fw: facts(fw.ones(2).new_zeros(4, device="meta")),
})


# ---- the device context manager ------------------------------------------------------------------

@SCENARIOS
def context_manager(fw):
    with fw.device("meta"):
        inside = [facts(fw.empty(2)), facts(fw.tensor([1.0])), facts(fw.arange(3)), facts(fw.zeros(2, 2)),
                  str(fw.get_default_device()),
                  # not factories: from_numpy, *_like of a CPU tensor and ops on CPU tensors stay on the CPU
                  facts(fw.from_numpy(np.ones(2))), facts(fw.zeros_like(fw.ones(2, device="cpu"))),
                  facts(fw.ones(2, device="cpu") + 1), facts(fw.empty(2, device="cpu"))]
        with fw.device("cpu"):
            nested = [facts(fw.empty(2)), str(fw.get_default_device())]
        after_nested = facts(fw.empty(2))
    return [inside, nested, after_nested, facts(fw.empty(2)), str(fw.get_default_device())]


@SCENARIOS
def context_manager_builds_modules(fw):
    with fw.device("meta"):
        linear = fw.nn.Linear(3, 4)
        embedding = fw.nn.Embedding(10, 4, padding_idx=0)
        norm = fw.nn.LayerNorm(4)
    return [facts(linear.weight), facts(linear.bias), facts(embedding.weight), facts(norm.weight),
            facts(norm.bias)]


@SCENARIOS
def context_manager_exits_on_error(fw):
    try:
        with fw.device("meta"):
            raise KeyError("inside")
    except KeyError:
        pass
    return facts(fw.empty(2))


# ---- ops give meta results with torch's shapes, dtypes and strides -------------------------------

SCENARIOS.update({
    "add_scalar": lambda fw: facts(meta(fw, 2, 3) + 1),
    "add_transposed": lambda fw: facts(meta(fw, 3, 2) + meta(fw, 3, 2)),
    "add_cpu_0d": lambda fw: facts(meta(fw, 2, 3) + fw.tensor(1.0)),
    "cpu_0d_add_meta": lambda fw: facts(fw.tensor(1.0) + meta(fw, 2, 3)),
    "add_int_float_promotes": lambda fw: facts(meta(fw, 3, dtype=fw.int64) + meta(fw, 3)),
    "compare_gives_bool": lambda fw: facts(meta(fw, 3) > 0),
    "matmul": lambda fw: facts(meta(fw, 2, 3) @ meta(fw, 3, 4)),
    "linear": lambda fw: facts(fw.nn.functional.linear(meta(fw, 5, 3), meta(fw, 4, 3), meta(fw, 4))),
    "sum": lambda fw: facts(meta(fw, 2, 3).sum()),
    "sum_int32_to_int64": lambda fw: facts(meta(fw, 3, dtype=fw.int32).sum()),
    "mean_dim": lambda fw: facts(meta(fw, 2, 3).mean(1, keepdim=True)),
    "max_dim": lambda fw: [facts(t) for t in meta(fw, 2, 3).max(1)],
    "softmax": lambda fw: facts(meta(fw, 5, 3).softmax(-1)),
    "layer_norm": lambda fw: facts(fw.nn.functional.layer_norm(meta(fw, 5, 3), (3,))),
    "gelu": lambda fw: facts(fw.nn.functional.gelu(meta(fw, 5, 3))),
    "pad": lambda fw: facts(fw.nn.functional.pad(meta(fw, 5), (0, 2))),
    "embedding_cpu_indices": lambda fw: facts(fw.nn.functional.embedding(fw.tensor([1, 2]), meta(fw, 5, 3))),
    "embedding_meta_indices": lambda fw: facts(fw.nn.functional.embedding(meta(fw, 2, dtype=fw.int64),
                                                                          meta(fw, 5, 3))),
    "index_select": lambda fw: facts(meta(fw, 2, 3).index_select(0, fw.tensor([1]))),
    "cat": lambda fw: facts(fw.cat([meta(fw, 2, 3), meta(fw, 1, 3)])),
    "where": lambda fw: facts(fw.where(meta(fw, 2, 3) > 0, meta(fw, 2, 3), 0.0)),
    "to_dtype": lambda fw: facts(transposed(fw).to(fw.float64)),
    "clone_keeps_strides": lambda fw: facts(transposed(fw).clone()),
    "contiguous": lambda fw: facts(transposed(fw).contiguous()),
    "integer_floor_divide": lambda fw: facts(meta(fw, 3, dtype=fw.int64) // meta(fw, 3, dtype=fw.int64)),
    "sort": lambda fw: facts(meta(fw, 2, 3).sort()[0]),
    "topk_indices": lambda fw: facts(meta(fw, 2, 3).topk(2)[1]),
    "repeat_interleave_cpu_repeats": lambda fw: facts(meta(fw, 2, 3).repeat_interleave(fw.tensor([1, 2]), dim=0)),
})


# ---- views keep torch's strides and storage offsets ----------------------------------------------

SCENARIOS.update({
    "transpose": lambda fw: facts(transposed(fw)),
    "select": lambda fw: facts(meta(fw, 2, 3)[1]),
    "slice": lambda fw: facts(meta(fw, 4, 3)[1::2]),
    "view": lambda fw: facts(meta(fw, 2, 3).view(3, 2)),
    "view_incompatible": lambda fw: [raised(lambda: transposed(fw).view(6))],
    "reshape_copies": lambda fw: facts(transposed(fw).reshape(6)),
    "reshape_views": lambda fw: facts(meta(fw, 2, 3).reshape(6)),
    "expand": lambda fw: facts(fw.arange(5, device="meta").expand(2, -1)),
    "unsqueeze_permute": lambda fw: facts(meta(fw, 2, 3).unsqueeze(0).permute(2, 0, 1)),
    "as_strided": lambda fw: facts(meta(fw, 2, 3).as_strided((2, 2), (1, 2), 1)),
    "narrow": lambda fw: facts(meta(fw, 4, 3).narrow(0, 1, 2)),
    "split": lambda fw: [facts(t) for t in meta(fw, 5, 3).split(2)],
    "unbind": lambda fw: [facts(t) for t in meta(fw, 2, 3).unbind(1)],
    "view_as_dtype": lambda fw: facts(meta(fw, 2, 4).view(fw.int32)),
    "detach": lambda fw: facts(meta(fw, 2, 3).detach()),
    "data": lambda fw: facts(fw.zeros(2, device="meta", requires_grad=True).data),
    "is_contiguous": lambda fw: [transposed(fw).is_contiguous(), meta(fw, 2, 3).is_contiguous()],
    "data_ptr": lambda fw: [meta(fw, 2, 3).data_ptr(), meta(fw, 2, 3)[1].data_ptr()],
    "storage": lambda fw: [meta(fw, 2, 3).untyped_storage().nbytes(), meta(fw, 2, 3).untyped_storage().data_ptr(),
                           str(meta(fw, 2, 3).untyped_storage().device)],
    "numel_nbytes": lambda fw: [meta(fw, 2, 3).numel(), meta(fw, 2, 3).nbytes, meta(fw, 2, 3).element_size()],
    "len_and_iter": lambda fw: [len(meta(fw, 2, 3)), [facts(row) for row in meta(fw, 2, 3)]],
    "type_name": lambda fw: [meta(fw, 2).type(), meta(fw, 2, dtype=fw.int64).type()],
})


# ---- in-place ops change nothing on meta (no data), and nn.init runs ------------------------------

@SCENARIOS
def inplace_fills(fw):
    t = meta(fw, 2, 3)
    results = [t.fill_(3), t.zero_(), t.normal_(), t.uniform_(-1, 1), t.copy_(fw.ones(2, 3)),
               t.copy_(meta(fw, 2, 3)), t.mul_(meta(fw, 2, 3)), t.add_(1), t.clamp_(0, 1)]
    return [all(result is t for result in results), facts(t), t._version > 0]


@SCENARIOS
def setitem(fw):
    t = meta(fw, 2, 3)
    t[0] = 1.0
    t[1] = fw.ones(3)
    t[fw.tensor([0])] = 2.0
    return facts(t)


@SCENARIOS
def nn_init(fw):
    weight = fw.nn.Parameter(meta(fw, 4, 3))
    init = fw.nn.init
    results = [init.kaiming_uniform_(weight, a=5 ** 0.5), init.xavier_uniform_(weight), init.normal_(weight),
               init.trunc_normal_(weight, std=0.02), init.zeros_(weight), init.ones_(weight),
               init.constant_(weight, 0.5), init.uniform_(weight)]
    return [all(result is weight for result in results), facts(weight)]


@SCENARIOS
def meta_fills_draw_no_random_numbers(fw):
    fw.manual_seed(0)
    expected = fw.rand(3).tolist()
    fw.manual_seed(0)
    meta(fw, 100).normal_()
    fw.rand(4, device="meta")
    fw.nn.Linear(20, 30, device="meta")
    return fw.rand(3).tolist() == expected


# ---- autograd: backward on meta tensors gives meta gradients ------------------------------------

@SCENARIOS
def backward(fw):
    weight = fw.nn.Parameter(meta(fw, 3, 4))
    transposed_leaf = fw.nn.Parameter(meta(fw, 4, 3).t())
    loss = ((meta(fw, 2, 4) @ weight.t()).relu() + transposed_leaf.sum()).sum()
    loss.backward()
    (transposed_leaf * 3).sum().backward()     # accumulates into the existing gradient
    return [facts(loss), loss.grad_fn is not None, facts(weight.grad), facts(transposed_leaf.grad)]


@SCENARIOS
def module_backward_and_double_backward(fw):
    linear = fw.nn.Linear(4, 3, device="meta")
    (gradient,) = fw.autograd.grad((linear(meta(fw, 5, 4)) ** 2).sum(), linear.weight, create_graph=True)
    gradient.sum().backward()
    return [facts(gradient), gradient.requires_grad, facts(linear.weight.grad), linear.bias.grad is None]


# ---- moving between devices ----------------------------------------------------------------------

SCENARIOS.update({
    "cpu_to_meta_keeps_strides": lambda fw: facts(fw.ones(2, 3).t().to("meta")),
    "cpu_to_meta_with_dtype": lambda fw: facts(fw.ones(2, 3).to("meta", fw.float16)),
    "meta_to_meta": lambda fw: facts(meta(fw, 2, 3).to(fw.device("meta"))),
    "parameter_of_meta": lambda fw: [facts(fw.nn.Parameter(meta(fw, 2, 3))),
                                     isinstance(fw.nn.Parameter(meta(fw, 2)), fw.nn.Parameter)],
    "parameter_of_empty_meta": lambda fw: facts(fw.nn.Parameter(meta(fw, 0))),
    "deepcopy": lambda fw: facts(copy.deepcopy(meta(fw, 2, 3))),
    "pickle": lambda fw: facts(pickle.loads(pickle.dumps(meta(fw, 2, 3).t()))),
    "device_equality": lambda fw: [meta(fw, 2).device == fw.device("meta"), meta(fw, 2).device.type,
                                   str(meta(fw, 2).device)],
})


@SCENARIOS
def module_to_empty(fw):
    linear = fw.nn.Linear(3, 4, device="meta")
    weight = linear.weight
    moved = linear.to_empty(device="cpu")
    return [moved is linear, facts(linear.weight), facts(linear.bias), linear.weight is weight,
            type(linear.weight) is fw.nn.Parameter, linear.weight.is_leaf, facts(linear(fw.ones(2, 3)))]


@SCENARIOS
def module_to_meta_and_dtype(fw):
    linear = fw.nn.Linear(3, 4)
    linear.to("meta")
    on_meta = facts(linear.weight)
    linear.double()
    return [on_meta, facts(linear.weight), facts(linear(meta(fw, 2, 3, dtype=fw.float64)))]


@SCENARIOS
def module_buffers_to_empty(fw):
    norm = fw.nn.BatchNorm1d(3, device="meta")
    norm.to_empty(device="cpu")
    return [facts(norm.running_mean), facts(norm.num_batches_tracked)]


# ---- reading data raises as in torch (class and message) -----------------------------------------

def scalar(fw, dtype=None):
    return fw.empty((), device="meta", dtype=dtype)


MESSAGES = {
    "item": lambda fw: scalar(fw).item(),
    "item_of_many": lambda fw: meta(fw, 2, 3).item(),
    "bool": lambda fw: bool(scalar(fw)),
    "bool_of_many": lambda fw: bool(meta(fw, 2)),
    "float": lambda fw: float(scalar(fw)),
    "int": lambda fw: int(scalar(fw, fw.int64)),
    "index": lambda fw: [1, 2, 3][scalar(fw, fw.int64)],
    "tolist": lambda fw: meta(fw, 2).tolist(),
    "numpy": lambda fw: meta(fw, 2).numpy(),
    "numpy_requires_grad": lambda fw: fw.zeros(2, device="meta", requires_grad=True).numpy(),
    "np_asarray": lambda fw: np.asarray(meta(fw, 2)),
    "to_cpu": lambda fw: meta(fw, 2).to("cpu"),
    "cpu": lambda fw: meta(fw, 2).cpu(),
    "copy_into_cpu": lambda fw: fw.ones(2, 3).copy_(meta(fw, 2, 3)),
    "setitem_of_cpu_from_meta": lambda fw: fw.ones(2, 3).__setitem__(0, meta(fw, 3)),
    "module_to_cpu": lambda fw: fw.nn.Linear(3, 4, device="meta").to("cpu"),
    "module_cpu": lambda fw: fw.nn.Linear(3, 4, device="meta").cpu(),
    "add_cpu": lambda fw: meta(fw, 2, 3) + fw.ones(2, 3),
    "cpu_add_meta": lambda fw: fw.ones(2, 3) + meta(fw, 2, 3),
    "cpu_add_meta_0d": lambda fw: fw.ones(2, 3) + scalar(fw),
    "cat_cpu_meta": lambda fw: fw.cat([fw.ones(2, 3), meta(fw, 2, 3)]),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_reading_data_raises_like_torch(name):
    torch, mtv2 = frameworks()
    expected = error_text(lambda: MESSAGES[name](torch))
    assert expected != "did not raise", f"{name}: torch does not raise"
    assert error_text(lambda: MESSAGES[name](mtv2)) == expected


# ---- data-dependent shapes raise (torch has no meta kernel for them) -----------------------------

SCENARIOS.update({
    "nonzero": lambda fw: [raised(lambda: meta(fw, 2, 3).nonzero())],
    "boolean_mask": lambda fw: [raised(lambda: meta(fw, 2, 3)[meta(fw, 2, 3) > 0])],
    "masked_select": lambda fw: [raised(lambda: meta(fw, 2, 3).masked_select(meta(fw, 2, 3) > 0))],
})


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_meta(scenario):
    assert_same(scenario)


# ---- repr ----------------------------------------------------------------------------------------

REPRS = {
    "float": lambda fw: meta(fw, 2, 3),
    "zero_dim": lambda fw: scalar(fw),
    "int64": lambda fw: fw.zeros(3, dtype=fw.int64, device="meta"),
    "bool": lambda fw: fw.zeros(3, dtype=fw.bool, device="meta"),
    "float64": lambda fw: meta(fw, 1, dtype=fw.float64),
    "requires_grad": lambda fw: fw.zeros(3, device="meta", requires_grad=True),
    "parameter": lambda fw: fw.nn.Parameter(meta(fw, 3)),
}


@pytest.mark.parametrize("name", sorted(REPRS))
def test_repr(name):
    torch, mtv2 = frameworks()
    expected = repr(REPRS[name](torch)).replace("torch.", "")
    assert repr(REPRS[name](mtv2)).replace("mtv2.", "").replace("torch.", "") == expected
    assert str(REPRS[name](mtv2)) == repr(REPRS[name](mtv2))


# ---- no data behind a meta tensor ----------------------------------------------------------------

def test_meta_tensor_holds_no_buffer():
    """A meta tensor far larger than memory is only metadata (torch's meta tensors hold no storage either)."""
    import mtv2
    huge = mtv2.empty(2 ** 40, 2 ** 10, device="meta")       # 4 PiB of float32
    assert (huge.shape, huge.stride(), huge.nbytes) == ((2 ** 40, 2 ** 10), (2 ** 10, 1), 2 ** 52)
    row = huge.t()[7]
    assert row.shape == (2 ** 40,) and row.stride() == (2 ** 10,) and row.storage_offset() == 7
    assert not isinstance(huge._data, np.ndarray)


def test_cpu_ops_do_not_look_for_meta_once_none_is_alive():
    """The dispatcher's meta check is one integer test while no meta tensor exists (op_overhead)."""
    import gc

    import mtv2
    from mtv2 import _meta
    gc.collect()
    before = _meta.live.count
    tensors = [mtv2.empty(2, device="meta"), mtv2.empty(3, device="meta").t()]
    assert _meta.live.count > before
    del tensors
    gc.collect()
    assert _meta.live.count == before
