"""mtv2.utils: torch.utils' counterparts (checkpoint). torch.utils._pytree is a shim stand-in (compat/stand_ins.py)."""
from . import checkpoint

__all__ = ["checkpoint"]
