"""mtv2 against torch, measured side by side in one run, reported as ratios (mtv2 / torch; lower is better).

    python bench/run.py            # writes results/bench.json and prints a table (about 10-20 minutes)
    python bench/run.py --quick    # fewer repetitions (a few minutes)

Entries (issue 11), each {"mtv2": ..., "torch": ..., "ratio": mtv2 / torch} with the median of several repetitions:
  op_overhead          8-element float32 `a + b` without grad (the headline), with grad recording
                       (op_overhead_grad) and a small forward+backward graph (op_overhead_small_fwd_bwd); seconds
  bert_mini_step       one masked-LM training step (forward, backward, AdamW): hidden 256, 4 layers, 4 heads,
                       batch 8, seq 128; seconds
  bert_base_step       the same at BERT-base size (hidden 768, 12 layers, 12 heads, vocab 30522), batch 8, seq 128
                       (--quick: batch 4, seq 128); seconds
  rng                  BERT-base construction with each module's default initialisation (kaiming-uniform Linear
                       weights, normal embeddings: ~110M draws), then the dropout masks of one training step at
                       batch 8, seq 128 (bernoulli_(0.9) on the embeddings' output and, per layer, the attention
                       probabilities and two hidden states: ~38M draws); seconds, with the two parts beside it
  peak_rss             peak resident memory (MiB) of a process that builds BERT-base and runs two steps, each
                       framework in its own subprocess (only that framework imported)
  flop_bound           bert_base_step time / (the step's matmul FLOPs / the measured NumPy float32 sgemm rate)
  conformance_wall_s   {"mtv2": seconds}: the duration of the last full conformance run (results/run.json)

Both frameworks run in one process with the same number of BLAS threads: torch.set_num_threads(n) where n is
NumPy's OpenBLAS thread count (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, else the CPU count, as OpenBLAS does).
Training mode (dropout on) in both. The frameworks are timed in turn within each repetition (mtv2, torch, mtv2,
...), so load from other processes on a shared machine hits both alike; absolute times on a busy machine still
swing by 2x or more, the ratios less. No targets are asserted here: the figures go to the README and bench.json.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MINI = dict(vocab_size=30522, hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024)
BASE = dict(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072)


def blas_threads():
    """The number of threads NumPy's OpenBLAS uses (its environment variables, else every CPU)."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(variable, "").isdigit():
            return int(os.environ[variable])
    return os.cpu_count() or 1


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


def _interleaved_medians(functions, repeats, inner):
    """{name: median seconds}: the functions timed in turn within each repetition (mtv2, torch, mtv2, ...), so
    that load from other processes on a shared machine hits both alike; `inner` calls per sample."""
    for function in functions.values():
        function()  # warm up
    samples = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            for _ in range(inner):
                function()
            samples[name].append((time.perf_counter() - start) / inner)
    return {name: statistics.median(values) for name, values in samples.items()}


# ---------------------------------------------------------------- op overhead

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


# ---------------------------------------------------------------- BERT training step

def bert_step(fw, sizes, batch, seq, seed=0):
    """One masked-LM training step (forward, loss, backward, AdamW) of a freshly initialised BERT."""
    from bert_cases.model import BertConfig, bert
    fw.manual_seed(seed)
    config = BertConfig(**sizes)
    classes = bert(fw)
    model = classes.BertForMaskedLM(config)
    classes.init_weights(model, config)
    model.train()
    optimizer = fw.optim.AdamW(model.parameters(), lr=1e-4)
    rng = np.random.default_rng(seed)
    input_ids = fw.tensor(rng.integers(1, config.vocab_size, (batch, seq)), dtype=fw.int64)
    attention_mask = fw.ones(batch, seq, dtype=fw.int64)
    labels = np.full((batch, seq), -100)
    masked = rng.random((batch, seq)) < 0.15
    labels[masked] = rng.integers(1, config.vocab_size, int(masked.sum()))
    labels = fw.tensor(labels, dtype=fw.int64)

    def step():
        optimizer.zero_grad()
        loss = model(input_ids, attention_mask=attention_mask, labels=labels)["loss"]
        loss.backward()
        optimizer.step()
        return loss
    return step


