"""mtv2.save / mtv2.load against real torch.save / torch.load, both directions, in torch's own zip format: bits,
dtypes, shared storages, state dicts of modules and optimizers, weights_only refusals, map_location, mmap, paths
and buffers, and the `torch` shim in a subprocess (the shim must never be installed in this process, which imports
the real torch)."""
import collections
import io
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile

import ml_dtypes
import numpy as np
import pytest

import mtv2
from mtv2 import _torch_archive
from mtv2.serialization import safe_globals

torch = pytest.importorskip("torch")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DTYPES = ["float32", "float64", "float16", "bfloat16", "bool", "int8", "int16", "int32", "int64", "uint8"]
NUMPY_TYPES = {"bfloat16": ml_dtypes.bfloat16, "bool": np.bool_}


class Custom:
    """A class outside torch's weights_only allowlist."""

    def __init__(self, value=3):
        self.value = value


def saved_by(fw, obj, **options):
    buffer = io.BytesIO()
    fw.save(obj, buffer, **options)
    return buffer.getvalue()


def loaded_by(fw, data, **options):
    return fw.load(io.BytesIO(data), **options)


def random_pair(dtype_name, shape, seed):
    """The same random bytes as a torch and an mtv2 tensor: floats get arbitrary bit patterns, NaN payloads too."""
    numpy_type = np.dtype(NUMPY_TYPES.get(dtype_name, dtype_name))
    rng = np.random.default_rng(seed)
    count = int(np.prod(shape))
    raw = (rng.integers(0, 2, count, dtype=np.uint8) if dtype_name == "bool"
           else rng.integers(0, 256, count * numpy_type.itemsize, dtype=np.uint8))
    array = raw.view(numpy_type).reshape(shape)
    theirs = torch.frombuffer(bytearray(raw.tobytes()), dtype=getattr(torch, dtype_name)).reshape(shape)
    return theirs, mtv2.from_numpy(array.copy())


def bits(tensor):
    if isinstance(tensor, mtv2.Tensor):
        return np.ascontiguousarray(tensor.detach().numpy()).view(np.uint8).tobytes()
    return tensor.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def assert_same_tensor(mine, theirs):
    """Same dtype, shape, strides, storage offset, requires_grad and bits."""
    assert str(mine.dtype) == str(theirs.dtype)
    assert tuple(mine.shape) == tuple(theirs.shape)
    assert mine.stride() == theirs.stride()
    assert mine.storage_offset() == theirs.storage_offset()
    assert mine.requires_grad == theirs.requires_grad
    assert bits(mine) == bits(theirs)


# ---------------------------------------------------------------- bytes and dtypes

def views_and_values(fw):
    """Views of one storage, a parameter, every container and Python scalar torch's allowlist admits."""
    base = fw.arange(24.0).reshape(4, 6)
    return {"base": base, "transposed": base.t(), "corner": base[1:, 2:4], "row": base[2], "tail": base.view(-1)[5:],
            "parameter": fw.nn.Parameter(fw.ones(2, dtype=fw.bfloat16)),
            "frozen": fw.nn.Parameter(fw.zeros(3), requires_grad=False),
            "computed": fw.ones(3, requires_grad=True) * 2, "empty": fw.empty(0, 3), "scalar": fw.tensor(7),
            "ordered": collections.OrderedDict(b=1.5, a=[1, (2, "x")]), "text": "hé", "none": None, "flag": True,
            "big": 2 ** 70, "bytes": b"ab", "set": {1, 2}, "complex": 1 + 2j, "bytearray": bytearray(b"xy"),
            "dtype": fw.float16, "size": fw.Size([2, 3]), "device": fw.device("cpu")}


@pytest.mark.parametrize("make", [
    lambda fw: fw.arange(6.0),
    lambda fw: {name: fw.ones(2, dtype=getattr(fw, name)) for name in DTYPES},
    views_and_values,
    lambda fw: [fw.full((2,), float(i)) for i in range(40)],   # 46 records: the serialization id's set rehashes
], ids=["tensor", "every_dtype", "views_and_values", "forty_storages"])
def test_mtv2_writes_the_bytes_torch_writes(make):
    assert saved_by(mtv2, make(mtv2)) == saved_by(torch, make(torch))


