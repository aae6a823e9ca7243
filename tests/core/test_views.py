"""Views: storage and version counter shared with the base, _base/is_leaf, writes reaching the base."""
import pytest

from ._compare import Scenarios, assert_same, raised, shares_storage, strides

NESTED = [[[float(4 * (3 * i + j) + k) for k in range(4)] for j in range(3)] for i in range(2)]


def cube(fw):
    """A fresh 2x3x4 float32 leaf (not itself a view) holding 0..23."""
    return fw.tensor(NESTED)


# ---- every view op: shape, strides, offset, shared storage, _base, shared version, writes ------
# (name, make the view from the base, whether a write through the view is allowed)
VIEW_OPS = {
    "view": (lambda x: x.view(6, 4), True),
    "view_minus_one": (lambda x: x.view(-1, 2), True),
    "reshape_contiguous": (lambda x: x.reshape(4, -1), True),
    "transpose": (lambda x: x.transpose(0, 2), True),
    "t_of_matrix": (lambda x: x[0].t(), True),
    "permute": (lambda x: x.permute(2, 0, 1), True),
    "expand": (lambda x: x[:, :1, :].expand(2, 5, 4), False),
    "expand_as": (lambda x: x[0, 0].expand_as(x), False),
    "squeeze": (lambda x: x[:, :1].squeeze(), True),
    "squeeze_dim": (lambda x: x[:, :1].squeeze(1), True),
    "unsqueeze": (lambda x: x.unsqueeze(1), True),
    "flatten": (lambda x: x.flatten(), True),
    "flatten_range": (lambda x: x.flatten(1, 2), True),
    "unflatten": (lambda x: x.unflatten(2, (2, 2)), True),
    "narrow": (lambda x: x.narrow(2, 1, 2), True),
    "select": (lambda x: x.select(1, 2), True),
    "unfold": (lambda x: x.unfold(2, 2, 1), False),
    "diagonal": (lambda x: x.diagonal(0, 1, 2), True),
    "diagonal_offset": (lambda x: x.diagonal(1, 1, 2), True),
    "as_strided": (lambda x: x.as_strided((3, 2), (5, 2), 1), True),
    "getitem_int": (lambda x: x[1], True),
    "getitem_negative_int": (lambda x: x[-1, -2], True),
    "getitem_slice_step": (lambda x: x[:, ::2, 1:], True),
    "getitem_none_ellipsis": (lambda x: x[None, ..., 1], True),
    "getitem_mixed": (lambda x: x[1, None, 1:3, ::3], True),
    "getitem_ellipsis_alone": (lambda x: x[...], True),
    "getitem_full_slice": (lambda x: x[:], True),
    "narrow_negative_start": (lambda x: x.narrow(-1, -3, 2), True),
    "squeeze_nothing_to_squeeze": (lambda x: x.squeeze(0), True),
    "split_piece": (lambda x: x.split(2, dim=2)[1], True),
    "split_sizes_piece": (lambda x: x.split([1, 2], dim=1)[1], True),
    "chunk_piece": (lambda x: x.chunk(2, dim=1)[1], True),
    "view_of_view": (lambda x: x[1].view(12)[2:], True),
    "detach": (lambda x: x.detach(), True),
}


def view_scenario(make, writable):
    def scenario(fw):
        base = cube(fw)
        view = make(base)
        observed = [view.shape, strides(view), view.storage_offset(), view, shares_storage(view, base),
                    view._base is base, base._base is None, view.is_leaf, base._version, view._version]
        base.add_(100)  # a write to the base shows through the view and bumps the shared version
        observed += [view, base._version, view._version]
        if writable:
            view.mul_(-1)
            observed += [base, base._version, view._version]
        return observed
    return scenario


@pytest.mark.parametrize("make, writable", [pytest.param(*spec, id=name) for name, spec in VIEW_OPS.items()])
def test_view_op(make, writable):
    assert_same(view_scenario(make, writable))


# ---- the rest: one scenario each -----------------------------------------------------------------

SCENARIOS = Scenarios()


@SCENARIOS
def inplace_through_column_view_reaches_base(fw):
    x = fw.ones(3, 2)
    x[:, 0].mul_(2)
    x[1].add_(fw.tensor([10.0, 20.0]))
    x.t()[1, 2] = 7.0
    return [x, x._version]


@SCENARIOS
def view_of_incompatible_layout_raises(fw):
    x = cube(fw)
    return [raised(lambda: x.transpose(0, 1).view(-1)),
            raised(lambda: x[:, :, :2].view(12)),
            x[:, :, ::2].view(12).stride(),  # steps that line up still view
            raised(lambda: x.view(5, -1)),
            raised(lambda: x.view(-1, -1)),
            x.transpose(1, 2).view(2, 4, 3).shape,  # same shape: always viewable
            x.transpose(0, 1).view(3, 2, 2, 2).stride()]  # splitting a dim keeps its stride


