"""The small mtv2 additions the torch shim needed for transformers' BERT, each checked against real torch:
legacy typed-tensor names, layout, view(dtype), asarray of an UntypedStorage, UntypedStorage.from_file,
finfo of ml_dtypes-backed types, device as a context manager, Module.cuda."""
import numpy as np
import pytest

from tests.core._compare import Scenarios, assert_same, raised

SCENARIOS = Scenarios()


@SCENARIOS
def typed_tensor_isinstance(fw):
    values = [fw.tensor([1, 2]), fw.tensor([1.0]), fw.tensor([True]), fw.tensor([1], dtype=fw.int32)]
    return [[isinstance(v, kind) for kind in (fw.LongTensor, fw.FloatTensor, fw.BoolTensor, fw.IntTensor)]
            for v in values]


@SCENARIOS
def typed_tensor_constructors(fw):
    return [fw.LongTensor([1, 2]), fw.FloatTensor([[1.5, 2.0]]), fw.BoolTensor([True, False]),
            fw.LongTensor(2, 3).shape, fw.FloatTensor().shape]


@SCENARIOS
def typed_tensor_in_annotations(fw):
    return str(fw.LongTensor | None).replace("mtv2", "torch")


@SCENARIOS
def layout_is_strided(fw):
    t = fw.zeros(2, 3).t()
    return [t.layout == fw.strided, repr(t.layout), t.layout is fw.strided]


@SCENARIOS
def view_as_dtype_same_size(fw):
    x = fw.tensor([1.0, -2.0, 0.5])
    y = x.view(fw.int32)
    y[0] = 0
    return [y, x, x.view(dtype=fw.float32)]


@SCENARIOS
def view_as_dtype_other_size(fw):
    x = fw.tensor([[1.0, 2.0], [3.0, 4.0]])
    return [x.view(fw.uint8).shape, x.view(dtype=fw.float16).shape, x.view(fw.int64),
            raised(lambda: x.t().view(fw.uint8))]


@SCENARIOS
def asarray_of_storage_bytes(fw):
    x = fw.tensor([1.0, 2.0, 3.0])
    storage = x.untyped_storage()
    return [fw.asarray(storage, dtype=fw.float32), fw.asarray(storage[4:8], dtype=fw.float32),
            fw.asarray(storage[0:4], dtype=fw.uint8)]


@SCENARIOS
def asarray_of_data(fw):
    x = fw.tensor([1, 2])
    return [fw.asarray([1.5, 2.0]), fw.asarray(x) is x, fw.asarray(x, copy=True) is x,
            fw.asarray(np.arange(3), dtype=fw.float64)]


@SCENARIOS
def device_as_context_manager(fw):
    with fw.device("cpu"):
        made = fw.zeros(2)
    return [made.device, made]


@SCENARIOS
def finfo_of_bfloat16(fw):
    info = fw.finfo(fw.bfloat16)
    return [info.eps, info.max, info.min, info.tiny]


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_additions(scenario):
    assert_same(scenario)


def test_untyped_storage_from_file_reads_the_bytes(tmp_path):
    import mtv2
    from mtv2._storage import UntypedStorage
    path = tmp_path / "bytes.bin"
    np.arange(4, dtype=np.float32).tofile(path)
    storage = UntypedStorage.from_file(str(path), shared=False, nbytes=16)
    assert storage.nbytes() == 16 and storage.untyped() is storage
    values = mtv2.asarray(storage[4:16], dtype=mtv2.float32)
    assert values.tolist() == [1.0, 2.0, 3.0]
    values[0] = 9.0                      # copy-on-write: the file is untouched, as torch's shared=False
    assert np.fromfile(path, dtype=np.float32).tolist() == [0.0, 1.0, 2.0, 3.0]


def test_float8_finfo_matches_torch():
    import ml_dtypes
    import torch
    from mtv2 import _dtype
    for name in ("float8_e4m3fn", "float8_e5m2"):
        mine = _dtype.finfo(_dtype.dtype(name, getattr(ml_dtypes, name), _dtype.FLOATING))
        theirs = torch.finfo(getattr(torch, name))
        assert (mine.max, mine.min, mine.eps, mine.tiny) == (theirs.max, theirs.min, theirs.eps, theirs.tiny)


def test_module_cuda_is_refused_and_meta_context_makes_meta_tensors():
    import mtv2
    with pytest.raises(RuntimeError, match="CPU only"):
        mtv2.nn.Linear(2, 2).cuda()
    with mtv2.device("meta"):            # transformers' from_pretrained builds under it (tests/core/test_meta.py)
        assert mtv2.zeros(1).device == mtv2.device("meta")
    with pytest.raises(RuntimeError):
        with mtv2.device("cuda"):
            pass
