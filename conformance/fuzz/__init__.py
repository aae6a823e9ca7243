"""Property-based conformance (issue 10): hypothesis draws shapes, dtypes, layouts, values, indices and op chains;
each property runs every drawn example on torch and on mtv2 and becomes ONE parity row (kind=fuzz).

strategies.py draws the inputs, harness.py runs and compares them and turns a property run into a row,
pointwise.py and structure.py hold the properties (PROPERTIES below), conformance/test_fuzz.py runs them.
Deterministic: derandomized, a fixed example budget; MTV2_FUZZ_DEEP=<factor> multiplies the budget.
"""
from conformance.fuzz.pointwise import POINTWISE_PROPERTIES
from conformance.fuzz.structure import STRUCTURE_PROPERTIES

PROPERTIES = POINTWISE_PROPERTIES + STRUCTURE_PROPERTIES
