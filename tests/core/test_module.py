"""nn.Module, Parameter, Buffer and the containers behave as torch's: each scenario runs on both frameworks."""
import copy
import pickle

import pytest

from ._compare import Scenarios, assert_same, raised

scenarios = Scenarios()


def block(fw):
    """A small module tree written once: a parameter, a persistent and a non-persistent buffer, children, and
    a Parameter shared by two sub-modules (as BERT's tied decoder weight)."""
    nn = fw.nn

    class Leaf(nn.Module):
        def __init__(self, weight):
            super().__init__()
            self.weight = weight
            self.register_buffer("count", fw.zeros(2))
            self.register_buffer("scratch", fw.ones(1), persistent=False)
            self.scale = 2.0           # a plain attribute, not registered

        def forward(self, x):
            return x * self.weight * self.scale

    class Tree(nn.Module):
        def __init__(self):
            super().__init__()
            shared = nn.Parameter(fw.arange(3.0))
            self.first = Leaf(shared)
            self.second = Leaf(shared)
            self.bias = nn.Parameter(fw.ones(3))
            self.stack = nn.Sequential(nn.Identity(), nn.Identity())
            self.position_ids = nn.Buffer(fw.arange(4).expand(1, -1), persistent=False)

        def forward(self, x):
            return self.second(self.first(x)) + self.bias

    return Tree()


@scenarios
def registries(fw):
    tree = block(fw)
    return {"parameters": [n for n, _ in tree.named_parameters()],
            "all_parameters": [n for n, _ in tree.named_parameters(remove_duplicate=False)],
            "parameter_count": len(list(tree.parameters())),
            "buffers": [n for n, _ in tree.named_buffers()],
            "children": [n for n, _ in tree.named_children()],
            "modules": [n for n, _ in tree.named_modules()],
            "state_dict": list(tree.state_dict()),
            "non_persistent": sorted(tree._non_persistent_buffers_set),
            "local_parameters": list(tree._parameters), "not_recursive": [n for n, _ in tree.named_parameters(
                recurse=False)], "prefixed": [n for n, _ in tree.first.named_buffers(prefix="model.first")]}


@scenarios
def state_dict_values_are_detached_aliases(fw):
    tree = block(fw)
    state = tree.state_dict()
    kept = tree.state_dict(keep_vars=True)
    return [state["bias"].requires_grad, kept["bias"].requires_grad, type(kept["bias"]).__name__,
            state["bias"].data_ptr() == tree.bias.data_ptr()]


@scenarios
def load_state_dict_strict_and_not(fw):
    tree = block(fw)
    state = {k: v + 1 for k, v in block(fw).state_dict().items()}
    result = tree.load_state_dict(state)
    del state["bias"]
    state["extra"] = fw.ones(1)
    loose = tree.load_state_dict(state, strict=False)
    wrong_shape = dict(state, bias=fw.ones(4))
    return [list(result.missing_keys), list(result.unexpected_keys), list(loose.missing_keys),
            list(loose.unexpected_keys), tree.first.weight, tree.bias,
            raised(lambda: tree.load_state_dict(state)), raised(lambda: tree.load_state_dict(wrong_shape, strict=False)),
            raised(lambda: tree.load_state_dict([1, 2]))]


@scenarios
def strict_error_lists_missing_then_unexpected(fw):
    module = fw.nn.Module()
    module.w = fw.nn.Parameter(fw.ones(2))
    try:
        module.load_state_dict({"zz": fw.ones(1)})
    except RuntimeError as error:
        return str(error).replace("\t", "    ")
    return "no error"


@scenarios
def forward_and_backward_through_shared_parameter(fw):
    tree = block(fw)
    x = fw.tensor([1.0, -2.0, 0.5])
    out = tree(x)
    out.sum().backward()
    return [out, tree.first.weight.grad, tree.bias.grad]


