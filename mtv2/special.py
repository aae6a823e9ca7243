"""torch.special: explicit re-exports of the special functions (ops/special.py) and of the torch functions torch.special
also names (erf, expit = sigmoid, xlogy, logsumexp, ...)."""
from .ops.activation import log_softmax, softmax
from .ops.elementwise import sigmoid as expit, xlogy
from .ops.pointwise_math import erf, erfc, erfinv, exp2, expm1, log1p, round
from .ops.reduction import logsumexp
from .ops.special import (entr, erfcx, gammaln, i0, i0e, i1, i1e, log_ndtr, logit, multigammaln, ndtr, ndtri,
                          polygamma, psi, sinc, xlog1py, zeta)

digamma = psi

__all__ = ["digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i0e", "i1",
           "i1e", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta"]
