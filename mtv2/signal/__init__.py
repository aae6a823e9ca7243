"""torch.signal: the window functions (mtv2.signal.windows)."""
from . import windows

__all__ = ["windows"]
