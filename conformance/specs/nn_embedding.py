"""embedding_bag: nn.EmbeddingBag (kind=module, train and eval, every mode, padding_idx, include_last_offset,
per_sample_weights, from_pretrained) and nn.functional.embedding_bag (kind=op: offsets, 2-D bags, empty bags,
max_norm, scale_grad_by_freq, int32 indices), with torch's checks as error cases. (embedding: specs/nn_layers.py.)"""
from conformance.frameworks import FLOATING
from conformance.inputs import Arg, Sample, T
from conformance.module_spec import ModuleSpec
from conformance.spec import ErrorCase, OpSpec, XFail

ALL_FLOATING = FLOATING                        # float16, bfloat16, float32, float64
FULL = ("float32", "float64")


def F(fw):
    return fw.nn.functional


# torch's embedding_bag has no double backward (its backward kernel, _embedding_bag_dense_backward, has no derivative)
NO_GRADGRAD = dict(gradgrad=False)
FREQUENCY_GRADCHECK = XFail("scale_grad_by_freq: torch divides each row's gradient by its index's frequency in the "
                            "batch, by design not the derivative (finite differences see the unscaled one)",
                            checks=("gradcheck",))

# Module ids: integer tensors drawn in 0..3 (the "exponent" domain of integer dtypes), all valid rows of 6.
def _ids(*shape, dtype="int64"):
    return T(*shape, dtype=dtype, domain="exponent")


def _with_offsets(offsets):
    """The module called on 1-D ids with these bag offsets (of the ids' dtype, as torch requires)."""
    def call(module, ids, **kwargs):
        return module(ids, ids.new_tensor(offsets), **kwargs)
    return call


def _weighted(module, ids, weights):
    return module(ids, ids.new_tensor([0, 2, 2]), per_sample_weights=weights)


BAG_2D = (Sample("bags_2d", (_ids(3, 4),)), Sample("one_bag_2d", (_ids(1, 5),)))
BAG_1D = (Sample("ids_1d", (_ids(7),)),)

MODULE_ERRORS = (
    ErrorCase("offsets_with_2d", lambda fw: fw.nn.EmbeddingBag(6, 2)(fw.tensor([[1, 2]]), fw.tensor([0])),
              Sample("2d_offsets", ()), ValueError),
    ErrorCase("no_offsets_1d", lambda fw: fw.nn.EmbeddingBag(6, 2)(fw.tensor([1, 2])), Sample("1d", ()), ValueError),
    ErrorCase("3d_input", lambda fw: fw.nn.EmbeddingBag(6, 2)(fw.zeros(1, 1, 1, dtype=fw.int64)), Sample("3d", ()),
              ValueError),
    ErrorCase("padding_idx_too_large", lambda fw: fw.nn.EmbeddingBag(6, 2, padding_idx=6), Sample("pad6", ()),
              AssertionError),
    ErrorCase("from_pretrained_1d", lambda fw: fw.nn.EmbeddingBag.from_pretrained(fw.ones(5)), Sample("1d", ()),
              AssertionError),
)

MODULE_SPECS = [
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3), BAG_2D, ALL_FLOATING, errors=MODULE_ERRORS,
                **NO_GRADGRAD),
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3, mode="sum"), BAG_2D, ALL_FLOATING,
                variant="sum", **NO_GRADGRAD),
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3, mode="max"), BAG_2D, ALL_FLOATING,
                variant="max", **NO_GRADGRAD),
    # 1-D ids with offsets: an empty bag in the middle (zeros, and no gradient)
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3), BAG_1D, ALL_FLOATING, variant="offsets",
                call=_with_offsets([0, 3, 3, 5]), **NO_GRADGRAD),
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3, mode="max"), BAG_1D, FULL,
                variant="max_offsets", call=_with_offsets([0, 3, 3, 5]), **NO_GRADGRAD),
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3, mode="sum", include_last_offset=True),
                BAG_1D, FULL, variant="include_last_offset", call=_with_offsets([0, 2, 7]), **NO_GRADGRAD),
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3, padding_idx=2), BAG_2D, ALL_FLOATING,
                variant="padding_idx", **NO_GRADGRAD),
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3, mode="max", padding_idx=-4), BAG_2D, FULL,
                variant="max_padding_idx", **NO_GRADGRAD),
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3, mode="sum"),
                (Sample("weighted", (_ids(5), T(5))),), ALL_FLOATING, variant="per_sample_weights", call=_weighted,
                **NO_GRADGRAD),
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3, scale_grad_by_freq=True), BAG_2D, FULL,
                variant="scale_grad_by_freq", xfails=(FREQUENCY_GRADCHECK,), **NO_GRADGRAD),
    *ModuleSpec("nn.EmbeddingBag", lambda fw: fw.nn.EmbeddingBag(6, 3), (Sample("int32", (_ids(2, 3, dtype="int32"),)),),
                FULL, variant="int32_ids", **NO_GRADGRAD),
]


