"""torch.nn.functional: the functions behind the nn layers. Each is an op (or a composite of ops) defined in
mtv2/ops; this module only re-exports them under torch's names, by family."""
# ---- padding and joining (ops/joining.py)

# ---- indexing (ops/indexing.py, ops/scatter.py)

# ---- activations (ops/activation.py)
