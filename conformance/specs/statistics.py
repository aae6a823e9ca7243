"""Order statistics, counting and searching (ops/statistics.py): hand-written cases beside torch's OpInfo samples."""

SPECS = []
