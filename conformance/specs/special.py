"""Special functions of ops/special.py: hand-written cases beside torch's OpInfo samples."""

SPECS = []
