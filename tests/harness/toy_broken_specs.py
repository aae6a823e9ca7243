"""Toy cases for the sample-validity self-test (tests/harness/test_sample_validity.py), loaded with
`pytest --extra-specs`; never in the tables."""
from conformance.inputs import Sample, T
from conformance.spec import ErrorCase, OpSpec

VECTOR = Sample("vector", (T(5),))

SPECS = [
    # `treshold=` is a typo of softplus's `threshold=`: torch raises TypeError in every dtype, so every row of
    # the sample must fail as a broken sample instead of passing as "both raise TypeError"
    OpSpec("toy_misspelt", lambda fw, a, **kw: fw.nn.functional.softplus(a, **kw),
           (Sample("vector", (T(5),), {"treshold": 10.0}), Sample("matrix", (T(3, 4),), {"threshold": 10.0})),
           ("float32", "float64")),
    # softplus refuses integers: the int64 row is behaviour to match (both raise), the float32 row runs
    OpSpec("toy_float_only", lambda fw, a: fw.nn.functional.softplus(a), (VECTOR,), ("int64", "float32"),
           errors=(
               # an error row still needs torch's exact class: a softplus of a string is a TypeError ...
               ErrorCase("string_input", lambda fw, a: fw.nn.functional.softplus("x"), VECTOR, TypeError),
               # ... and declaring the wrong class is a spec error, not a pass
               ErrorCase("wrong_class", lambda fw, a: fw.nn.functional.softplus("x"), VECTOR, ValueError))),
]
