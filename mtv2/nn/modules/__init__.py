"""torch.nn.modules: Module, the containers and the layers, one file per family."""
from .container import Identity, ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .module import Module