@pytest.mark.parametrize("dtype_name", DTYPES)
def test_every_dtype_round_trips_bit_for_bit_both_ways(dtype_name):
    theirs, mine = random_pair(dtype_name, (3, 5), seed=DTYPES.index(dtype_name))
    from_torch = loaded_by(mtv2, saved_by(torch, {"dense": theirs, "view": theirs.t()[1:]}))
    from_mtv2 = loaded_by(torch, saved_by(mtv2, {"dense": mine, "view": mine.t()[1:]}), weights_only=True)
    for name in ("dense", "view"):
        assert_same_tensor(from_torch[name], from_mtv2[name])
        assert bits(from_torch[name]) == bits(theirs if name == "dense" else theirs.t()[1:])


def test_views_share_one_storage_after_loading_both_ways():
    for loaded in (loaded_by(mtv2, saved_by(torch, views_and_values(torch))),
                   loaded_by(torch, saved_by(mtv2, views_and_values(mtv2)))):
        base = loaded["base"]
        for name in ("transposed", "corner", "row", "tail"):
            assert loaded[name].untyped_storage().data_ptr() == base.untyped_storage().data_ptr(), name
        base[2, 3] = -1.0           # one storage: a write through the base reaches every view
        assert loaded["transposed"][3, 2].item() == loaded["corner"][1, 1].item() == loaded["row"][3].item() == -1.0
    mine = loaded_by(mtv2, saved_by(mtv2, views_and_values(mtv2)))
    assert mine["corner"].untyped_storage() is mine["base"].untyped_storage()
    theirs = views_and_values(torch)
    for name in ("base", "transposed", "corner", "row", "tail", "empty", "scalar"):
        assert_same_tensor(mine[name], theirs[name])


def test_values_containers_and_parameters_load_as_torch_loads_them():
    mine = loaded_by(mtv2, saved_by(torch, views_and_values(torch)))
    theirs = loaded_by(torch, saved_by(mtv2, views_and_values(mtv2)))
    for name in ("ordered", "text", "none", "flag", "big", "bytes", "set", "complex", "bytearray"):
        assert mine[name] == theirs[name] and type(mine[name]) is type(theirs[name]), name
    assert mine["dtype"] is mtv2.float16 and theirs["dtype"] is torch.float16
    assert mine["size"] == mtv2.Size([2, 3]) and isinstance(mine["size"], mtv2.Size)
    assert mine["device"] == mtv2.device("cpu") and theirs["device"] == torch.device("cpu")
    assert type(mine["parameter"]) is mtv2.nn.Parameter and type(theirs["parameter"]) is torch.nn.Parameter
    for name in ("parameter", "frozen", "computed"):   # a non-leaf loads as a leaf that requires grad, as in torch
        assert_same_tensor(mine[name], theirs[name])
        assert mine[name].is_leaf and theirs[name].is_leaf


# ---------------------------------------------------------------- state dicts

def model(fw):
    return fw.nn.Sequential(fw.nn.Linear(3, 4), fw.nn.LayerNorm(4), fw.nn.BatchNorm1d(4))


def test_module_state_dict_torch_to_mtv2_to_torch(tmp_path):
    torch.manual_seed(0)
    reference = model(torch)
    reference(torch.randn(5, 3))   # running statistics and num_batches_tracked move off their defaults
    torch.save(reference.state_dict(), tmp_path / "torch.pt")

    state = mtv2.load(tmp_path / "torch.pt")
    assert isinstance(state, collections.OrderedDict)
    assert state._metadata == reference.state_dict()._metadata   # torch's per-module versions survive
    layer = model(mtv2)
    layer.load_state_dict(state)
    mtv2.save(layer.state_dict(), tmp_path / "mtv2.pt")

    restored = model(torch)
    restored.load_state_dict(torch.load(tmp_path / "mtv2.pt", weights_only=True))
    for (name, mine), theirs in zip(restored.state_dict().items(), reference.state_dict().values()):
        assert mine.dtype == theirs.dtype and torch.equal(mine, theirs), name
    # the loaded dict (with its _metadata) written again is torch's file, byte for byte
    assert saved_by(mtv2, state) == saved_by(torch, reference.state_dict())


