"""BERT from mtv2 pieces: the model written once for torch and mtv2, its conformance cases, the tracer."""
