"""torch.nn on mtv2. The Module system and layers come with the [nn] issue; functional is filled by op family."""
from . import functional