def adamw_after_two_steps(fw):
    weights = [fw.nn.Parameter(fw.tensor([[0.5, -1.0], [2.0, 0.25]])), fw.nn.Parameter(fw.tensor([1.0, -3.0]))]
    optimizer = fw.optim.AdamW(weights, lr=0.1, weight_decay=0.05)
    for step in range(2):
        optimizer.zero_grad()
        ((weights[0] * (step + 1)).pow(2).sum() + weights[1].sin().sum()).backward()
        optimizer.step()
    return weights, optimizer


def assert_optimizer_states_close(mine, theirs):
    assert mine["param_groups"] == theirs["param_groups"]
    assert mine["state"].keys() == theirs["state"].keys()
    for index, slots in theirs["state"].items():
        assert mine["state"][index].keys() == slots.keys()
        for slot, value in slots.items():
            torch.testing.assert_close(mine["state"][index][slot], value)


def test_adamw_state_dict_mtv2_to_torch():
    _, mine = adamw_after_two_steps(mtv2)
    _, theirs = adamw_after_two_steps(torch)
    state = loaded_by(torch, saved_by(mtv2, mine.state_dict()), weights_only=True)
    assert_optimizer_states_close(state, theirs.state_dict())
    weights = [torch.nn.Parameter(torch.zeros(2, 2)), torch.nn.Parameter(torch.zeros(2))]
    torch.optim.AdamW(weights).load_state_dict(state)   # torch accepts it as its own


def test_adamw_state_dict_torch_to_mtv2_resumes_like_torch():
    torch_weights, theirs = adamw_after_two_steps(torch)
    state = loaded_by(mtv2, saved_by(torch, theirs.state_dict()))
    assert state["state"][0]["step"].dtype is mtv2.float32 and state["param_groups"][0]["betas"] == (0.9, 0.999)
    mine_weights = [mtv2.nn.Parameter(mtv2.tensor(w.detach().numpy())) for w in torch_weights]
    mine = mtv2.optim.AdamW(mine_weights, lr=0.1, weight_decay=0.05)
    mine.load_state_dict(state)
    for optimizer, weights in ((mine, mine_weights), (theirs, torch_weights)):
        optimizer.zero_grad()
        (weights[0].pow(2).sum() + weights[1].sum()).backward()
        optimizer.step()
    for ours, reference in zip(mine_weights, torch_weights):
        torch.testing.assert_close(torch.from_numpy(ours.detach().numpy()), reference.detach())


# ---------------------------------------------------------------- weights_only

def refusal(loader, data):
    with pytest.raises(pickle.UnpicklingError) as caught:
        loaded_by(loader, data)
    return str(caught.value)


@pytest.mark.parametrize("obj", [{"x": Custom()}, {"f": os.getcwd}, [print]], ids=["class", "blocked", "builtin"])
def test_weights_only_refuses_what_torch_refuses_with_its_message(obj):
    for writer in (mtv2, torch):
        data = saved_by(writer, obj)
        assert refusal(mtv2, data) == refusal(torch, data)


def test_weights_only_false_and_safe_globals_load_arbitrary_objects():
    data = saved_by(mtv2, {"x": Custom(5), "t": mtv2.ones(2)})
    for loader in (mtv2, torch):
        loaded = loaded_by(loader, data, weights_only=False)
        assert isinstance(loaded["x"], Custom) and loaded["x"].value == 5
    with safe_globals([Custom]):
        assert loaded_by(mtv2, data)["x"].value == 5
    refusal(mtv2, data)   # the context has ended
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        loaded_by(mtv2, data, pickle_module=pickle, weights_only=True)
    assert loaded_by(mtv2, data, pickle_module=pickle)["x"].value == 5   # a pickle_module means weights_only=False


def test_a_whole_torch_module_pickle_loads_as_the_mtv2_module_with_weights_only_false():
    torch.manual_seed(0)
    reference = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    data = saved_by(torch, reference)
    assert "torch.nn.modules.container.Sequential" in refusal(mtv2, data)
    layer = loaded_by(mtv2, data, weights_only=False)   # torch.nn.<path> globals resolve to mtv2.nn.<path>
    assert isinstance(layer, mtv2.nn.Sequential) and isinstance(layer[0], mtv2.nn.Linear)
    inputs = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    np.testing.assert_array_equal(layer(mtv2.tensor(inputs)).detach().numpy(),
                                  reference(torch.tensor(inputs)).detach().numpy())


