"""einsum (mtv2/ops/einsum.py): explicit and implicit output, ellipsis, repeated subscripts (diagonals, traces),
several operands, the operand-list and sublist call forms, views where torch returns one; torch refuses mixed dtypes
in a contraction, while its broadcast products promote."""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec


def E(equation, *shapes_or_args):
    """The equation travels as the first positional value; the operands follow."""
    return (Arg(value=equation),) + tuple(a if isinstance(a, Arg) else T(*a) for a in shapes_or_args)


EINSUM_SAMPLES = (
    Sample("matmul", E("ij,jk->ik", (2, 3), (3, 4))),
    Sample("matmul_implicit", E("ij,jk", (2, 3), (3, 4))),
    Sample("attention_scores", E("bhqd,bhkd->bhqk", (2, 2, 3, 4), (2, 2, 5, 4))),
    Sample("attention_context", E("bhqk,bhkd->bqhd", (2, 2, 3, 5), (2, 2, 5, 4))),
    Sample("batched_matmul", E("bij,bjk->bik", (2, 2, 3), (2, 3, 4))),
    Sample("trace", E("ii", (3, 3))),
    Sample("diagonal", E("ii->i", (3, 3))),
    Sample("diagonal_of_3d", E("iji->ji", (3, 2, 3))),
    Sample("repeated_thrice", E("iii->i", (2, 2, 2))),
    Sample("trace_times_matrix", E("ii,ij->j", (3, 3), (3, 4))),
    Sample("sum_all", E("ij->", (2, 3))),
    Sample("row_sums", E("ij->i", (2, 3))),
    Sample("transpose", E("ij->ji", (2, 3))),
    Sample("dot", E("i,i->", (4,), (4,))),
    Sample("outer", E("i,j->ij", (3,), (2,))),
    Sample("hadamard_row_sums", E("ij,ij->i", (2, 3), (2, 3))),
    Sample("summed_only_in_one_operand", E("ij,jk->k", (2, 3), (3, 4))),
    Sample("ellipsis_broadcast", E("...ij,...jk->...ik", (2, 1, 2, 3), (3, 3, 2))),
    Sample("ellipsis_implicit", E("...ij,...jk", (2, 1, 2, 3), (3, 3, 2))),
    Sample("ellipsis_in_the_middle", E("i...j,j", (2, 3, 3), (3,))),
    Sample("ellipsis_summed", E("i...->i", (2, 3, 2))),
    Sample("ellipsis_elementwise", E("...,...->...", (2, 3), (3,))),
    Sample("three_operands", E("ij,jk,kl->il", (2, 3), (3, 4), (4, 2))),
    Sample("three_operands_implicit", E("ij,jk,kl", (2, 3), (3, 4), (4, 2))),
    Sample("bilinear", E("bn,anm,bm->ba", (2, 3), (4, 3, 2), (2, 2))),
    Sample("four_operands", E("i,i,i,i->", (3,), (3,), (3,), (3,))),
    Sample("spaces", E(" ij , jk -> ik ", (2, 3), (3, 4))),
    Sample("uppercase_implicit", E("Ba,aC", (2, 3), (3, 2))),
    Sample("size_1_broadcasts", E("ij,jk->ik", (2, 1), (3, 2))),
    Sample("size_1_everywhere", E("ij,jk->ijk", (2, 1), (1, 3))),
    Sample("0d_operands", E(",->", (), ())),
    Sample("vector_times_0d", E("i,->i", (3,), ())),
    Sample("empty_contraction", E("ij,jk->ik", (2, 0), (0, 3))),
    Sample("transposed_strided", E("ij,jk->ik", T(2, 3, layout="transposed"), T(3, 2, layout="strided"))),
    Sample("expanded_offset", E("bij,bjk->bik", T(2, 2, 3, layout="expanded"), T(2, 3, 2, layout="offset"))),
    Sample("promotes_without_contraction", E("ij,ij->ij", (2, 3), T(2, 3, dtype="float64"))),
)
EINSUM_VIEWS = (Sample("transpose", E("ij->ji", (2, 3))),
                Sample("diagonal", E("ii->i", (3, 3))),
                Sample("ellipsis_permute", E("i...->...i", (2, 3, 2))))


def _einsum(fw, equation, *operands):
    return fw.einsum(equation, *operands)


def _einsum_error(equation, *shapes):
    return Sample("equation", E(equation, *shapes))


BAD_EQUATIONS = (  # (label, equation, operand shapes): torch raises RuntimeError for each
    ("invalid_subscript", "i1,i->", ((3,), (3,))),
    ("more_operands_than_terms", "i->", ((3,), (3,))),
    ("fewer_operands_than_terms", "i,i->", ((3,),)),
    ("subscripts_do_not_match_dims", "ij->", ((3,),)),
    ("more_subscripts_than_dims", "ijk...->", ((2, 3),)),
    ("sizes_do_not_broadcast", "i,i->", ((3,), (4,))),
    ("repeated_subscript_sizes_differ", "ii->i", ((3, 4),)),
    ("output_subscript_not_in_inputs", "i->j", ((3,),)),
    ("output_subscript_repeated", "i->ii", ((3,),)),
    ("two_arrows", "i->i->i", ((3,),)),
    ("broken_ellipsis", "i.j", ((2, 3),)),
    ("two_ellipses", "......->", ((2,),)),
    ("ellipsis_sizes_do_not_broadcast", "...ij,...jk->...ik", ((2, 2, 3), (3, 3, 4))),
)
EINSUM_ERRORS = tuple(ErrorCase(label, _einsum, _einsum_error(equation, *shapes), RuntimeError)
                      for label, equation, shapes in BAD_EQUATIONS) + (
    ErrorCase("contraction_of_mixed_dtypes", _einsum, Sample("float32_and_float64", E(
        "ij,jk", (2, 3), T(3, 4, dtype="float64"))), RuntimeError),
    ErrorCase("no_operands", lambda fw, equation: fw.einsum(equation), Sample("equation_only", (Arg(value="->"),)),
              ValueError),
    ErrorCase("operand_not_a_tensor", lambda fw, equation: fw.einsum(equation, [1, 2]),
              Sample("list_of_ints", (Arg(value="i->"),)), TypeError),
    ErrorCase("equation_not_a_string", lambda fw, a: fw.einsum(1, a), Sample("int", (T(2),)), TypeError),
)

SPECS = [
    OpSpec("einsum", _einsum, EINSUM_SAMPLES, DTYPES, errors=EINSUM_ERRORS),
    OpSpec("einsum", lambda fw, equation, *operands: fw.einsum(equation, list(operands)),
           tuple(s for s in EINSUM_SAMPLES if s.name in ("matmul", "trace", "three_operands", "ellipsis_broadcast")),
           DTYPES, variant="operand_list"),
    # sublist form: einsum(a, [0, 1], b, [1, 2], [0, 2])
    OpSpec("einsum", lambda fw, a, b: fw.einsum(a, [0, Ellipsis, 1], b, [1, 2], [Ellipsis, 0, 2]),
           (Sample("batched_matmul", (T(2, 3, 4), T(4, 2))),), DTYPES, variant="sublists"),
    # one operand without a sum is a permutation or a diagonal: a view of the operand, as in torch
    OpSpec("einsum", _einsum, EINSUM_VIEWS, DTYPES, variant="views", alias=True),
]
