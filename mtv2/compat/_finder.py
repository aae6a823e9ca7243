"""The `torch` import shim: a meta-path finder that answers every `torch` / `torch.*` import with mtv2.

- `torch` itself is a module named "torch" whose namespace is mtv2's (the same objects: torch.Tensor is
  mtv2.Tensor) plus the top-level stand-ins of stand_ins.py; names added to mtv2 later are found through
  its module `__getattr__`.
- `torch.<path>` is the mtv2 module `mtv2.<path>` itself when mtv2 has it (torch.nn is mtv2.nn), so code that
  patches torch modules (transformers swaps torch.nn.init functions during construction) patches mtv2's.
- otherwise a stand-in module from stand_ins.STAND_IN_MODULES, or ModuleNotFoundError as torch would give.
Every module gets a real ModuleSpec; the mtv2 modules keep their own spec (importlib stamps the torch spec on
them while loading; the loader puts the original back).
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

import mtv2

from . import stand_ins

TORCH = "torch"


def _is_torch_name(fullname):
    return fullname == TORCH or fullname.startswith(TORCH + ".")


def _mtv2_name(fullname):
    return "mtv2" + fullname[len(TORCH):]


def _mtv2_module(fullname):
    """The mtv2 module standing for torch module `fullname`, or None when mtv2 has none."""
    name = _mtv2_name(fullname)
    if name in sys.modules:
        return sys.modules[name]
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(name)


class TorchShimLoader(importlib.abc.Loader):
    """Creates the module for a torch name: the top-level composite, an mtv2 module, or a stand-in."""

    def __init__(self, torch_name, kind, target=None):
        self.torch_name = torch_name
        self.kind = kind            # "top", "mtv2" or "stand_in"
        self.target = target        # the mtv2 module (kind "mtv2")

    def create_module(self, spec):
        if self.kind == "mtv2":
            self.original_spec = self.target.__spec__
            return self.target
        if self.kind == "top":
            return _top_level_module(spec)
        return stand_ins.build_module(spec.name)

    def exec_module(self, module):
        if self.kind == "mtv2":
            module.__spec__ = self.original_spec   # mtv2 stays mtv2 for anyone importing it by its own name
        if self.kind == "top":
            for name in stand_ins.TOP_LEVEL_MODULES:   # torch's __init__ imports these, so `torch.cuda` just works
                setattr(module, name, importlib.import_module(f"{TORCH}.{name}"))
        # stand-in names a real mtv2 module lacks (listed and justified in stand_ins.py), added only under the shim
        for name, value in stand_ins.extra_attributes(self.torch_name).items():
            if not hasattr(module, name):
                setattr(module, name, value)
                _ATTACHED.append((module, name))
        for name in stand_ins.STAND_IN_SUBMODULES.get(self.torch_name, ()):   # as the torch package's __init__ does
            importlib.import_module(f"{self.torch_name}.{name}")
        if self.kind == "stand_in":   # importlib binds a child on its parent: remember it when the parent is mtv2's
            parent_name, _, child = self.torch_name.rpartition(".")
            parent = sys.modules.get(parent_name)
            if parent is not None and parent.__name__.startswith("mtv2"):
                _ATTACHED.append((parent, child))


def _top_level_module(spec):
    module = types.ModuleType(TORCH, mtv2.__doc__)
    namespace = {key: value for key, value in vars(mtv2).items() if not key.startswith("__")}
    namespace.update(stand_ins.top_level_names())
    module.__dict__.update(namespace)
    module.__version__ = mtv2.__version__
    module.__file__ = mtv2.__file__
    module.__path__ = []            # a package: torch.<anything> is asked of the finder

    def __getattr__(name):          # names mtv2 gains after the shim was installed
        try:
            return getattr(mtv2, name)
        except AttributeError:
            raise AttributeError(f"module 'torch' (mtv2) has no attribute '{name}'") from None

    module.__getattr__ = __getattr__
    return module


class TorchShimFinder(importlib.abc.MetaPathFinder):
    """First on sys.meta_path while installed, so the real torch wheel is never found."""

    def find_spec(self, fullname, path=None, target=None):
        if not _is_torch_name(fullname):
            return None
        if fullname == TORCH:
            loader = TorchShimLoader(fullname, "top")
            return importlib.machinery.ModuleSpec(TORCH, loader, origin=mtv2.__file__, is_package=True)
        if fullname in stand_ins.STAND_IN_MODULES:
            loader = TorchShimLoader(fullname, "stand_in")
            return importlib.machinery.ModuleSpec(fullname, loader, origin=stand_ins.__file__, is_package=True)
        target = _mtv2_module(fullname)
        if target is None:
            return None
        loader = TorchShimLoader(fullname, "mtv2", target)
        return importlib.machinery.ModuleSpec(fullname, loader, origin=getattr(target, "__file__", None),
                                              is_package=hasattr(target, "__path__"))


_FINDER = TorchShimFinder()
_ATTACHED = []       # (mtv2 module, attribute) the shim added to mtv2's own modules; removed by uninstall


def is_installed():
    return _FINDER in sys.meta_path


def install_torch_shim():
    """After this, `import torch` (and every torch.* import) gives mtv2. Refuses if real torch is loaded."""
    if is_installed():
        return sys.modules.get(TORCH) or importlib.import_module(TORCH)
    loaded = [name for name in sys.modules if _is_torch_name(name)]
    if loaded:
        raise RuntimeError(f"install_torch_shim(): the real torch is already imported ({loaded[0]}); install the "
                           "shim before anything imports torch, in a process of its own")
    sys.meta_path.insert(0, _FINDER)
    return importlib.import_module(TORCH)


def uninstall_torch_shim():
    """Remove the finder, forget every torch module it made and take the stand-ins off mtv2's own modules."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [name for name in sys.modules if _is_torch_name(name)]:
        del sys.modules[name]
    while _ATTACHED:
        module, attribute = _ATTACHED.pop()
        module.__dict__.pop(attribute, None)
