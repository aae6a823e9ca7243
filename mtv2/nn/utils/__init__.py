"""torch.nn.utils on mtv2. Weights in and out (weights.py): state dicts from torch-like frameworks and
safetensors files. Gradient clipping (clip_grad.py). Packing variable-length sequences for the recurrent layers
(rnn.py)."""
from . import clip_grad
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .weights import (load_safetensors, load_torch_state_dict, save_safetensors, to_mtv2_state_dict,
                      to_numpy_state_dict)
from . import rnn