# ================================================================ functional

def _bag(fw, weight, ids, offsets=None, **kwargs):
    """embedding_bag on fixed ids (and offsets), made tensors of the same (int64 unless given) dtype inside the case."""
    dtype = kwargs.pop("index_dtype", fw.int64)
    offsets = None if offsets is None else fw.tensor(offsets, dtype=dtype)
    return F(fw).embedding_bag(fw.tensor(ids, dtype=dtype), weight, offsets, **kwargs)


def _weighted_bag(fw, weight, weights, ids, offsets=None, **kwargs):
    offsets = None if offsets is None else fw.tensor(offsets)
    return F(fw).embedding_bag(fw.tensor(ids), weight, offsets, per_sample_weights=weights, **kwargs)


def _renormed(fw, weight, ids, offsets, **kwargs):
    """The bags and the table after them: max_norm rewrites the rows it reads, in place."""
    output = F(fw).embedding_bag(fw.tensor(ids), weight, fw.tensor(offsets), **kwargs)
    return output, weight.detach().clone()


def _pretrained(fw, weight, ids, **kwargs):
    module = fw.nn.EmbeddingBag.from_pretrained(weight, **kwargs)
    return module(fw.tensor(ids)), module.weight.requires_grad, module.padding_idx, module.mode


IDS = [1, 4, 4, 0, 5, 2, 4, 1]
REPEATS = [3, 3, 1, 3, 5, 3]     # index 3 three times, in two bags (scale_grad_by_freq, padding)
BAGS_2D = [[1, 4, 0], [5, 5, 2]]


def _samples(mode):
    return (
        Sample("offsets", (T(6, 3), Arg(value=IDS), Arg(value=[0, 3, 5])), {"mode": mode}),
        Sample("empty_bags", (T(6, 3), Arg(value=IDS), Arg(value=[0, 0, 4, 4, 8])), {"mode": mode}),
        Sample("bags_2d", (T(6, 3), Arg(value=BAGS_2D)), {"mode": mode}),
        Sample("include_last_offset", (T(6, 3), Arg(value=IDS), Arg(value=[0, 3, 8])),
               {"mode": mode, "include_last_offset": True}),
        Sample("padding_idx", (T(6, 3), Arg(value=REPEATS), Arg(value=[0, 2])), {"mode": mode, "padding_idx": 3}),
        Sample("padding_only_bag", (T(6, 3), Arg(value=REPEATS), Arg(value=[0, 1, 2])),
               {"mode": mode, "padding_idx": -3}),
        Sample("int32_indices", (T(6, 3), Arg(value=IDS), Arg(value=[0, 3])), {"mode": mode, "index_dtype": "int32"}),
        Sample("transposed_weight", (T(6, 6, layout="transposed"), Arg(value=IDS), Arg(value=[0, 4])),
               {"mode": mode}),
        Sample("no_bags", (T(6, 3), Arg(value=[]), Arg(value=[])), {"mode": mode}),
    )


def _bag_kwargs(fw, weight, ids, offsets=None, **kwargs):
    if kwargs.get("index_dtype") == "int32":
        kwargs["index_dtype"] = fw.int32
    return _bag(fw, weight, ids, offsets, **kwargs)


