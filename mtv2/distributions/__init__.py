"""torch.distributions: Distribution, Normal, MultivariateNormal, Categorical and the constraints module.
Draws go through mtv2's generator by the calls torch makes (normal, normal_, multinomial)."""
from . import constraints, utils
from . import categorical, distribution, exp_family, multivariate_normal, normal
from .categorical import Categorical
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .multivariate_normal import MultivariateNormal
from .normal import Normal

__all__ = ["Categorical", "Distribution", "ExponentialFamily", "MultivariateNormal", "Normal", "constraints"]
