"""Special functions (torch.special and the torch functions of the same kind): gamma family, error-function
relatives, Bessel functions, logit/expit; scipy.special computes them, each op's derivative beside it."""
