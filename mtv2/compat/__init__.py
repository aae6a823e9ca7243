"""mtv2.compat: run unmodified torch code on mtv2.

    import mtv2.compat
    mtv2.compat.install_torch_shim()
    import torch            # mtv2, with the inert stand-ins listed in mtv2/compat/stand_ins.py

or from the shell: `python -m mtv2.compat run SCRIPT [ARGS]`.
"""
from ._finder import install_torch_shim, is_installed, uninstall_torch_shim

__all__ = ["install_torch_shim", "is_installed", "uninstall_torch_shim"]
