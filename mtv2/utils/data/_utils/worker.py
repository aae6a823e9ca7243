"""Worker processes of multi-process data loading: WorkerInfo, get_worker_info() and the worker's loop."""
import dataclasses
import os
import queue
import random
import sys
import traceback
import typing

import numpy as np

from .fetch import _DatasetKind

__all__ = ["WorkerInfo", "get_worker_info"]

# how long a blocked queue read waits before checking that the other side is still alive (torch's interval)
MP_STATUS_CHECK_INTERVAL = 5.0

_worker_info = None   # set only inside a worker process


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What a DataLoader worker knows about itself: id, num_workers, seed and its own copy of the dataset."""
    id: int
    num_workers: int
    seed: int
    dataset: typing.Any
    rng: typing.Any = None
    worker_method: typing.Optional[str] = "multiprocessing"


def get_worker_info():
    """The current worker's WorkerInfo inside a DataLoader worker process; None in the main process."""
    return _worker_info


class _KeyErrorMessage(str):
    """KeyError shows repr() of its argument; this str's repr is itself, so the worker's traceback stays readable."""
    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process as its class and formatted traceback."""

    def __init__(self, exc_info=None, where="in background"):
        exc_type, value, tb = exc_info or sys.exc_info()
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(exc_type, value, tb))
        self.where = where

    def reraise(self):
        """Raise the same exception class here, its message the worker's traceback (torch's wording)."""
        message = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            message = _KeyErrorMessage(message)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=message)
        try:
            exception = self.exc_type(message)
        except Exception:   # an exception class that takes other arguments
            raise RuntimeError(message) from None
        raise exception


@dataclasses.dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """A worker's copy of an iterable dataset is exhausted: send it no more work."""
    worker_id: int


@dataclasses.dataclass(frozen=True)
class _ResumeIteration:
    """A persistent worker starts a new epoch: rebuild its fetcher (a fresh iterator over its dataset)."""
    seed: typing.Optional[int] = None


def _numpy_seed(base_seed, worker_id):
    """numpy's legacy global seed for a worker: torch derives it with NumPy's SeedSequence mixing of these four
    32-bit words, so numpy.random in a worker draws what it draws under torch."""
    words = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    return np.random.SeedSequence(words).generate_state(4)


def _seed_worker(base_seed, worker_id):
    """Python's, mtv2's and numpy's global generators seeded as torch seeds them in a worker."""
    from ...._random import manual_seed
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    np.random.seed(_numpy_seed(base_seed, worker_id))
    return seed


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation, collate_fn, drop_last,
                 base_seed, init_fn, worker_id, num_workers):
    """Answer (task index, sampler indices) from index_queue with (task index, batch) on data_queue until None."""
    global _worker_info
    try:
        from ....ops._parallel import set_num_threads
        set_num_threads(1)   # as torch: no intra-op threads in a worker (there are num_workers processes already)
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_error, fetcher = None, None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            # reported in place of the first batch this worker is asked for
            init_error = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
        exhausted = False
        parent = os.getppid()
        while os.getppid() == parent:   # a worker whose main process died exits
            try:
                task = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(task, _ResumeIteration):
                data_queue.put((task, None))
                exhausted = False
                fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
                continue
            if task is None:
                break
            if done_event.is_set() or exhausted:
                continue   # shutting down or out of data: wait for the final None
            task_index, indices = task
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(indices)
                except StopIteration:
                    if dataset_kind != _DatasetKind.Iterable:
                        data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
                    else:
                        data, exhausted = _IterableDatasetStopIteration(worker_id), True
                except Exception:
                    data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            data_queue.put((task_index, data))
            del data, task, indices
    except KeyboardInterrupt:
        pass   # the main process raises it
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
