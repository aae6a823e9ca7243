"""torch.utils.data._utils: collate (default_collate, collate_fn_map), fetch (fetchers), worker (WorkerInfo)."""
from . import collate, fetch, worker
from .worker import MP_STATUS_CHECK_INTERVAL

__all__ = ["collate", "fetch", "worker", "MP_STATUS_CHECK_INTERVAL"]
