"""matmul in all its shapes: vector.vector, matrix.vector, batched with broadcasting, empty inner
dimension; as the function, the method and the @ operator."""
from conformance.frameworks import DTYPES
from conformance.inputs import Sample, T
from conformance.spec import ErrorCase, OpSpec

SAMPLES = (Sample("vector_vector", (T(3), T(3))),
           Sample("matrix_vector", (T(2, 3), T(3))),
           Sample("vector_matrix", (T(3), T(3, 4))),
           Sample("matrix_matrix", (T(2, 3), T(3, 4))),
           Sample("batched_matrix", (T(2, 2, 3), T(3, 4))),
           Sample("broadcast_batches", (T(2, 1, 2, 3), T(3, 3, 2))),
           Sample("transposed_lhs", (T(2, 3, layout="transposed"), T(3, 4))),
           Sample("strided_rhs", (T(2, 3), T(3, 4, layout="strided"))),
           Sample("empty_inner", (T(2, 0), T(0, 3))))
ERRORS = (ErrorCase("inner_mismatch", lambda fw, a, b: fw.matmul(a, b),
                    Sample("2x3_and_4x2", (T(2, 3), T(4, 2))), RuntimeError),
          ErrorCase("zero_dim", lambda fw, a, b: fw.matmul(a, b),
                    Sample("0d_and_matrix", (T(), T(3, 4))), RuntimeError))

SPECS = [
    OpSpec("matmul", lambda fw, a, b: fw.matmul(a, b), SAMPLES, DTYPES, errors=ERRORS),
    OpSpec("Tensor.matmul", lambda fw, a, b: a.matmul(b), SAMPLES[2:4], DTYPES),
    OpSpec("Tensor.__matmul__", lambda fw, a, b: a @ b, SAMPLES[:5], DTYPES),
]
