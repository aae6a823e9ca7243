"""The conformance harness: every mtv2 op run next to real PyTorch on identical inputs.

See conformance/README.md for how to add a case and how to read results/.
"""
