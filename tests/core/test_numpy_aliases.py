"""numpy's keyword names (axis=, keepdims=, x=/a=/x1=, x2=): taken exactly where torch's argument parser takes them.

Two kinds of test: scenarios run on both frameworks (values, and TypeError where torch refuses), and a census of
every public mtv2 callable with a dim/keepdim/input/other parameter against torch: an alias-taking wrapper where
torch's counterpart is a native binding, none where torch writes the function in Python (mtv2/_numpy_aliases.py).
"""
import inspect
import types

import pytest

from ._compare import Scenarios, assert_same, frameworks, raised

SCENARIOS = Scenarios()


def _matrix(fw):
    return fw.arange(12.0).reshape(3, 4)


SCENARIOS.update({
    "reductions": lambda fw: [fw.sum(_matrix(fw), axis=1, keepdims=True), _matrix(fw).mean(axis=0),
                              _matrix(fw).max(axis=1), fw.argmax(_matrix(fw), axis=1, keepdims=True),
                              _matrix(fw).std(axis=0, keepdims=True), fw.amax(_matrix(fw), axis=(0, 1)),
                              (_matrix(fw) > 3).all(axis=0, keepdims=True), fw.logsumexp(_matrix(fw), axis=1)],
    "shape_and_joining": lambda fw: [fw.cat([_matrix(fw), _matrix(fw)], axis=0), fw.stack([_matrix(fw)] * 2, axis=2),
                                     _matrix(fw).unsqueeze(axis=0), _matrix(fw).chunk(2, axis=1),
                                     _matrix(fw).unbind(axis=1), fw.cumsum(_matrix(fw), axis=0),
                                     _matrix(fw).softmax(axis=0), fw.softmax(_matrix(fw), axis=1)],
    "input_and_other": lambda fw: [fw.add(x=_matrix(fw), x2=_matrix(fw)), fw.mul(a=_matrix(fw), other=2.0),
                                   fw.eq(x1=_matrix(fw), x2=_matrix(fw)), _matrix(fw).add(x2=_matrix(fw)),
                                   fw.isclose(_matrix(fw), x2=_matrix(fw)), fw.allclose(x1=_matrix(fw),
                                                                                         x2=_matrix(fw)),
                                   fw.equal(_matrix(fw), x2=_matrix(fw)), fw.Tensor.sum(_matrix(fw), axis=0),
                                   fw.broadcast_to(x=_matrix(fw), size=(2, 3, 4)),
                                   fw.nn.functional.gelu(x=_matrix(fw)), _matrix(fw).size(axis=1)],
    # the parameter's own name wins; the alias is then an unexpected keyword
    "alias_beside_its_name": lambda fw: [raised(lambda: fw.sum(_matrix(fw), dim=1, axis=1)),
                                         raised(lambda: fw.sum(_matrix(fw), axis=0, dim=1)),
                                         raised(lambda: fw.sum(_matrix(fw), 1, axis=1)),
                                         raised(lambda: fw.add(x=_matrix(fw), a=_matrix(fw), other=1))],
    # an alias of a parameter the function does not have
    "alias_without_its_parameter": lambda fw: [raised(lambda: _matrix(fw).sum(x=1)),
                                               raised(lambda: fw.exp(_matrix(fw), axis=0)),
                                               raised(lambda: _matrix(fw).transpose(axis0=0, axis1=1)),
                                               raised(lambda: _matrix(fw).flatten(start_axis=0))],
    # torch writes these in Python: its parser never sees their keywords
    "python_functions_refuse": lambda fw: [raised(lambda: fw.nn.functional.softmax(_matrix(fw), axis=0)),
                                           raised(lambda: fw.nn.functional.log_softmax(_matrix(fw), axis=0)),
                                           raised(lambda: fw.nn.functional.dropout(_matrix(fw), axis=0)),
                                           raised(lambda: fw.split(_matrix(fw), 1, axis=0)),
                                           raised(lambda: _matrix(fw).split(1, axis=0)),
                                           raised(lambda: fw.norm(_matrix(fw), axis=0)),
                                           raised(lambda: _matrix(fw).unflatten(axis=1, sizes=(2, 2))),
                                           raised(lambda: fw.einsum("ij->j", _matrix(fw), axis=0))],
})


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_numpy_aliases(scenario):
    assert_same(scenario)


# ---- the census -------------------------------------------------------------------------------------------------

ALIASED = {"dim", "keepdim", "input", "other"}


def _native(value):
    return isinstance(value, (types.BuiltinFunctionType, types.MethodDescriptorType, types.WrapperDescriptorType))


def _surfaces():
    """(label, mtv2 callable, torch counterpart) for every public mtv2 callable with an aliased parameter."""
    torch, mtv2 = frameworks()
    if mtv2.__name__ == "torch":
        pytest.skip("the census inspects mtv2's wrappers")
    found = []
    namespaces = [("", mtv2, torch), ("nn.functional.", mtv2.nn.functional, torch.nn.functional)]
    for prefix, namespace, reference in namespaces:
        for name in dir(namespace):
            value = getattr(namespace, name)
            if not name.startswith("_") and inspect.isfunction(value):
                found.append((prefix + name, value, getattr(reference, name, None)))
    for name in dir(mtv2.Tensor):
        value = inspect.getattr_static(mtv2.Tensor, name)
        if not name.startswith("_") and inspect.isfunction(value):
            found.append(("Tensor." + name, value, inspect.getattr_static(torch.Tensor, name, None)))
    return [(label, value, reference) for label, value, reference in found
            if ALIASED & set(inspect.signature(value).parameters)]


def test_aliases_exactly_where_torch_parses_arguments():
    wrong = []
    for label, value, reference in _surfaces():
        if reference is None:
            continue   # torch has no such name (an mtv2 helper): nothing to mirror
        if hasattr(value, "numpy_names") != _native(reference):
            wrong.append(f"{label}: torch's is {'native' if _native(reference) else 'Python'}, mtv2 "
                         f"{'takes' if hasattr(value, 'numpy_names') else 'refuses'} the aliases")
    assert not wrong, "update mtv2/_numpy_aliases.py:\n" + "\n".join(wrong)
