"""The QR decomposition (mtv2/ops/linalg_qr.py): linalg.qr in its three modes and torch.qr / Tensor.qr (some=); geqrf,
linalg.householder_product / orgqr and ormqr (rows at the end); on wide, tall, square, batched, non-contiguous and
empty matrices. Q and R are compared as they are: geqrf's Householder
signs are LAPACK's and agreed with torch's on every sample measured (OpInfo's and these). torch refuses half and
integer types; the backward refuses mode 'r' (no Q) and a complete Q of a tall matrix (error rows below)."""
from conformance.frameworks import DTYPES
from conformance.inputs import Arg, Sample, T
from conformance.spec import ErrorCase, OpSpec

MATRICES = (Sample("wide", (T(3, 5),)),
            Sample("tall", (T(5, 3),)),
            Sample("square", (T(4, 4),)),
            Sample("batched_wide", (T(2, 3, 4),)),
            Sample("batched_tall", (T(2, 1, 4, 2),)),
            Sample("transposed", (T(4, 3, layout="transposed"),)),
            Sample("strided", (T(3, 4, layout="strided"),)),
            Sample("offset", (T(2, 3, layout="offset"),)),
            Sample("1x1", (T(1, 1),)),
            Sample("row", (T(1, 4),)),
            Sample("column", (T(4, 1),)))
EMPTY = (Sample("0x3", (T(0, 3),)), Sample("3x0", (T(3, 0),)), Sample("0x0", (T(0, 0),)),
         Sample("empty_batch", (T(0, 3, 2),)), Sample("batch_of_3x0", (T(2, 3, 0),)))
# the complete factorization is differentiable when Q is determined: not for a tall matrix
NOT_TALL = tuple(s for s in MATRICES if s.name not in ("tall", "batched_tall", "transposed", "column"))
TALL = tuple(s for s in MATRICES if s.name in ("tall", "batched_tall", "transposed", "column"))


def _qr(fw, a, **kw):
    return fw.linalg.qr(a, **kw)


def _backward_of(fw, a, mode, which):
    """torch refuses these derivatives in backward, not in the forward."""
    a = a.detach().requires_grad_()
    fw.linalg.qr(a, mode=mode)[which].sum().backward()


def _qr_out(fw, a):
    Q, R = fw.linalg.qr(a)
    return fw.linalg.qr(a, out=(fw.empty_like(Q), fw.empty_like(R)))


QR_ERRORS = (
    ErrorCase("mode_x", lambda fw, a: fw.linalg.qr(a, mode="x"), Sample("3x4", (T(3, 4),)), RuntimeError),
    ErrorCase("vector", lambda fw, a: fw.linalg.qr(a), Sample("4", (T(4),)), RuntimeError),
    ErrorCase("list_input", lambda fw: fw.linalg.qr([[1.0, 2.0]]), Sample("none", ()), TypeError),
    ErrorCase("backward_of_mode_r", lambda fw, a: _backward_of(fw, a, "r", 1), Sample("3x4", (T(3, 4),)),
              RuntimeError, ("float32", "float64")),
    ErrorCase("backward_of_complete_tall_q", lambda fw, a: _backward_of(fw, a, "complete", 0),
              Sample("4x3", (T(4, 3),)), RuntimeError, ("float32", "float64")),
    ErrorCase("backward_of_complete_tall_r", lambda fw, a: _backward_of(fw, a, "complete", 1),
              Sample("4x3", (T(4, 3),)), RuntimeError, ("float32", "float64")))

SPECS = [
    OpSpec("linalg.qr", _qr, MATRICES, DTYPES, errors=QR_ERRORS),
    OpSpec("linalg.qr", lambda fw, a: _qr(fw, a, mode="complete"), NOT_TALL, ("float32", "float64"),
           variant="complete"),
    OpSpec("linalg.qr", lambda fw, a: _qr(fw, a, mode="complete"), TALL, ("float32", "float64"),
           variant="complete_tall", grad=False),
    OpSpec("linalg.qr", lambda fw, a: _qr(fw, a, mode="r"), MATRICES, ("float32", "float64"), variant="r",
           grad=False),
    OpSpec("linalg.qr", lambda fw, a, mode: _qr(fw, a, mode=mode),
           tuple(Sample(f"{s.name}_{mode}", s.args + (Arg(value=mode),)) for s in EMPTY
                 for mode in ("reduced", "complete", "r")), ("float32", "float64"), variant="empty", grad=False),
    OpSpec("linalg.qr", _qr_out, MATRICES[:2], ("float32", "float64"), variant="out", grad=False),
    OpSpec("qr", lambda fw, a, *args: fw.qr(a, *args),
           (Sample("wide", (T(3, 5),)), Sample("tall", (T(5, 3),)),
            Sample("tall_some_false", (T(5, 3), Arg(value=False))),
            Sample("batched_some_false", (T(2, 3, 4), Arg(value=False)))), DTYPES, grad=False),
    OpSpec("qr", lambda fw, a, *args: fw.qr(a, *args),
           (Sample("wide", (T(3, 5),)), Sample("tall", (T(5, 3),)),
            Sample("wide_some_false", (T(3, 5), Arg(value=False)))), ("float32", "float64"), variant="differentiable"),
    OpSpec("Tensor.qr", lambda fw, a, **kw: a.qr(**kw), (Sample("tall", (T(5, 3),)),
                                                          Sample("square_some_false", (T(3, 3),), {"some": False})),
           ("float32", "float64")),
]