def rng_construction(fw, sizes):
    """BERT-base built with each module's default initialisation (no init_weights), from a fixed seed."""
    from bert_cases.model import BertConfig, bert

    def build():
        fw.manual_seed(0)
        return bert(fw).BertForMaskedLM(BertConfig(**sizes))
    return build


def rng_dropout_masks(fw, sizes, batch, seq):
    """The dropout masks of one BERT training step: the embeddings' output, then per layer the attention
    probabilities, the attention output and the feed-forward output, each bernoulli_(1 - 0.1) of its shape."""
    hidden = fw.empty(batch, seq, sizes["hidden_size"])
    probabilities = fw.empty(batch, sizes["num_attention_heads"], seq, seq)

    def draw():
        hidden.bernoulli_(0.9)
        for _ in range(sizes["num_hidden_layers"]):
            probabilities.bernoulli_(0.9)
            hidden.bernoulli_(0.9)
            hidden.bernoulli_(0.9)
    return draw


def matmul_flops(sizes, batch, seq):
    """Multiply-add FLOPs (2 per multiply-add) of the step's matmuls: forward, then twice that for backward."""
    tokens, hidden, inter = batch * seq, sizes["hidden_size"], sizes["intermediate_size"]
    per_layer = 2 * tokens * (4 * hidden * hidden + 2 * hidden * inter)   # Q, K, V, output; FFN in and out
    per_layer += 2 * 2 * batch * seq * seq * hidden                         # scores = QK^T, context = PV
    head = 2 * tokens * (hidden * hidden + hidden * sizes["vocab_size"])   # transform dense, tied decoder
    forward = sizes["num_hidden_layers"] * per_layer + head
    return 3 * forward


