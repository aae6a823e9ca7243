"""Intra-op parallelism for the big elementwise and row-wise kernels, as torch's at::parallel_for spreads a kernel
over its intra-op threads.

NumPy's ufuncs release the GIL, so Python threads running them over disjoint slices of one array do run at the
same time. Every element (or row) is computed by the same operations whatever the split, so results never depend
on the number of threads. Each thread also walks its part in cache-sized blocks: a kernel of several passes then
reads and writes memory once instead of once per pass.
"""
import os
from concurrent.futures import ThreadPoolExecutor

BLOCK = 1 << 17           # elements per block (512 KiB of float32; measured: smaller blocks lose more to the GIL hand-overs)
_MIN_PARALLEL = 1 << 17   # below this many elements a second thread costs more than it saves

_threads = os.cpu_count() or 1
_pool = None
_pool_size = 0


def get_num_threads():
    """torch.get_num_threads: the threads mtv2's own kernels use (NumPy's BLAS keeps its own setting)."""
    return _threads


def set_num_threads(count):
    """torch.set_num_threads."""
    global _threads
    if isinstance(count, bool) or not isinstance(count, int):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(count).__name__}")
    if count <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _threads = count


def _executor(workers):
    global _pool, _pool_size
    if _pool is None or _pool_size < workers:
        if _pool is not None:
            _pool.shutdown(wait=False)
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mtv2-intra-op")
        _pool_size = workers
    return _pool


def over_ranges(work, count, cost_per_item=1):
    """work(start, stop) over [0, count), split into one contiguous range per thread (the calling thread takes
    the first). Serial when the job is too small to share."""
    parts = min(_threads, count, max(1, count * cost_per_item // _MIN_PARALLEL))
    if parts <= 1:
        work(0, count)
        return
    bounds = [count * i // parts for i in range(parts + 1)]
    futures = [_executor(parts - 1).submit(work, bounds[i], bounds[i + 1]) for i in range(1, parts)]
    try:
        work(bounds[0], bounds[1])
    finally:
        for future in futures:
            future.result()


def over_blocks(compute, out, *inputs):
    """compute(out_block, *input_blocks) over cache-sized blocks of flat, equally shaped C-contiguous arrays,
    shared among the threads; compute(out, *inputs) whole for other layouts (broadcast or strided operands)."""
    arrays = (out,) + inputs
    if not all(a.flags.c_contiguous and a.shape == out.shape for a in arrays):
        compute(out, *inputs)
        return
    flats = [a.reshape(-1) for a in arrays]

    def blocks(start, stop):
        for block_start in range(start * BLOCK, min(stop * BLOCK, out.size), BLOCK):
            block = slice(block_start, block_start + BLOCK)
            compute(*(flat[block] for flat in flats))
    over_ranges(blocks, -(-out.size // BLOCK), cost_per_item=BLOCK)


def over_rows(compute, out, *inputs):
    """compute(out_rows, *input_rows) over groups of rows of arrays reduced along their last dim (softmax-like
    kernels: each row is computed whole, by the same operations, in whichever thread). False (nothing computed)
    for layouts it does not take: the caller's own kernel handles those along any dim."""
    arrays = (out,) + inputs
    if out.ndim == 0 or not all(a.flags.c_contiguous and a.shape == out.shape for a in arrays):
        return False
    row_length = max(out.shape[-1], 1)
    matrices = [a.reshape(-1, row_length) for a in arrays]
    rows_per_block = max(1, BLOCK // row_length)

    def groups(start, stop):
        for first in range(start, stop, rows_per_block):
            rows = slice(first, min(first + rows_per_block, stop))
            compute(*(matrix[rows] for matrix in matrices))
    over_ranges(groups, matrices[0].shape[0], cost_per_item=row_length)
    return True