# geqrf (LAPACK's packed Householder form, no derivative), linalg.householder_product / orgqr and ormqr (products of
# the reflectors, differentiated through them). tau = 2 / |v|^2 makes each reflector orthogonal, as geqrf's are: the
# products stay well conditioned (OpInfo's random tau are not: opinfo/known.py)
def _orthogonal_tau(fw, a, k):
    vectors = a[..., :, :k].tril(-1) + fw.eye(a.shape[-2], k, dtype=a.dtype)
    return 2 / (vectors * vectors).sum(-2)


def _householder(fw, a, k, name="linalg"):
    function = fw.linalg.householder_product if name == "linalg" else fw.orgqr
    return function(a, _orthogonal_tau(fw, a, k))


def _ormqr(fw, a, c, k, **kw):
    return fw.ormqr(a, _orthogonal_tau(fw, a, k), c, **kw)


HOUSEHOLDER = (Sample("5x3_k3", (T(5, 3), Arg(value=3))), Sample("5x3_k1", (T(5, 3), Arg(value=1))),
               Sample("square", (T(4, 4), Arg(value=4))), Sample("batched", (T(2, 4, 2), Arg(value=2))),
               Sample("transposed", (T(4, 3, layout="transposed"), Arg(value=2))))
ORMQR = (Sample("left", (T(4, 3), T(4, 2), Arg(value=3))),
         Sample("left_transpose", (T(4, 3), T(4, 2), Arg(value=3)), {"transpose": True}),
         Sample("right", (T(4, 3), T(2, 4), Arg(value=3)), {"left": False}),
         Sample("right_transpose", (T(4, 3), T(2, 4), Arg(value=3)), {"left": False, "transpose": True}),
         Sample("batched", (T(2, 4, 2), T(2, 4, 3), Arg(value=2))),
         Sample("wide_other", (T(3, 3), T(3, 5), Arg(value=3))))
SPECS += [
    OpSpec("geqrf", lambda fw, a: tuple(fw.geqrf(a)), MATRICES + EMPTY[:3], ("float32", "float64"), grad=False,
           errors=(ErrorCase("vector", lambda fw, a: fw.geqrf(a), Sample("3", (T(3),)), RuntimeError),
                   ErrorCase("half", lambda fw, a: fw.geqrf(a), Sample("3x3", (T(3, 3),)), NotImplementedError,
                             ("float16", "int64")),
                   ErrorCase("backward", lambda fw, a: fw.geqrf(a.detach().requires_grad_())[0].sum().backward(),
                             Sample("3x3", (T(3, 3),)), RuntimeError))),
    OpSpec("linalg.householder_product", _householder, HOUSEHOLDER, ("float32", "float64"),
           errors=(ErrorCase("wide", lambda fw, a, t: fw.linalg.householder_product(a, t),
                             Sample("3x4", (T(3, 4), T(2))), RuntimeError),
                   ErrorCase("tau_too_long", lambda fw, a, t: fw.linalg.householder_product(a, t),
                             Sample("4x2", (T(4, 2), T(3))), RuntimeError),
                   ErrorCase("half", lambda fw, a, t: fw.linalg.householder_product(a, t),
                             Sample("4x3", (T(4, 3), T(2))), NotImplementedError, ("float16",)))),
    OpSpec("orgqr", lambda fw, a, k: _householder(fw, a, k, "orgqr"), HOUSEHOLDER[:2], ("float32", "float64")),
    OpSpec("ormqr", _ormqr, ORMQR, ("float32", "float64"),
           errors=(ErrorCase("other_rows", lambda fw, a, t, c: fw.ormqr(a, t, c),
                             Sample("4x3", (T(4, 3), T(3), T(5, 2))), RuntimeError),
                   ErrorCase("tau_length", lambda fw, a, t, c: fw.ormqr(a, t, c),
                             Sample("4x3", (T(4, 3), T(2), T(4, 2))), RuntimeError))),
    OpSpec("Tensor.ormqr", lambda fw, a, c, k: a.ormqr(_orthogonal_tau(fw, a, k), c), ORMQR[:1],
           ("float32", "float64")),
]