FUNCTIONAL_ERRORS = (
    ErrorCase("weight_1d", lambda fw, w: F(fw).embedding_bag(fw.tensor([[1]]), w), Sample("1d", (T(5),)), ValueError),
    ErrorCase("offsets_not_starting_at_0", lambda fw, w: F(fw).embedding_bag(fw.tensor([1, 2]), w, fw.tensor([1])),
              Sample("offsets1", (T(5, 2),)), RuntimeError),
    ErrorCase("last_offset_past_input", lambda fw, w: F(fw).embedding_bag(fw.tensor([1, 2]), w, fw.tensor([0, 3])),
              Sample("offsets3", (T(5, 2),)), RuntimeError),
    ErrorCase("include_last_offset_empty", lambda fw, w: F(fw).embedding_bag(
        fw.tensor([1, 2]), w, fw.tensor([], dtype=fw.int64), include_last_offset=True), Sample("no_offsets", (T(5, 2),)),
        RuntimeError),
    ErrorCase("offsets_2d", lambda fw, w: F(fw).embedding_bag(fw.tensor([1, 2]), w, fw.tensor([[0]])),
              Sample("2d_offsets", (T(5, 2),)), ValueError),
    ErrorCase("float_indices", lambda fw, w: F(fw).embedding_bag(fw.tensor([1.0]), w, fw.tensor([0])),
              Sample("float_ids", (T(5, 2),)), RuntimeError),
    ErrorCase("bad_mode", lambda fw, w: F(fw).embedding_bag(fw.tensor([[1, 2]]), w, mode="min"), Sample("min", (T(5, 2),)),
              ValueError),
    ErrorCase("integer_weight", lambda fw: F(fw).embedding_bag(fw.tensor([1]), fw.ones(5, 2, dtype=fw.int32),
                                                               fw.tensor([0])), Sample("int_weight", ()),
              RuntimeError),
    ErrorCase("index_out_of_range_sum", lambda fw, w: F(fw).embedding_bag(fw.tensor([1, 5, 2]), w,
                                                                           fw.tensor([0, 2]), mode="sum"),
              Sample("id5", (T(5, 2),)), RuntimeError),
    ErrorCase("index_out_of_range_padding", lambda fw, w: F(fw).embedding_bag(fw.tensor([1, 5, 2]), w,
                                                                               fw.tensor([0, 2]), padding_idx=0),
              Sample("id5", (T(5, 2),)), RuntimeError),
    ErrorCase("index_out_of_range_max", lambda fw, w: F(fw).embedding_bag(fw.tensor([-1, 2]), w, fw.tensor([0]),
                                                                           mode="max"),
              Sample("id_minus1", (T(5, 2),)), RuntimeError),
    ErrorCase("padding_idx_out_of_range", lambda fw, w: F(fw).embedding_bag(fw.tensor([[1]]), w, padding_idx=-6),
              Sample("pad_minus6", (T(5, 2),)), RuntimeError),
    ErrorCase("per_sample_weights_shape", lambda fw, w, p: F(fw).embedding_bag(fw.tensor([[1, 2]]), w,
                                                                                per_sample_weights=p, mode="sum"),
              Sample("psw3", (T(5, 2), T(3))), ValueError),
    ErrorCase("per_sample_weights_mean", lambda fw, w, p: F(fw).embedding_bag(fw.tensor([[1, 2]]), w,
                                                                               per_sample_weights=p),
              Sample("mean", (T(5, 2), T(1, 2))), NotImplementedError),
    ErrorCase("per_sample_weights_dtype", lambda fw, w, p: F(fw).embedding_bag(
        fw.tensor([[1, 2]]), w, per_sample_weights=p.double(), mode="sum"), Sample("double", (T(5, 2), T(1, 2))),
        RuntimeError),
    ErrorCase("max_scale_grad_by_freq", lambda fw, w: F(fw).embedding_bag(fw.tensor([[1]]), w, mode="max",
                                                                           scale_grad_by_freq=True),
              Sample("max_freq", (T(5, 2),)), ValueError),
    ErrorCase("max_sparse", lambda fw, w: F(fw).embedding_bag(fw.tensor([[1]]), w, mode="max", sparse=True),
              Sample("max_sparse", (T(5, 2),)), ValueError),
    ErrorCase("empty_rows_2d", lambda fw, w: F(fw).embedding_bag(fw.zeros(2, 0, dtype=fw.int64), w),
              Sample("2x0", (T(5, 2),)), RuntimeError),
)

