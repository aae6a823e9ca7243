"""The torch import shim (mtv2.compat): every check runs in a fresh subprocess, because the shim must never be
installed in a process that holds (or may later import) the real torch, as this pytest process does."""
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_python(code, *arguments, timeout=120):
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, *arguments] if not code else [sys.executable, "-c", textwrap.dedent(code)],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout)


def run_checked(code):
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_import_torch_resolves_to_mtv2_with_real_specs():
    out = run_checked("""
        import importlib.machinery, importlib.util, sys
        import mtv2, mtv2.compat
        mtv2.compat.install_torch_shim()
        import torch, torch.nn, torch.nn.functional as F, torch.optim, torch.autograd
        assert isinstance(torch.__spec__, importlib.machinery.ModuleSpec) and torch.__spec__.name == "torch"
        assert importlib.util.find_spec("torch") is torch.__spec__
        assert torch.__version__ == "2.13.0" and torch.__file__
        assert torch.Tensor is mtv2.Tensor and torch.nn is mtv2.nn and F is mtv2.nn.functional
        assert torch.optim.AdamW is mtv2.optim.AdamW and torch.autograd is mtv2.autograd
        assert torch.nn.__spec__ is not None and torch.nn.__spec__.name == "mtv2.nn"   # mtv2 keeps its own spec
        assert sys.modules["torch.nn"] is mtv2.nn
        assert not any(getattr(m, "__file__", "") and "site-packages/torch/" in m.__file__
                       for m in list(sys.modules.values())), "the real torch was loaded"
        print("ok")
    """)
    assert out.strip() == "ok"


def test_compute_runs_on_mtv2():
    out = run_checked("""
        import mtv2.compat
        mtv2.compat.install_torch_shim()
        import torch
        x = torch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
        y = torch.nn.functional.gelu(x).sum()
        y.backward()
        print(type(x).__module__, x.grad.shape == (2, 2), isinstance(torch.tensor([1]), torch.LongTensor))
    """)
    assert out.split() == ["mtv2._tensor", "True", "True"]


def test_stand_ins_answer_the_probes():
    out = run_checked("""
        import mtv2.compat
        mtv2.compat.install_torch_shim()
        import torch
        import torch.distributed, torch.compiler, torch.utils._pytree, torch.utils.checkpoint
        from torch.nn.attention.flex_attention import BlockMask
        from torch.autograd.graph import save_on_cpu
        assert torch.distributed.is_available() is False
        assert torch.compiler.is_compiling() is False and torch.jit.is_tracing() is False
        assert torch.cuda.is_available() is False and torch.accelerator.current_accelerator() is None
        f = lambda: 1
        assert torch.compiler.disable(f) is f and torch.compiler.disable(recursive=False)(f) is f
        assert torch.finfo(torch.float8_e4m3fn).max == 448.0
        assert torch.utils.checkpoint.checkpoint(lambda a: a + 1, 2) == 3
        assert not isinstance(torch.zeros(1), BlockMask)
        with save_on_cpu(pin_memory=True):
            pass
        print("ok")
    """)
    assert out.strip() == "ok"


def test_missing_torch_module_is_module_not_found():
    out = run_checked("""
        import mtv2.compat
        mtv2.compat.install_torch_shim()
        try:
            import torch.no_such_module
        except ModuleNotFoundError:
            print("ModuleNotFoundError")
    """)
    assert out.strip() == "ModuleNotFoundError"


def test_install_refuses_when_real_torch_is_loaded():
    done = run_python("""
        import torch
        import mtv2.compat
        mtv2.compat.install_torch_shim()
    """)
    assert done.returncode != 0 and "real torch is already imported" in done.stderr


def test_uninstall_forgets_the_shim():
    out = run_checked("""
        import sys
        import mtv2.compat
        mtv2.compat.install_torch_shim()
        import torch, torch.nn.attention.flex_attention, torch.autograd.graph
        import mtv2
        assert hasattr(mtv2.nn, "AdaptiveLogSoftmaxWithLoss") and hasattr(mtv2.nn, "attention")
        mtv2.compat.uninstall_torch_shim()
        print(mtv2.compat.is_installed(), "torch" in sys.modules, "mtv2.nn" in sys.modules,
              hasattr(mtv2.nn, "AdaptiveLogSoftmaxWithLoss"), hasattr(mtv2.nn, "attention"),
              hasattr(mtv2.autograd.graph, "save_on_cpu"))
    """)
    assert out.split() == ["False", "False", "True", "False", "False", "False"]


def test_run_a_torch_script(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import sys, torch\nprint(type(torch.ones(2)).__module__, sys.argv[1:])\n")
    done = run_python(None, "-m", "mtv2.compat", "run", str(script), "a", "b")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "mtv2._tensor ['a', 'b']"


def test_run_without_a_script_prints_usage():
    done = run_python(None, "-m", "mtv2.compat")
    assert done.returncode == 2 and "usage" in done.stderr


def test_transformers_bert_trains_under_the_shim():
    pytest.importorskip("transformers")
    out = run_checked("""
        import mtv2, mtv2.compat
        mtv2.compat.install_torch_shim()
        import torch, transformers
        torch.manual_seed(0)
        config = transformers.BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                         intermediate_size=20, max_position_embeddings=16)
        model = transformers.BertForMaskedLM(config)
        assert isinstance(model.bert.embeddings.word_embeddings.weight, mtv2.nn.Parameter)
        ids = torch.randint(1, 50, (2, 8))
        mask = torch.ones(2, 8, dtype=torch.long)
        mask[1, 5:] = 0
        labels = ids.masked_fill(mask == 0, -100)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
        losses = []
        for _ in range(3):
            optimizer.zero_grad()
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        assert losses[-1] < losses[0], losses
        print("ok")
    """)
    assert out.strip() == "ok"