@scenarios
def setattr_rules(fw):
    nn = fw.nn
    module = nn.Module()
    module.weight = nn.Parameter(fw.ones(2))
    results = [raised(lambda: setattr(module, "weight", fw.ones(2)))]   # a plain tensor over a parameter
    module.weight = None                                                  # allowed: parameter set to None
    results.append(list(module._parameters.items())[0][1] is None)
    module.child = nn.Identity()
    results.append(raised(lambda: setattr(module, "child", 3)))
    module.register_buffer("running", fw.zeros(1))
    module.running = fw.ones(1)                                           # a tensor replaces the buffer
    results.append(module._buffers["running"])
    results.append(raised(lambda: setattr(module, "running", 5)))
    module.plain = 7
    results.append("plain" in module.__dict__)
    module.child = nn.Parameter(fw.ones(1))                                # a parameter replaces the child
    results += [list(module._modules), list(module._parameters)]
    del module.child
    results.append(list(module._parameters))
    results.append(raised(lambda: module.missing))
    return results


@scenarios
def register_errors(fw):
    nn = fw.nn
    module = nn.Module()
    module.attribute = 1
    return [raised(lambda: module.register_parameter("a.b", None)),
            raised(lambda: module.register_parameter("", None)),
            raised(lambda: module.register_parameter(3, None)),
            raised(lambda: module.register_parameter("attribute", None)),
            raised(lambda: module.register_parameter("w", fw.ones(2))),
            raised(lambda: module.register_parameter("w", nn.Parameter(fw.ones(2)) * 2)),
            raised(lambda: module.register_buffer("b", 3)),
            raised(lambda: module.register_buffer("x.y", fw.ones(1))),
            raised(lambda: module.add_module("m", 3)),
            raised(lambda: nn.Parameter(fw.ones(2, dtype=fw.int64))),
            raised(lambda: setattr(nn.Module.__new__(nn.Module), "p", nn.Parameter(fw.ones(1))))]


@scenarios
def get_submodule_parameter_buffer(fw):
    tree = block(fw)
    return [tree.get_submodule("first") is tree.first, tree.get_submodule("") is tree,
            tree.get_parameter("first.weight") is tree.first.weight, tree.get_buffer("first.count"),
            raised(lambda: tree.get_submodule("nope")), raised(lambda: tree.get_submodule("bias")),
            raised(lambda: tree.get_parameter("first.count")), raised(lambda: tree.get_parameter("first.nope"))]


@scenarios
def train_eval_apply(fw):
    tree = block(fw)
    visited = []
    tree.eval()
    modes = [m.training for m in tree.modules()]
    tree.train()
    tree.stack.eval()
    mixed = [m.training for m in tree.modules()]
    tree.apply(lambda m: visited.append(type(m).__name__))
    return [modes, mixed, visited, raised(lambda: tree.train("yes")), tree.train() is tree]


@scenarios
def to_dtype_keeps_parameter_objects(fw):
    tree = block(fw)
    weight = tree.first.weight
    tree(fw.ones(3)).sum().backward()
    tree.to(fw.float64)
    double = tree.double() is tree
    return [weight is tree.first.weight, tree.first.weight.dtype, tree.first.weight.grad.dtype,
            tree.first.count.dtype, tree.position_ids.dtype, type(tree.first.weight).__name__, double,
            tree.half().bias.dtype, raised(lambda: tree.to(fw.int64)), tree.float().bias.dtype]


@scenarios
def zero_grad_and_requires_grad(fw):
    tree = block(fw)
    tree(fw.ones(3)).sum().backward()
    tree.zero_grad(set_to_none=False)
    zeroed = [p.grad for p in tree.parameters()]
    tree.zero_grad()
    cleared = [p.grad is None for p in tree.parameters()]
    tree.requires_grad_(False)
    return [zeroed, cleared, [p.requires_grad for p in tree.parameters()]]


@scenarios
def forward_hooks(fw):
    nn = fw.nn
    calls = []
    layer = nn.Identity()
    first = layer.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    layer.register_forward_pre_hook(lambda m, args: calls.append("pre-prepended"), prepend=True)
    second = layer.register_forward_hook(lambda m, args, out: out + 1)
    layer.register_forward_hook(lambda m, args, kwargs, out: calls.append(("kw", sorted(kwargs))),
                                with_kwargs=True)
    a = layer(fw.ones(2))
    first.remove()
    second.remove()
    b = layer(fw.ones(2))
    with layer.register_forward_pre_hook(lambda m, args: args[0] - 5):
        c = layer(fw.ones(2))
    d = layer(fw.ones(2))
    return [a, b, c, d, calls]