FUNCTIONAL_SPECS = [
    *(OpSpec("nn.functional.embedding_bag", lambda fw, w, ids, offsets=None, **kw: _bag_kwargs(fw, w, ids, offsets, **kw),
             _samples(mode), ALL_FLOATING, variant=mode, errors=FUNCTIONAL_ERRORS if mode == "mean" else (),
             **NO_GRADGRAD)
      for mode in ("mean", "sum", "max")),
    OpSpec("nn.functional.embedding_bag", lambda fw, w, p, ids, offsets=None, **kw: _weighted_bag(fw, w, p, ids,
                                                                                                   offsets, **kw),
           (Sample("offsets", (T(6, 3), T(8), Arg(value=IDS), Arg(value=[0, 3, 5])), {"mode": "sum"}),
            Sample("bags_2d", (T(6, 3), T(2, 3), Arg(value=BAGS_2D)), {"mode": "sum"}),
            Sample("padding_idx", (T(6, 3), T(6), Arg(value=REPEATS), Arg(value=[0, 2])),
                   {"mode": "sum", "padding_idx": 3})),
           ALL_FLOATING, variant="per_sample_weights", **NO_GRADGRAD),
    # scale_grad_by_freq: torch's kernel divides the k-th distinct index's rows by the count of the k-th SORTED index
    # (REPEATS sorted is [1, 3, 3, 3, 5, 5]: index 3's rows are divided by 3, index 5's by 3, not by 2)
    OpSpec("nn.functional.embedding_bag", lambda fw, w, ids, offsets=None, **kw: _bag(fw, w, ids, offsets, **kw),
           (Sample("mean", (T(6, 3), Arg(value=REPEATS), Arg(value=[0, 2])), {"scale_grad_by_freq": True}),
            Sample("sum_padding", (T(6, 3), Arg(value=REPEATS), Arg(value=[0, 4])),
                   {"mode": "sum", "padding_idx": 1, "scale_grad_by_freq": True})),
           ALL_FLOATING, variant="scale_grad_by_freq", xfails=(FREQUENCY_GRADCHECK,), **NO_GRADGRAD),
    # max_norm renormalizes the rows read in place before the bags: finite differences of such a function perturb a
    # table the forward rewrites, so only forward and backward against torch are compared
    OpSpec("nn.functional.embedding_bag", lambda fw, w, ids, offsets, **kw: _renormed(fw, w, ids, offsets, **kw),
           (Sample("max_norm", (T(6, 3), Arg(value=IDS), Arg(value=[0, 3])), {"max_norm": 1.0}),
            Sample("max_norm_l1_max", (T(6, 3), Arg(value=IDS), Arg(value=[0, 3])),
                   {"max_norm": 0.7, "norm_type": 1.0, "mode": "max"})),
           ALL_FLOATING, variant="max_norm", gradcheck=False, gradgrad=False),
    # sparse=True: the forward is torch's; the sparse gradient it asks for does not exist in mtv2 (see the docstring)
    OpSpec("nn.functional.embedding_bag", lambda fw, w, ids, offsets: _bag(fw, w.detach(), ids, offsets, sparse=True),
           (Sample("no_grad", (T(6, 3), Arg(value=IDS), Arg(value=[0, 3]))),), FULL, variant="sparse", grad=False),
    OpSpec("nn.EmbeddingBag.from_pretrained", lambda fw, w, ids, **kw: _pretrained(fw, w, ids, **kw),
           (Sample("frozen", (T(6, 3), Arg(value=BAGS_2D))),
            Sample("trainable_max_padding", (T(6, 3), Arg(value=BAGS_2D)),
                   {"freeze": False, "mode": "max", "padding_idx": -1})),
           # the module's Parameter is a new leaf sharing the given tensor's storage: gradients go to it, not to the
           # tensor finite differences perturb (as in torch)
           FULL, gradcheck=False, **NO_GRADGRAD),
]

SPECS = MODULE_SPECS + FUNCTIONAL_SPECS
