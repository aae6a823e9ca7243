"""torch.nn.functional: the functions behind the nn layers. Each is an op (or a composite of ops) defined in
mtv2/ops; this module only re-exports them under torch's names, by family."""
# ---- padding and joining (ops/joining.py)
from ..ops.joining import pad

# ---- indexing (ops/indexing.py, ops/gather_scatter.py)
from ..ops.gather_scatter import one_hot

# ---- activations (ops/activation.py)
from ..ops.activation import (elu, elu_, gelu, hardtanh, hardtanh_, leaky_relu, leaky_relu_, logsigmoid, mish,
                              relu6, relu_, silu, softmin, softplus)
from ..ops.activation import functional_log_softmax as log_softmax
from ..ops.activation import functional_relu as relu
from ..ops.activation import functional_softmax as softmax
from ..ops.elementwise import sigmoid, tanh

# ---- layers: linear, embedding, normalization, convolution (ops/nn_layers.py, nn/functional_layers.py)
from ..ops.nn_layers import batch_norm, embedding, layer_norm
from .functional_layers import conv1d, linear, normalize

# ---- losses (nn/functional_losses.py)
from .functional_losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, kl_div,
                                l1_loss, mse_loss, nll_loss, smooth_l1_loss)

# ---- dropout (nn/functional_dropout.py)
from .functional_dropout import (alpha_dropout, dropout, dropout1d, dropout2d, dropout3d,
                                 feature_alpha_dropout)
from .functional_attention import scaled_dot_product_attention
