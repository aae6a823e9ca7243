"""Float64 central differences: the judge of gradients.

`gradcheck` follows torch.autograd.gradcheck: eps 1e-6, |analytic - numerical| <= atol + rtol *
|numerical| with atol 1e-5, rtol 1e-3. Small samples compare the full Jacobian; bigger ones compare
u^T J v for random u, v (torch's fast mode), which costs two forwards per input instead of 2n.
"""
import numpy as np

from conformance.compare import GRADCHECK_TOLERANCE, compare_arrays
from conformance.frameworks import FLOATING, to_numpy
from conformance.inputs import Drawn, build, rng_for, wants_grad
from conformance.outcome import differentiable_outputs, flatten_output

EPS = 1e-6
FULL_JACOBIAN_LIMIT = 24   # elements of inputs and of outputs up to which the full Jacobian is built


def _as_float64(drawn):
    return [Drawn(d.arg, "float64" if d.dtype in FLOATING else d.dtype,
                  d.storage.astype(np.float64) if d.dtype in FLOATING else d.storage)
            for d in drawn]


def _outputs(fw, case, drawn, paths):
    """Float64 values of the differentiable outputs at `paths`, concatenated."""
    inputs, _ = build(fw, drawn)
    with fw.no_grad():
        value = case.spec.fn(fw, *inputs, **case.sample.kwargs)
    leaves = dict(flatten_output(fw, value))
    return np.concatenate([to_numpy(fw, leaves[p]).astype(np.float64).ravel() for p in paths]) \
        if paths else np.zeros(0)


def _shifted(drawn, position, delta):
    shifted = list(drawn)
    item = drawn[position]
    shifted[position] = Drawn(item.arg, item.dtype, item.storage + delta)
    return shifted


def _central_difference(fw, case, drawn, paths, position, direction):
    plus = _outputs(fw, case, _shifted(drawn, position, EPS * direction), paths)
    minus = _outputs(fw, case, _shifted(drawn, position, -EPS * direction), paths)
    return (plus - minus) / (2 * EPS)


def grad_positions(drawn):
    return [i for i, d in enumerate(drawn) if wants_grad(d)]


def _analytic(fw, case, drawn):
    """-> (paths, output sizes, vjp function(cotangent vector) -> list of flat gradients)."""
    inputs, storages = build(fw, drawn, grad=True)
    value = case.spec.fn(fw, *inputs, **case.sample.kwargs)
    outputs = differentiable_outputs(fw, value)
    paths = sorted(outputs)
    leaves = [storages[i] for i in grad_positions(drawn)]
    sizes = [int(np.prod(tuple(outputs[p].shape), dtype=np.int64)) for p in paths]

    def vjp(vector):
        pieces, start = [], 0
        for p, size in zip(paths, sizes):
            piece = vector[start:start + size].reshape(tuple(outputs[p].shape))
            pieces.append(fw.tensor(piece, dtype=outputs[p].dtype))
            start += size
        grads = fw.autograd.grad([outputs[p] for p in paths], leaves, grad_outputs=pieces,
                                 retain_graph=True, allow_unused=True)
        return [np.zeros(leaf.numel()) if g is None else to_numpy(fw, g).astype(np.float64).ravel()
                for leaf, g in zip(leaves, grads)]
    return paths, sizes, vjp


def gradcheck(fw, case, drawn):
    """mtv2's backward against central differences of mtv2's own forward, all in float64."""
    drawn = _as_float64(drawn)
    paths, sizes, vjp = _analytic(fw, case, drawn)
    positions = grad_positions(drawn)
    n_out, n_in = sum(sizes), sum(drawn[i].storage.size for i in positions)
    atol, rtol = GRADCHECK_TOLERANCE
    if n_out == 0 or n_in == 0:
        return compare_arrays(np.zeros(0), np.zeros(0), "float64", "float64", atol, rtol), "empty"
    if n_in <= FULL_JACOBIAN_LIMIT and n_out <= FULL_JACOBIAN_LIMIT:
        analytic = np.stack([np.concatenate(vjp(row)) for row in np.eye(n_out)])
        columns = []
        for i in positions:
            storage = drawn[i].storage
            for flat in range(storage.size):
                direction = np.zeros(storage.shape)
                direction.flat[flat] = 1.0
                columns.append(_central_difference(fw, case, drawn, paths, i, direction))
        numerical = np.stack(columns, axis=1)
        return compare_arrays(analytic, numerical, "float64", "float64", atol, rtol), "full Jacobian"
    rng = rng_for(case.case_id, "gradcheck")
    u = rng.normal(size=n_out)
    grads = vjp(u)
    analytic, numerical = [], []
    for i, grad in zip(positions, grads):
        v = rng.normal(size=drawn[i].storage.shape)
        analytic.append(grad @ v.ravel())
        numerical.append(u @ _central_difference(fw, case, drawn, paths, i, v))
    return compare_arrays(np.array(analytic), np.array(numerical), "float64", "float64",
                          atol, rtol), "u^T J v projection"


def numerical_vjp(fw, case, drawn, paths, cotangent_flat):
    """d<u, f(x)>/dx by central differences of fw's forward in float64: one array per grad input."""
    drawn = _as_float64(drawn)
    grads = []
    for i in grad_positions(drawn):
        storage = drawn[i].storage
        grad = np.zeros(storage.size)
        for flat in range(storage.size):
            direction = np.zeros(storage.shape)
            direction.flat[flat] = 1.0
            grad[flat] = cotangent_flat @ _central_difference(fw, case, drawn, paths, i, direction)
        grads.append(grad)
    return grads


def arbitrate(reference_fw, case, drawn, paths, cotangent_flat, mtv2_grads, torch_grads):
    """Which side do finite differences (float64, torch's forward) support? A detail sentence."""
    if sum(drawn[i].storage.size for i in grad_positions(drawn)) > 200:
        return "finite differences not run (input too big)"
    numerical = np.concatenate(numerical_vjp(reference_fw, case, drawn, paths, cotangent_flat))
    scale = np.abs(numerical).max() + 1e-12
    mtv2_off = np.abs(np.concatenate(mtv2_grads) - numerical).max() / scale
    torch_off = np.abs(np.concatenate(torch_grads) - numerical).max() / scale
    who = "mtv2" if mtv2_off > torch_off else "torch"
    return (f"finite differences side with {'torch' if who == 'mtv2' else 'mtv2'}: "
            f"{who} off by {max(mtv2_off, torch_off):.3g} (relative), "
            f"{'torch' if who == 'mtv2' else 'mtv2'} by {min(mtv2_off, torch_off):.3g}")
