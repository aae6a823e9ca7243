"""[registry] No import cycle at module level inside mtv2: Tensor (mtv2/_tensor.py) reaches the ops through the
`mtv2.ops` package at call time, the op families import Tensor, and mtv2/__init__.py imports the families once, after
Tensor. The graph is read from the source (module-level imports only; imports inside functions are calls, not
structure) and must have no strongly connected component larger than one module."""
import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "mtv2"


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level_imports(path, name, modules):
    """The mtv2 modules `name` imports when it is executed (statements at module level, in if/try blocks too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for statement in ast.parse(path.read_text()).body:
        nodes = ast.walk(statement) if isinstance(statement, (ast.If, ast.Try)) else (statement,)
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    submodule = f"{target}.{alias.name}"
                    found.add(submodule if submodule in modules else target)
    return {module for module in found if module in modules and module != name}


def import_graph():
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: _module_level_imports(path, name, paths) for name, path in paths.items()}


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_mtv2_has_no_import_cycle_at_module_level():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", ["mtv2.ops.nn_layers", "mtv2.ops.nn_losses", "mtv2.ops.linalg_svd"])
def test_every_op_family_is_registered_after_import_mtv2(module):
    import importlib
    import mtv2
    from mtv2.ops._registry import OPS
    family = importlib.import_module(module)
    assert getattr(mtv2.ops, module.rsplit(".", 1)[1]) is family
    assert any(op.kernel.__module__ == module for op in OPS.values())
