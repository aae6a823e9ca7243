"""mtv2 against torch, measured side by side in one run, reported as ratios (mtv2 time / torch time).

    python bench/run.py            # writes results/bench.json and prints a table
    python bench/run.py --quick    # fewer repetitions

No targets are asserted here: the figures go to the README and to results/bench.json.
"""
import argparse
import json
import pathlib
import statistics
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import mtv2  # noqa: E402
import torch  # noqa: E402


def _median_seconds(function, repeats, inner):
    """Median over `repeats` of the mean time of `inner` back-to-back calls."""
    function()  # warm up (first-call imports and allocations)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            function()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def _add_without_grad(fw):
    a = fw.tensor(np.arange(8, dtype=np.float32))
    b = fw.tensor(np.ones(8, dtype=np.float32))
    return lambda: a + b


def _add_with_grad(fw):
    a = fw.tensor(np.arange(8, dtype=np.float32), requires_grad=True)
    b = fw.tensor(np.ones(8, dtype=np.float32), requires_grad=True)
    return lambda: a + b


def _small_graph(fw):
    rng = np.random.default_rng(0)
    weight = fw.tensor(rng.standard_normal((16, 16)).astype(np.float32), requires_grad=True)
    x = fw.tensor(rng.standard_normal((4, 16)).astype(np.float32))

    def step():
        weight.grad = None
        hidden = (x @ weight).tanh()
        loss = (hidden * hidden).mean()
        loss.backward()
    return step


def _matmul_1024(fw):
    rng = np.random.default_rng(0)
    a = fw.tensor(rng.standard_normal((1024, 1024)).astype(np.float32))
    b = fw.tensor(rng.standard_normal((1024, 1024)).astype(np.float32))
    return lambda: a @ b


BENCHMARKS = {
    # name: (builder, repeats, inner calls per repeat)
    "op_overhead_add8_no_grad": (_add_without_grad, 15, 2000),
    "op_overhead_add8_grad": (_add_with_grad, 15, 2000),
    "small_forward_backward": (_small_graph, 15, 200),
    "matmul_1024_float32": (_matmul_1024, 7, 3),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench.json"))
    arguments = parser.parse_args()
    torch.set_num_threads(torch.get_num_threads())

    results = {}
    for name, (builder, repeats, inner) in BENCHMARKS.items():
        if arguments.quick:
            repeats, inner = max(3, repeats // 3), max(1, inner // 4)
        # interleave the frameworks so machine noise hits both alike
        mtv2_seconds = _median_seconds(builder(mtv2), repeats, inner)
        torch_seconds = _median_seconds(builder(torch), repeats, inner)
        results[name] = {"mtv2": mtv2_seconds, "torch": torch_seconds, "ratio": mtv2_seconds / torch_seconds}

    print(f"{'benchmark':28} {'mtv2':>12} {'torch':>12} {'ratio':>8}")
    for name, entry in results.items():
        print(f"{name:28} {entry['mtv2'] * 1e6:10.1f}us {entry['torch'] * 1e6:10.1f}us {entry['ratio']:8.2f}")
    out = pathlib.Path(arguments.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"numpy": np.__version__, "torch": torch.__version__, "torch_threads": torch.get_num_threads()}
    out.write_text(json.dumps({"meta": meta, "benchmarks": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