def sgemm_rate(repeats):
    """Measured NumPy float32 matmul rate (FLOP/s) at BERT-base-like shapes."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((1024, 768)).astype(np.float32)
    b = rng.standard_normal((768, 3072)).astype(np.float32)
    seconds = _median_seconds(lambda: a @ b, repeats, 3)
    return 2 * 1024 * 768 * 3072 / seconds


def _peak_rss_child(framework, batch, seq):
    """Run in a subprocess: build BERT-base, run two steps, print the peak RSS in MiB. VmHWM, not ru_maxrss: Linux
    carries a parent's ru_maxrss into a forked-and-exec'd child, so that would count the bench process too."""
    if framework == "torch":
        import torch as fw
        fw.set_num_threads(blas_threads())
    else:
        import mtv2 as fw
    step = bert_step(fw, BASE, batch, seq)
    step()
    step()
    status = pathlib.Path("/proc/self/status").read_text()
    print(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024)


def peak_rss(framework, batch, seq):
    output = subprocess.run([sys.executable, __file__, "--rss-child", framework, "--batch", str(batch),
                             "--seq", str(seq)], check=True, capture_output=True, text=True, cwd=ROOT)
    return float(output.stdout.strip().splitlines()[-1])


def _entry(mtv2_value, torch_value):
    entry = {"mtv2": mtv2_value, "torch": torch_value}
    if mtv2_value is not None and torch_value is not None:
        entry["ratio"] = mtv2_value / torch_value
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, BERT-base at batch 4")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench.json"))
    parser.add_argument("--only", nargs="*", help="run only these entries")
    parser.add_argument("--rss-child", choices=("mtv2", "torch"), help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=8, help=argparse.SUPPRESS)
    parser.add_argument("--seq", type=int, default=128, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.rss_child:
        _peak_rss_child(arguments.rss_child, arguments.batch, arguments.seq)
        return

    import mtv2
    import torch
    threads = blas_threads()
    torch.set_num_threads(threads)
    quick = arguments.quick
    base_batch, base_seq = (4, 128) if quick else (8, 128)
    wanted = set(arguments.only or ())

    def run(name):
        return not wanted or name in wanted

    results = {}
    overhead = {"op_overhead": (_add_without_grad, 15, 2000), "op_overhead_grad": (_add_with_grad, 15, 2000),
                "op_overhead_small_fwd_bwd": (_small_graph, 15, 200)}
    for name, (builder, repeats, inner) in overhead.items():
        if not run(name):
            continue
        if quick:
            repeats, inner = 5, max(1, inner // 4)
        medians = _interleaved_medians({"mtv2": builder(mtv2), "torch": builder(torch)}, repeats, inner)
        results[name] = _entry(medians["mtv2"], medians["torch"])

    if run("rng"):
        repeats = 2 if quick else 5
        medians = _interleaved_medians({"mtv2_build": rng_construction(mtv2, BASE),
                                        "torch_build": rng_construction(torch, BASE),
                                        "mtv2_masks": rng_dropout_masks(mtv2, BASE, 8, 128),
                                        "torch_masks": rng_dropout_masks(torch, BASE, 8, 128)}, repeats, 1)
        results["rng"] = _entry(medians["mtv2_build"] + medians["mtv2_masks"],
                                medians["torch_build"] + medians["torch_masks"])
        results["rng"].update(construction={"mtv2": medians["mtv2_build"], "torch": medians["torch_build"]},
                              dropout_masks={"mtv2": medians["mtv2_masks"], "torch": medians["torch_masks"]})
    if run("bert_mini_step"):
        repeats = 3 if quick else 7
        medians = _interleaved_medians({"mtv2": bert_step(mtv2, MINI, 8, 128),
                                        "torch": bert_step(torch, MINI, 8, 128)}, repeats, 1)
        results["bert_mini_step"] = _entry(medians["mtv2"], medians["torch"])
    base_seconds = {}
    if run("bert_base_step") or run("flop_bound"):
        repeats = 3 if quick else 5
        base_seconds = _interleaved_medians({"mtv2": bert_step(mtv2, BASE, base_batch, base_seq),
                                             "torch": bert_step(torch, BASE, base_batch, base_seq)}, repeats, 1)
        results["bert_base_step"] = _entry(base_seconds["mtv2"], base_seconds["torch"])
        results["bert_base_step"]["batch"], results["bert_base_step"]["seq"] = base_batch, base_seq
    if run("peak_rss"):
        results["peak_rss"] = _entry(peak_rss("mtv2", base_batch, base_seq), peak_rss("torch", base_batch, base_seq))
        results["peak_rss"]["unit"] = "MiB"
    if base_seconds:
        rate = sgemm_rate(5 if quick else 9)
        floor = matmul_flops(BASE, base_batch, base_seq) / rate
        results["flop_bound"] = {name: seconds / floor for name, seconds in base_seconds.items()}
        results["flop_bound"].update(floor_s=floor, sgemm_gflops=rate / 1e9,
                                     matmul_gflop=matmul_flops(BASE, base_batch, base_seq) / 1e9)
    run_json = ROOT / "results" / "run.json"
    if run("conformance_wall_s") and run_json.exists():
        record = json.loads(run_json.read_text())
        if "duration_s" in record:
            results["conformance_wall_s"] = {"mtv2": record["duration_s"],
                                             "pytest_arguments": record.get("pytest_arguments")}

    print(f"{'benchmark':28} {'mtv2':>12} {'torch':>12} {'ratio':>8}")
    for name, entry in results.items():
        unit, scale = {"peak_rss": ("MiB", 1), "flop_bound": ("x", 1), "conformance_wall_s": ("s", 1)}.get(
            name, ("ms", 1e3))
        values = [f"{entry[k] * scale:10.3f}{unit:>2}" if entry.get(k) is not None else f"{'-':>12}"
                  for k in ("mtv2", "torch")]
        ratio = f"{entry['ratio']:8.2f}" if "ratio" in entry else f"{'-':>8}"
        print(f"{name:28} {values[0]} {values[1]} {ratio}")
    out = pathlib.Path(arguments.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"numpy": np.__version__, "torch": torch.__version__, "blas_threads": threads,
            "torch_threads": torch.get_num_threads(), "quick": quick, "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    out.write_text(json.dumps({"meta": meta, "benchmarks": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
