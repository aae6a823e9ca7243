"""torch.nn.utils on mtv2. Weights in and out (weights.py): state dicts from torch-like frameworks and
safetensors files."""
from .weights import (load_safetensors, load_torch_state_dict, save_safetensors, to_mtv2_state_dict,
                      to_numpy_state_dict)
