"""Every op once: its NumPy kernel with its derivative beside it, grouped by family."""
