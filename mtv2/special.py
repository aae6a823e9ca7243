"""torch.special: explicit re-exports of the special functions (ops/special.py) and of the torch functions torch.special
also names (erf, expit = sigmoid, xlogy, logsumexp, ...)."""
from .ops.activation import log_softmax, softmax
from .ops.elementwise import sigmoid as expit, xlogy
from .ops.pointwise_math import erf, erfc, erfinv, exp2, expm1, log1p, round
from .ops.reduction import logsumexp
from .ops.special import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, chebyshev_polynomial_t,
                          chebyshev_polynomial_u, chebyshev_polynomial_v, chebyshev_polynomial_w, entr, erfcx, gammainc,
                          gammaincc, gammaln, hermite_polynomial_h, hermite_polynomial_he, i0, i0e, i1, i1e,
                          laguerre_polynomial_l, legendre_polynomial_p, log_ndtr, logit, modified_bessel_i0,
                          modified_bessel_i1, modified_bessel_k0, modified_bessel_k1, multigammaln, ndtr, ndtri,
                          polygamma, psi, scaled_modified_bessel_k0, scaled_modified_bessel_k1,
                          shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u,
                          shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w, sinc, spherical_bessel_j0,
                          xlog1py, zeta)

digamma = psi

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "gammainc", "gammaincc",
           "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p",
           "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
           "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "shifted_chebyshev_polynomial_t",
           "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w",
           "spherical_bessel_j0", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i0e", "i1",
           "i1e", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta"]
