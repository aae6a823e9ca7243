"""torch.nn on mtv2: Module, Parameter, the containers, layers and losses, functional."""
from . import functional
from .modules import Identity, Module, ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .parameter import Buffer, Parameter
