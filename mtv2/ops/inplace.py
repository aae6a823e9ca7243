"""In-place ops: every `op_` is its out-of-place op written back into self, with torch's checks and history.

Writing back bumps the version counter shared with every view. If the op is recorded, self's history is
rebased onto the op's node; when self is a view, the base's history goes through CopySlices so that
gradients reach the base the way torch routes them.
"""
import numpy as np

from .. import _dtype
from .._meta import MetaArray
from ..autograd import grad_mode
from ..autograd.graph import Node, edge_of
from .._tensor import Tensor


def check_inplace_allowed(self, name, allow_overlap=False):
    if grad_mode.state.enabled and self.requires_grad:
        if self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        if self._base is not None and self._base.requires_grad and self._base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
    data = self._data
    if not allow_overlap and data.size > 1 and any(stride == 0 and extent > 1 for stride, extent in zip(data.strides, data.shape)):
        raise RuntimeError(f"{name}: unsupported operation: more than one element of the written-to tensor refers "
                           "to a single memory location. Please clone() the tensor before performing the "
                           "operation.")


def _snapshot(self):
    """Self's current value with self's autograd identity, for rules that need the value before the write."""
    data = self._data
    snapshot = Tensor._from_fresh(MetaArray(data.layout) if type(data) is MetaArray else np.array(data), self.dtype)
    snapshot.requires_grad = self.requires_grad
    snapshot.grad_fn = self.grad_fn
    snapshot._output_nr = self._output_nr
    if self.requires_grad and self.grad_fn is None:
        from ..autograd.graph import grad_accumulator
        snapshot._grad_accumulator = self._grad_accumulator
        grad_accumulator(self)
        snapshot._grad_accumulator = self._grad_accumulator
    return snapshot


def apply_inplace(self, function, name, *operands, allow_overlap=False, **kwargs):
    """Run `function(self, *operands, **kwargs)` out of place, then write the result into self."""
    if not isinstance(self, Tensor):
        raise TypeError(f"{name}: expected a Tensor as self, got {type(self).__name__}")
    check_inplace_allowed(self, name, allow_overlap)
    recording = grad_mode.state.enabled and (
        self.requires_grad or any(isinstance(x, Tensor) and x.requires_grad for x in operands))
    source = _snapshot(self) if recording else self
    result = function(source, *operands, **kwargs)
    write_result_into(self, result, name)
    if self._inference and not grad_mode.state.inference:
        # torch's check runs after the kernel: the write has happened when it raises
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
                           "clone to get a normal tensor before doing inplace update.")
    return self


def write_result_into(self, result, name):
    if not _dtype.can_cast(result.dtype, self.dtype):
        raise RuntimeError(f"{name}: result type {_dtype.scalar_type_name(result.dtype)} can't be cast to the desired "
                           f"output type {_dtype.scalar_type_name(self.dtype)}")
    if result.shape != self.shape:
        if name == "out=":
            raise RuntimeError(f"out= expects a tensor of shape {list(result.shape)}, got {list(self.shape)}")
        raise RuntimeError(f"{name}: output with shape {list(self.shape)} doesn't match the broadcast shape "
                           f"{list(result.shape)}")
    if type(self._data) is not MetaArray:   # a meta tensor has no data to write
        np.copyto(self._data, result._data, casting="unsafe")
    self._version_counter.value += 1
    if result.requires_grad and result.grad_fn is not None and self.dtype.is_floating_point:
        _rebase_history(self, result.grad_fn)
    return self


def write_out_checked(out, result, inputs, dtype_error=None):
    """`out=` for ops torch checks strictly: `dtype_error` (a message) when out's dtype is not the result's, and
    torch's overlap errors when out has repeated elements or shares memory with one of `inputs` (None: no overlap
    checks)."""
    if inputs is not None and any(extent > 1 and stride == 0 for extent, stride in zip(out.shape, out.stride())):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a single "
                           "memory location. Please clone() the tensor before performing the operation.")
    for tensor in inputs or ():
        if tensor is out or (isinstance(tensor, Tensor) and type(out._data) is np.ndarray
                             and type(tensor._data) is np.ndarray and np.may_share_memory(tensor._data, out._data)):
            raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor "
                               "refer to a single memory location. Please clone() the tensor before performing the "
                               "operation.")
    if dtype_error is not None and out.dtype is not result.dtype:
        raise RuntimeError(dtype_error)
    return write_result_into(out, result, "out=")


def _rebase_history(self, node):
    base = self._base
    if base is None:
        self.grad_fn = node
        self._output_nr = 0
        self.requires_grad = True
        return
    copy_slices = CopySlices(base, self, node)
    base.grad_fn = copy_slices
    base._output_nr = 0
    base.requires_grad = True
    # self now reads its gradient out of the base's new history
    with grad_mode.enable_grad():
        regenerated = base.as_strided(self.shape, self.stride(), self.storage_offset())
    self.grad_fn = regenerated.grad_fn
    self._output_nr = 0
    self.requires_grad = True


class CopySlices(Node):
    """The base's history after an in-place op on one of its views (torch's CopySlices)."""

    __slots__ = ("view_geometry", "base_geometry", "storage_numel", "view_node")

    def __init__(self, base, view, view_node):
        # The op's first input was the view's old value; its gradient goes into the base's region instead.
        super().__init__([edge_of(base)] + list(view_node.edges[1:]))
        self.view_geometry = (tuple(view.shape), view.stride(), view.storage_offset())
        self.base_geometry = (tuple(base.shape), base.stride(), base.storage_offset())
        self.storage_numel = base.untyped_storage().nbytes() // base.element_size()
        self.view_node = view_node

    def release(self):
        self.view_node.release()

    def apply(self, output_grads, create_graph):
        grad = output_grads[0]
        # Lay the gradient out in the storage's geometry so the view's region can be addressed in it
        buffer = grad.new_zeros((self.storage_numel,))
        result = buffer.as_strided(*self.base_geometry)
        result.copy_(grad)
        region = buffer.as_strided(*self.view_geometry)
        op_grads = self.view_node.apply([region.clone()], create_graph)
        if op_grads[0] is None:
            region.zero_()
        else:
            region.copy_(op_grads[0])
        # Read the base's window again after the region write: `result` was taken before it and mtv2 views do
        # not regenerate their grad_fn when a sibling view writes the storage, so its history would miss the
        # write (double backward would see the identity in the written region instead of the op's gradient).
        result = buffer.as_strided(*self.base_geometry)
        return [result] + list(op_grads[1:])