def test_numpy_state_loads_under_the_safe_globals_transformers_trainer_allowlists():
    allowlist = [np._core.multiarray._reconstruct, np.ndarray, np.dtype, type(np.dtype(np.uint32))]
    state = {"numpy": np.random.default_rng(0).integers(0, 2 ** 32, 8, dtype=np.uint32), "step": 3}
    for writer, loader, allowing in ((torch, mtv2, safe_globals), (mtv2, torch, torch.serialization.safe_globals)):
        data = saved_by(writer, state)
        refusal(loader, data)
        with allowing(allowlist):
            loaded = loaded_by(loader, data)
        np.testing.assert_array_equal(loaded["numpy"], state["numpy"])


# ---------------------------------------------------------------- map_location, mmap, paths and buffers

@pytest.mark.parametrize("map_location", ["cpu", b"cpu", "meta", {"cpu": "cpu"}, lambda storage, location: storage,
                                          lambda storage, location: None],
                         ids=["str", "bytes", "meta", "dict", "callable", "callable_none"])
def test_map_locations_that_mean_the_cpu(map_location):
    # mtv2 has no meta tensors: "meta" loads onto the CPU, as `with torch.device("meta")` allocates in mtv2
    data = saved_by(torch, {"w": torch.arange(4.0)})
    assert loaded_by(mtv2, data, map_location=map_location)["w"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert loaded_by(mtv2, data, map_location=mtv2.device("cpu"))["w"].tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("location", ["cuda", "cuda:1", {"cpu": "cuda:0"}, "xyz", "cpu:0"])
def test_map_locations_off_the_cpu_raise_as_on_torchs_cpu_build(location):
    data = saved_by(torch, {"w": torch.arange(4.0)})
    with pytest.raises(RuntimeError) as theirs:
        loaded_by(torch, data, map_location=location)
    with pytest.raises(RuntimeError) as mine:
        loaded_by(mtv2, data, map_location=location)
    assert str(mine.value) == str(theirs.value)
    with pytest.raises(RuntimeError, match="CUDA"):
        loaded_by(mtv2, data, map_location=mtv2.device("cuda"))


def test_paths_pathlike_and_mmap(tmp_path):
    values = views_and_values(mtv2)
    mtv2.save(values, str(tmp_path / "model.ckpt.pt"))
    torch.save(views_and_values(torch), tmp_path / "other.pt")
    names = zipfile.ZipFile(tmp_path / "model.ckpt.pt").namelist()
    assert names[0] == "model.ckpt/data.pkl"   # the archive folder is the file name without its last extension
    os.makedirs(tmp_path / "twin")
    torch.save(views_and_values(torch), tmp_path / "twin" / "model.ckpt.pt")
    assert (tmp_path / "model.ckpt.pt").read_bytes() == (tmp_path / "twin" / "model.ckpt.pt").read_bytes()

    for path in (tmp_path / "model.ckpt.pt", str(tmp_path / "other.pt")):
        mapped = mtv2.load(path, mmap=True)
        assert isinstance(mapped["base"].untyped_storage().buffer, np.memmap)
        assert mapped["corner"].untyped_storage() is mapped["base"].untyped_storage()
        assert_same_tensor(mapped["corner"], values["corner"])
        mapped["base"][0, 0] = 100.0   # copy-on-write, as torch's private mapping: the file is untouched
    assert mtv2.load(tmp_path / "model.ckpt.pt")["base"][0, 0].item() == 0.0
    with pytest.raises(ValueError, match="file path"):
        loaded_by(mtv2, saved_by(mtv2, values), mmap=True)
    with pytest.raises(RuntimeError, match="Parent directory"):
        mtv2.save(values, tmp_path / "missing" / "x.pt")


def test_a_safetensors_path_is_read_as_safetensors(tmp_path):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    safetensors_torch.save_file({"w": torch.arange(3.0), "h": torch.ones(2, dtype=torch.bfloat16)},
                                str(tmp_path / "model.safetensors"))
    mine, theirs = mtv2.load(tmp_path / "model.safetensors"), torch.load(tmp_path / "model.safetensors")
    assert sorted(mine) == sorted(theirs)
    for name in theirs:
        assert_same_tensor(mine[name], theirs[name])


def test_a_buffer_written_from_an_offset_loads_in_torch():
    buffer = io.BytesIO(b"header")
    buffer.seek(6)
    mtv2.save(mtv2.arange(3), buffer)
    buffer.seek(6)
    assert torch.load(buffer).tolist() == [0, 1, 2]


@pytest.mark.parametrize("weights_only", [True, False])
def test_the_legacy_format_both_ways(weights_only):
    """_use_new_zipfile_serialization=False: torch's pre-1.6 format (old checkpoints on the hub are in it)."""
    legacy = {"_use_new_zipfile_serialization": False}
    mine = loaded_by(mtv2, saved_by(torch, views_and_values(torch), **legacy), weights_only=weights_only)
    theirs = loaded_by(torch, saved_by(mtv2, views_and_values(mtv2), **legacy), weights_only=weights_only)
    for name in ("base", "transposed", "corner", "row", "tail", "parameter", "frozen", "computed", "empty", "scalar"):
        assert_same_tensor(mine[name], theirs[name])
    assert mine["corner"].untyped_storage() is mine["base"].untyped_storage()
    assert theirs["corner"].untyped_storage().data_ptr() == theirs["base"].untyped_storage().data_ptr()
    assert mine["ordered"] == theirs["ordered"] and mine["size"] == mtv2.Size([2, 3])
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        loaded_by(mtv2, saved_by(mtv2, mtv2.ones(1), **legacy), mmap=True)


def test_zip64_records_read_in_torch_and_mtv2(monkeypatch):
    """Records past 4 GiB get zip64 fields; a lowered limit puts them on every record of a small file."""
    monkeypatch.setattr(_torch_archive, "ZIP64_LIMIT", 64)
    data = saved_by(mtv2, {"w": mtv2.arange(100.0), "i": mtv2.ones(3, dtype=mtv2.int64)})
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    assert loaded_by(torch, data)["w"].tolist() == list(range(100))
    assert loaded_by(mtv2, data)["i"].tolist() == [1, 1, 1]


def test_saving_one_memory_as_two_dtypes_is_refused_as_torch_does():
    base = mtv2.zeros(4)
    with pytest.raises(RuntimeError, match="view the same data as different types"):
        saved_by(mtv2, [base, base.view(mtv2.int32)])


# ---------------------------------------------------------------- the torch shim

def test_torch_save_and_load_under_the_shim_interoperate_with_real_torch(tmp_path):
    torch.save({"w": torch.arange(6.0).reshape(2, 3).t(), "p": torch.nn.Parameter(torch.ones(2))},
               tmp_path / "from_torch.pt")
    code = textwrap.dedent("""
        import sys
        import mtv2.compat
        mtv2.compat.install_torch_shim()
        import torch
        assert torch.save is mtv2.save and torch.load is mtv2.load
        loaded = torch.load(sys.argv[1])
        assert loaded["w"].stride() == (1, 3) and loaded["w"].tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
        assert isinstance(loaded["p"], torch.nn.Parameter)
        base = torch.arange(6.0).reshape(2, 3)
        torch.save({"view": base.t()[1:], "base": base, "layer": torch.nn.Linear(2, 2).state_dict()}, sys.argv[2])
        assert not any("site-packages/torch/" in (getattr(m, "__file__", "") or "") for m in list(sys.modules.values()))
        print("ok")
    """)
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "from_torch.pt"), str(tmp_path / "shim.pt")],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
    loaded = torch.load(tmp_path / "shim.pt")
    assert loaded["view"].storage_offset() == 1 and loaded["view"].stride() == (1, 3)
    assert loaded["view"].untyped_storage().data_ptr() == loaded["base"].untyped_storage().data_ptr()
    torch.nn.Linear(2, 2).load_state_dict(loaded["layer"])
