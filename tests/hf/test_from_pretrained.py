"""transformers' save_pretrained / from_pretrained under the torch shim, as on torch: the model is built on the meta
device and its non-persistent buffers (BERT's position_ids, token_type_ids) are rebuilt afterwards, so the loaded
model computes what the saved one did. The shim runs in a subprocess (it never enters a process holding the real
torch); real torch, here, loads the same files for reference."""
import json

import numpy as np
import pytest

from .test_shim import run_python

CONFIG = dict(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32,
              max_position_embeddings=20, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
IDS = [[1, 5, 7, 9, 2, 0], [3, 4, 4, 6, 8, 11]]
CLASSES = ("BertModel", "BertForMaskedLM")

SHIM_SIDE = """
import json, sys
import numpy as np
import mtv2.compat
mtv2.compat.install_torch_shim()
import torch
import transformers
from transformers.modeling_utils import get_torch_context_manager_or_global_device

name, torch_files, workdir = sys.argv[1:4]
config = transformers.BertConfig(**json.loads(sys.argv[4]))
ids = torch.tensor(json.loads(sys.argv[5]))
cls = getattr(transformers, name)

def first_output(model):
    with torch.no_grad():
        return model.eval()(ids)[0].numpy().copy()

built_on = []
original_init = cls.__init__
def recording_init(self, *args, **kwargs):
    built_on.append(str(get_torch_context_manager_or_global_device()))
    original_init(self, *args, **kwargs)
cls.__init__ = recording_init

torch.manual_seed(0)
original = cls(config)
original.save_pretrained(workdir + "/mtv2_saved")
reloaded = cls.from_pretrained(workdir + "/mtv2_saved")
from_torch_files = cls.from_pretrained(torch_files)
module = next(m for m in reloaded.modules() if hasattr(m, "position_ids"))
tensors = list(reloaded.parameters()) + list(reloaded.buffers())
np.savez(workdir + "/shim.npz", original=first_output(original), reloaded=first_output(reloaded),
         from_torch_files=first_output(from_torch_files), position_ids=module.position_ids.numpy(),
         token_type_ids=module.token_type_ids.numpy())
print(json.dumps({"built_on": built_on, "devices": sorted({str(t.device) for t in tensors})}))
"""


@pytest.mark.parametrize("name", CLASSES)
def test_from_pretrained_round_trip_computes_what_was_saved(name, tmp_path):
    import torch
    import transformers
    torch.manual_seed(1)
    source = getattr(transformers, name)(transformers.BertConfig(**CONFIG))
    source.save_pretrained(tmp_path / "torch_saved")
    reference = getattr(transformers, name).from_pretrained(tmp_path / "torch_saved").eval()
    with torch.no_grad():
        expected = reference(torch.tensor(IDS))[0].numpy()

    done = run_python(None, "-c", SHIM_SIDE, name, str(tmp_path / "torch_saved"), str(tmp_path), json.dumps(CONFIG),
                      json.dumps(IDS), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    shim = np.load(tmp_path / "shim.npz")

    # built on meta by from_pretrained (the original on the CPU), and nothing left on meta once loaded
    assert report["built_on"] == ["None", "meta", "meta"], report
    assert report["devices"] == ["cpu"], report
    # the non-persistent buffers were rebuilt, not left as the uninitialised tensors that replaced the meta ones
    assert shim["position_ids"].tolist() == [list(range(CONFIG["max_position_embeddings"]))]
    assert not shim["token_type_ids"].any()
    # mtv2 saves and loads: exactly the original's outputs
    np.testing.assert_array_equal(shim["reloaded"], shim["original"])
    # mtv2 loads torch's files: torch's from_pretrained outputs, to float32 rounding
    np.testing.assert_allclose(shim["from_torch_files"], expected, rtol=1.3e-6, atol=1e-5)
