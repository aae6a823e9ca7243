"""torch.nn on mtv2: Module, Parameter, the containers, layers and losses, functional."""
from . import functional
from .modules import Identity, Module, ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .parameter import Buffer, Parameter
# ---- layers (modules/linear.py, sparse.py, normalization.py, conv.py, activation.py, dropout.py)
from .modules import (CELU, ELU, GELU, GLU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU, LogSoftmax,
                      Mish, PReLU, ReLU, RReLU, SELU, Sigmoid, SiLU, Softmax, Softplus, Softshrink, Softsign, Tanh,
                      Tanhshrink, Threshold)
from .modules import BatchNorm1d, Conv1d, Embedding, LayerNorm, Linear
from .modules import EmbeddingBag
from .modules.loss import CTCLoss
from .modules.loss import LinearCrossEntropyLoss
from .functional_losses import LinearCrossEntropyOptions
from .modules.lazy import (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyConv1d, LazyConv2d, LazyConv3d,
                           LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d, LazyInstanceNorm1d,
                           LazyInstanceNorm2d, LazyInstanceNorm3d, LazyLinear)
from .parameter import UninitializedBuffer, UninitializedParameter
from .modules import Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .modules import (Bilinear, BatchNorm2d, BatchNorm3d, ChannelShuffle, CosineSimilarity, Flatten, GroupNorm,
                      InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LocalResponseNorm, PairwiseDistance,
                      PixelShuffle, PixelUnshuffle, RMSNorm, Unflatten)
from .modules import (CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d,
                      ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d,
                      ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .modules import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d

# ---- losses (modules/loss.py)
from .modules.loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, GaussianNLLLoss,
                           HingeEmbeddingLoss, HuberLoss, KLDivLoss, L1Loss, MarginRankingLoss, MSELoss,
                           MultiLabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, NLLLoss, PoissonNLLLoss,
                           SmoothL1Loss, SoftMarginLoss, TripletMarginLoss, TripletMarginWithDistanceLoss)

# ---- init and weights in/out
from . import init, utils
from .modules.dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from .modules import LogSigmoid, ReLU6, Softmax2d, Softmin
from .modules import GRU, GRUCell, LSTM, LSTMCell, RNN, RNNBase, RNNCell, RNNCellBase
from .modules.transformer import (MultiheadAttention, Transformer, TransformerDecoder, TransformerDecoderLayer,
                                  TransformerEncoder, TransformerEncoderLayer)
from .modules import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from .modules import Fold, Unfold
from .modules import (AdaptiveAvgPool1d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool3d, AvgPool1d, AvgPool3d,
                      FractionalMaxPool2d, FractionalMaxPool3d, LPPool1d, LPPool2d, LPPool3d, MaxPool1d, MaxPool3d,
                      MaxUnpool1d, MaxUnpool2d, MaxUnpool3d)
