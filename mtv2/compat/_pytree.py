"""torch.utils._pytree under the torch shim: torch's Python pytree for the built-in containers and registered classes.

A stand-in module (listed in stand_ins.STAND_IN_MODULES) with a real implementation: transformers registers every
ModelOutput at import (for torch.export) and its exporters flatten with it. It follows torch's Python pytree: dict
children in insertion order, None a leaf, namedtuples by position, a second register_pytree_node raises ValueError.
tests/hf/test_stand_ins.py compares each name with the installed wheel.
"""
import collections
import dataclasses
import typing
import warnings


# torch's Python pytree for the built-in containers and registered classes: transformers registers every
# ModelOutput at import (for torch.export), and its exporters flatten with it.

class TreeSpec:
    """The structure of a flattened tree: a node type, its context and child specs; a leaf is TreeSpec(None)."""

    def __init__(self, type, context, children_specs):
        self.type = type
        self.context = context
        self.children_specs = children_specs
        self.num_leaves = 1 if type is None else sum(child.num_leaves for child in children_specs)

    def is_leaf(self):
        return self.type is None

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and (self.type, self.context, self.children_specs)
                == (other.type, other.context, other.children_specs))

    def __repr__(self):
        if self.is_leaf():
            return "*"
        return f"TreeSpec({self.type.__name__}, {self.context}, [{', '.join(map(repr, self.children_specs))}])"


@dataclasses.dataclass(frozen=True)
class MappingKey:
    """torch.utils._pytree.MappingKey: the path entry of a dict value (torch's frozen dataclass)."""
    key: typing.Any

    def __str__(self):
        return f"[{self.key!r}]"


MappingKey.__module__ = "torch.utils._pytree"


def pytree_names():
    nodes = {}   # torch's SUPPORTED_NODES: type -> (flatten_fn, unflatten_fn)

    def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
                             from_dumpable_context=None, flatten_with_keys_fn=None):
        if cls in nodes:                                # torch: ValueError on a second registration
            raise ValueError(f"{cls} is already registered as pytree node.")
        nodes[cls] = (flatten_fn, unflatten_fn)

    def _register_pytree_node(cls, flatten_fn, unflatten_fn, to_str_fn=None, maybe_from_str_fn=None, **options):
        # torch: deprecated (FutureWarning); a second registration warns and overwrites instead of raising
        warnings.warn("`torch.utils._pytree._register_pytree_node` is deprecated. Please use "
                      "`torch.utils._pytree.register_pytree_node` instead.", FutureWarning, stacklevel=2)
        if cls in nodes:
            warnings.warn(f"{cls} is already registered as pytree node. Overwriting the previous registration.",
                          stacklevel=2)
        nodes[cls] = (flatten_fn, unflatten_fn)

    def _dict_flatten(d):                               # torch: (values, keys) in insertion order
        return list(d.values()), list(d.keys())

    def _dict_unflatten(values, context):
        return dict(zip(context, values))

    def _dict_flatten_with_keys(d):                     # torch: ([(MappingKey(k), v), ...], keys)
        values, keys = _dict_flatten(d)
        return [(MappingKey(key), value) for key, value in zip(keys, values)], keys

    def _namedtuple_flatten(t):
        return list(t), type(t)

    def node_of(tree):
        kind = type(tree)
        if kind in nodes:
            return kind, nodes[kind]
        if isinstance(tree, tuple) and hasattr(kind, "_fields"):
            return kind, (_namedtuple_flatten, lambda values, context: context(*values))
        return None, None

    nodes.update({
        tuple: (lambda t: (list(t), None), lambda values, context: tuple(values)),
        list: (lambda t: (list(t), None), lambda values, context: list(values)),
        dict: (_dict_flatten, _dict_unflatten),
        collections.OrderedDict: (_dict_flatten, lambda values, context: collections.OrderedDict(zip(context, values))),
        collections.defaultdict: (lambda d: (list(d.values()), (d.default_factory, list(d.keys()))),
                                  lambda values, context: collections.defaultdict(context[0], zip(context[1], values))),
        collections.deque: (lambda d: (list(d), d.maxlen), lambda values, context: collections.deque(values, context)),
    })

    def tree_flatten(tree, is_leaf=None):
        leaves = []

        def walk(node):
            kind, functions = (None, None) if is_leaf is not None and is_leaf(node) else node_of(node)
            if kind is None:
                leaves.append(node)
                return TreeSpec(None, None, [])
            children, context = functions[0](node)
            return TreeSpec(kind, context, [walk(child) for child in children])

        spec = walk(tree)
        return leaves, spec

    def tree_unflatten(leaves, treespec):
        leaves = list(leaves)
        if len(leaves) != treespec.num_leaves:
            raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers to "
                             f"a pytree that holds {treespec.num_leaves} items ({treespec}).")
        iterator = iter(leaves)

        def build(spec):
            if spec.is_leaf():
                return next(iterator)
            # a namedtuple's context is its type
            unflatten = nodes[spec.type][1] if spec.type in nodes else lambda values, context: context(*values)
            return unflatten([build(child) for child in spec.children_specs], spec.context)

        return build(treespec)

    def tree_leaves(tree, is_leaf=None):
        return tree_flatten(tree, is_leaf)[0]

    def tree_structure(tree, is_leaf=None):
        return tree_flatten(tree, is_leaf)[1]

    def tree_map(func, tree, *rests, is_leaf=None):
        leaves, spec = tree_flatten(tree, is_leaf)
        others = [spec_leaves(rest, spec) for rest in rests]
        return tree_unflatten([func(*values) for values in zip(leaves, *others)], spec)

    def spec_leaves(tree, spec):
        leaves, other = tree_flatten(tree)
        if other != spec:
            raise ValueError("Tree structures do not match")
        return leaves

    def tree_map_only(type_or_types, func, tree, is_leaf=None):
        return tree_map(lambda value: func(value) if isinstance(value, type_or_types) else value, tree,
                        is_leaf=is_leaf)

    return dict(register_pytree_node=register_pytree_node, _register_pytree_node=_register_pytree_node,
                SUPPORTED_NODES=nodes, TreeSpec=TreeSpec, tree_flatten=tree_flatten, tree_unflatten=tree_unflatten,
                tree_leaves=tree_leaves, tree_structure=tree_structure, tree_map=tree_map,
                tree_map_only=tree_map_only, _dict_flatten=_dict_flatten, _dict_unflatten=_dict_unflatten,
                _dict_flatten_with_keys=_dict_flatten_with_keys, MappingKey=MappingKey)
