"""torch.nn.functional: the functions behind the nn layers. Each is an op (or a composite of ops) defined in
mtv2/ops or nn/functional_*.py and declared there with @public(functional=True) (ops/_surface.py); this module
assembles them. `import mtv2` has imported every op family by the time it gets here."""
from ..ops import _surface
# the nn-only families, imported for their declarations
from . import functional_attention as _attention, functional_dropout as _dropout  # noqa: F401
from . import functional_layers as _layers, functional_losses as _losses  # noqa: F401

globals().update(_surface.functional_functions())
