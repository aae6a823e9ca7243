"""`python -m mtv2.compat run SCRIPT [ARGS]`: run a torch script with `import torch` resolving to mtv2."""
import os
import runpy
import sys

from . import install_torch_shim

USAGE = "usage: python -m mtv2.compat run SCRIPT [ARGS...]"


def main(argv):
    if len(argv) < 2 or argv[0] != "run":
        print(USAGE, file=sys.stderr)
        return 2
    script = argv[1]
    install_torch_shim()
    sys.argv = argv[1:]          # the script sees itself as argv[0], as under `python SCRIPT`
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))   # and its own directory first on the path
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