# A reshape shares storage exactly when torch's does (a view when the strides allow one).
RESHAPES = {
    "contiguous": (lambda x: x, (4, 6)),
    "transposed_flat": (lambda x: x.transpose(0, 2), (-1,)),
    "transposed_same_shape": (lambda x: x.transpose(0, 2), (4, 3, 2)),
    "transposed_add_unit_dims": (lambda x: x.transpose(0, 2), (4, 1, 3, 2, 1)),
    "transposed_split_dim": (lambda x: x.transpose(0, 2), (2, 2, 3, 2)),
    "transposed_merge_contiguous_pair": (lambda x: x.permute(2, 0, 1), (4, 6)),
    "sliced_step": (lambda x: x[:, :, ::2], (12,)),
    "sliced_rows": (lambda x: x[:, 1:], (2, 8)),
    "sliced_last_dim": (lambda x: x[:, :, :2], (6, 2)),
    "sliced_last_dim_flat": (lambda x: x[:, :, :2], (-1,)),
    "expanded_flat": (lambda x: x[0, 0].expand(3, 4), (12,)),
    "expanded_unit_dim": (lambda x: x[0, 0].expand(3, 4), (3, 1, 4)),
    "zero_d": (lambda x: x[0, 0, 0], (1, 1)),
    "empty": (lambda x: x[:, :0], (0, 8)),
}


def reshape_scenario(prepare, shape):
    def scenario(fw):
        source = prepare(cube(fw))
        result = source.reshape(*shape)
        return [result, strides(result), shares_storage(result, source),
                result._base is not None, source.reshape(shape).shape]
    return scenario


@pytest.mark.parametrize("prepare, shape", [pytest.param(*spec, id=name) for name, spec in RESHAPES.items()])
def test_reshape_copies_only_when_it_must(prepare, shape):
    assert_same(reshape_scenario(prepare, shape))


@SCENARIOS
def expand_has_stride_zero(fw):
    row = fw.tensor([1.0, 2.0, 3.0])
    column = fw.tensor([[1], [2]])
    return [row.expand(2, 3).stride(), row.expand(4, -1).shape, column.expand(2, 5).stride(),
            strides(row.expand(2, 1, 3)), row.expand(2, 3).is_contiguous(), fw.tensor(5.0).expand(2, 2),
            row.expand(3), raised(lambda: row.expand(2, 4)), raised(lambda: row.expand(3, 1)),
            raised(lambda: row.expand(2, 3).add_(1))]


@SCENARIOS
def as_strided_uses_the_storage(fw):
    x = fw.arange(12.0)
    tail = x[4:]
    return [x.as_strided((2, 3), (3, 1)), x.as_strided((2, 2), (1, 2), 5),
            tail.as_strided((2,), (1,)), tail.as_strided((2,), (1,)).storage_offset(),
            tail.as_strided((2,), (1,), 0), tail.as_strided((3,), (0,), 1),
            fw.as_strided(x, (2, 2), (4, 1), 2)]


@SCENARIOS
def split_and_chunk_pieces_are_views(fw):
    x = fw.arange(10.0)
    pieces = x.split(3)
    chunks = x.chunk(3)
    columns = cube(fw).split([1, 3], dim=2)
    pieces[3].fill_(-1)
    chunks[1][0] = -5
    return [[p.shape for p in pieces], [p.storage_offset() for p in pieces],
            [c.shape for c in chunks], x, x._version, all(p._base is x for p in pieces + chunks),
            [strides(c) for c in columns], [c.is_contiguous() for c in columns],
            [p.shape for p in x.split([2, 8])], raised(lambda: x.split([2, 7]))]


@SCENARIOS
def basic_setitem(fw):
    x = fw.zeros(3, 4)
    x[0] = 1
    x[:, 1] = fw.tensor([1.0, 2.0, 3.0])
    x[1, 2] = 5.5
    x[..., -1] = 7
    x[::2, ::2] = fw.tensor(9.0)
    x[2, None, 1:3] = fw.tensor([[-1.0, -2.0]])
    return [x, x._version]


@SCENARIOS
def setitem_casts_and_checks_shape(fw):
    integers = fw.zeros(3, dtype=fw.int64)
    integers[0] = 2.7
    integers[1:] = fw.tensor([-1.9, 3.9])
    x = fw.zeros(3, 4)
    return [integers, raised(lambda: x.__setitem__(0, fw.ones(3))),
            raised(lambda: x.__setitem__(3, 1.0)), raised(lambda: x.__setitem__((0, 0, 0), 1.0))]


@SCENARIOS
def setitem_on_a_view_reaches_the_base(fw):
    x = fw.zeros(2, 3)
    column = x[:, 1]
    column[0] = 4
    x.t()[2] = 8
    return [x, column, x._version, column._version]


@SCENARIOS
def getitem_errors(fw):
    x = cube(fw)
    return [raised(lambda: x[2]), raised(lambda: x[0, 0, 0, 0]), raised(lambda: x[::-1]),
            x[5:].shape, x[:, -10:2].shape]


@SCENARIOS
def version_counter(fw):
    x = fw.zeros(3)
    versions = [x._version]
    x.add_(1)
    versions.append(x._version)
    x[0] = 2
    versions.append(x._version)
    view = x[1:]
    view.fill_(3)
    versions += [x._version, view._version]
    _ = x + 1, x.clone(), x.exp()
    versions.append(x._version)
    versions.append(x.clone()._version)
    x.zero_()
    versions += [x._version, view._version, x.detach()._version]
    return versions


@SCENARIOS
def base_and_is_leaf_with_grad(fw):
    leaf = fw.ones(3, requires_grad=True)
    view = leaf[:2]
    computed = leaf * 2
    computed_view = computed.view(3, 1)
    plain = fw.ones(3)
    return [view.is_leaf, view._base is leaf, view.requires_grad, view.grad_fn is not None,
            computed.is_leaf, computed_view._base is computed, computed_view.is_leaf,
            leaf.detach().is_leaf, leaf.detach().requires_grad, plain[1:].is_leaf, plain[1:]._base is plain]


@pytest.mark.parametrize("scenario", SCENARIOS.params())
def test_views(scenario):
    assert_same(scenario)
