"""The shim from the shell:

    python -m mtv2.compat run SCRIPT [ARGS]          run a torch script with `import torch` resolving to mtv2
    python -m mtv2.compat pytest [PYTEST ARGS]       run pytest (any of its options, xdist's -n too) under the shim
"""
import os
import runpy
import sys

from . import install_torch_shim

USAGE = ("usage: python -m mtv2.compat run SCRIPT [ARGS...]\n"
         "       python -m mtv2.compat pytest [PYTEST ARGS...]")
PLUGIN = "mtv2.compat.pytest_plugin"


def run_script(argv):
    script = argv[0]
    install_torch_shim()
    sys.argv = argv              # the script sees itself as argv[0], as under `python SCRIPT`
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))   # and its own directory first on the path
    runpy.run_path(script, run_name="__main__")
    return 0


def run_pytest(argv):
    # The shim goes in before pytest imports anything; the plugin (loaded first, with -p) carries it into
    # xdist's worker processes. sys.argv[0] reads "pytest" in messages, as under `python -m pytest`.
    install_torch_shim()
    import pytest
    sys.argv = ["pytest", *argv]
    return int(pytest.main(["-p", PLUGIN, *argv]))


COMMANDS = {"run": run_script, "pytest": run_pytest}


def main(argv):
    if not argv or argv[0] not in COMMANDS or (argv[0] == "run" and len(argv) < 2):
        print(USAGE, file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
