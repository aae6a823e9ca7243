"""torch.special: explicit re-exports of the special functions (ops/special.py) and of the torch functions torch.special
also names (erf, expit = sigmoid, xlogy, logsumexp, ...)."""