@scenarios
def kwargs_pre_hook(fw):
    class Scale(fw.nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor
    module = Scale()
    module.register_forward_pre_hook(lambda m, args, kwargs: (args, {"factor": 3.0}), with_kwargs=True)
    return module(fw.ones(2), factor=2.0)


@scenarios
def reprs(fw):
    nn = fw.nn
    tree = block(fw)

    class WithExtra(nn.Module):
        def extra_repr(self):
            return "size=3,\nmode=fast"
    nested = nn.Sequential(nn.Identity(), nn.Sequential(nn.Identity()), WithExtra())
    return [repr(tree), repr(nested), repr(WithExtra()), repr(nn.ModuleList()), repr(nn.Identity())]


@scenarios
def parameter_basics(fw):
    source = fw.ones(3)
    parameter = fw.nn.Parameter(source)
    shares = parameter.data_ptr() == source.data_ptr()
    frozen = fw.nn.Parameter(fw.ones(2), requires_grad=False)
    object_id = id(parameter)
    parameter.data = fw.zeros(4)
    empty = fw.nn.Parameter()
    doubled = parameter * 2
    return [shares, frozen.requires_grad, parameter.is_leaf, id(parameter) == object_id, parameter,
            type(doubled).__name__, isinstance(parameter, fw.Tensor), empty.shape, repr(frozen),
            type(copy.deepcopy(parameter)).__name__, copy.deepcopy(parameter)]


@scenarios
def sequential(fw):
    nn = fw.nn
    seq = nn.Sequential(nn.Identity(), nn.Identity(), nn.Identity())
    sliced = seq[1:]
    del seq[0]
    seq.append(nn.Identity())
    seq.insert(0, nn.Sequential())
    before = list(seq._modules)
    refused = [raised(lambda: seq.insert(0, 3)), raised(lambda: seq.insert(9, nn.Identity()))]
    plain = nn.ModuleList([nn.Identity()])
    plain.insert(0, 3)              # torch's ModuleList.insert stores anything
    return [len(seq), list(seq._modules), type(sliced).__name__, list(sliced._modules), type(seq[-1]).__name__,
            raised(lambda: seq[10]), seq(fw.ones(2)), refused, before == list(seq._modules), len(plain)]


@scenarios
def module_list_and_dict(fw):
    nn = fw.nn
    layers = nn.ModuleList([nn.Identity(), nn.Sequential()])
    layers.append(nn.Identity())
    layers.extend([nn.Identity()])
    layers.insert(1, nn.Identity())
    layers[0] = nn.Sequential()
    del layers[2]
    table = nn.ModuleDict({"a": nn.Identity()})
    table["b"] = nn.Sequential()
    table.update([("c", nn.Identity())])
    popped = table.pop("a")
    return [len(layers), [type(m).__name__ for m in layers], list(layers._modules), type(layers[1:]).__name__,
            list(table.keys()), "b" in table, type(popped).__name__, raised(lambda: layers[7]),
            raised(lambda: layers.extend(3)), [n for n, _ in nn.Sequential(layers).named_modules()]]


@scenarios
def parameter_list_and_dict(fw):
    nn = fw.nn
    plist = nn.ParameterList([nn.Parameter(fw.ones(2)), fw.zeros(3)])
    plist.append(fw.ones(1))
    pdict = nn.ParameterDict({"w": fw.ones(2)})
    pdict["b"] = nn.Parameter(fw.zeros(1))
    holder = nn.Module()
    holder.plist, holder.pdict = plist, pdict
    return [len(plist), [type(p).__name__ for p in plist], [p.requires_grad for p in plist],
            [n for n, _ in holder.named_parameters()], list(pdict.keys()), "w" in pdict, list(holder.state_dict()),
            repr(plist), repr(pdict)]


@scenarios
def pickling_and_deepcopy(fw):
    tree = block(fw)
    clone = copy.deepcopy(tree)
    shared = clone.first.weight is clone.second.weight
    clone.bias.data.add_(1)
    layer = pickle.loads(pickle.dumps(fw.nn.Sequential(fw.nn.Identity())))   # module classes pickle by name
    return [shared, tree.bias, clone.bias, list(clone.state_dict()), repr(layer)]


@scenarios
def missing_forward(fw):
    return [raised(lambda: fw.nn.Module()(fw.ones(1)))]


@pytest.mark.parametrize("scenario", scenarios.params())
def test_module(scenario):
    assert_same(scenario)
