"""Specs expanded into cases: one per (spec, sample, dtype) and one per error case.

A case knows, before running, which checks it will produce rows for; that plan lets the
controller write error rows for a case whose worker died.
"""
import importlib.util
from dataclasses import dataclass

from conformance.frameworks import FLOATING
from conformance.spec import ErrorCase, OpSpec

@dataclass(frozen=True)
class Case:
    case_id: str
    kind: str
    spec: OpSpec
    variant: str
    dtype: str
    sample: object
    checks: tuple
    error: ErrorCase | None = None

    def row_name(self, check):
        if check == "inplace" and self.spec.inplace_name:
            return self.spec.inplace_name
        return self.spec.name


def _tensor_args_can_grad(sample, dtype):
    return any(not a.scalar and a.value is None and (a.dtype or dtype) in FLOATING
               and a.requires_grad is not False for a in sample.args)


def planned_checks(spec, sample, dtype):
    checks = ["forward"]
    if spec.grad and dtype in FLOATING and _tensor_args_can_grad(sample, dtype):
        checks.append("backward")
        if dtype == spec.gradient_dtype():
            checks += ["gradcheck"] if spec.gradcheck else []
            checks += ["gradgrad"] if spec.gradgrad else []
    if spec.alias:
        checks.append("alias")
    if spec.inplace is not None and (spec.inplace_samples is None or
                                     sample.name in {s.name for s in spec.inplace_samples}):
        checks.append("inplace")
    if spec.roundtrip is not None and sample.name == spec.samples[0].name:
        checks.append("state_dict")   # a property of the module, not of the input: once per dtype
    return tuple(checks)


def cases_of(spec):
    cases = []
    for dtype in spec.dtypes:
        for sample in spec.samples:
            if sample.only_dtypes is not None and dtype not in sample.only_dtypes:
                continue
            variant = f"{spec.variant}-{sample.name}" if spec.variant else sample.name
            cases.append(Case(f"{spec.kind}/{spec.name}/{variant}/{dtype}", spec.kind, spec, variant, dtype,
                              sample, planned_checks(spec, sample, dtype)))
    for error in spec.errors:
        for dtype in error.dtypes:
            variant = f"error-{error.label}"
            cases.append(Case(f"{spec.kind}/{spec.name}/{variant}/{dtype}", spec.kind, spec, variant, dtype,
                              error.sample, ("error",), error))
    return cases


def load_spec_file(path):
    """Specs from a file outside the package (the harness's self-tests register toy ops so)."""
    module_spec = importlib.util.spec_from_file_location(f"extra_specs_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return list(module.SPECS)


def all_cases(extra_spec_files=()):
    from conformance.specs import all_specs
    specs = all_specs()
    for path in extra_spec_files:
        specs += load_spec_file(path)
    cases = [case for spec in specs for case in cases_of(spec)]
    seen = set()
    for case in cases:
        if case.case_id in seen:
            raise ValueError(f"duplicate case id {case.case_id}: give one of the specs a variant")
        seen.add(case.case_id)
    return cases


def group_cases(cases):
    """{test id: [cases]}: one pytest test per (spec, dtype), so pytest's and xdist's per-test cost
    is paid ~10x less often than one test per case. Ids read like case ids minus the sample:
    op/add/float32, op/add/alpha2/float32; `-k "add and float32"` selects them."""
    groups = {}
    for case in cases:
        parts = [case.kind, case.spec.name] + ([case.spec.variant] if case.spec.variant else [])
        groups.setdefault("/".join(parts + [case.dtype]), []).append(case)
    return groups


def case_by_id(case_id, extra_spec_files=()):
    for case in all_cases(extra_spec_files):
        if case.case_id == case_id:
            return case
    raise KeyError(f"no case {case_id!r}; list them with: pytest conformance --collect-only -q")
