"""Sample validity: a sample meant to run that torch rejects in every dtype it runs in is a broken case.

Where torch raises, a check normally passes when mtv2 raises the same class ("both raise"): torch refusing
integer inputs of a float-only op is behaviour to match. But a sample torch refuses in *every* dtype of its
case table is no such thing: it is a mistake in the spec (a misspelt keyword, a shape that cannot work) and
would hide everything behind matching TypeErrors. Deliberate bad inputs are ErrorCase rows instead.

The verdict is a pure function of the spec and the sample: when torch raises on a case's sample, torch's
forward is run on that sample's inputs in each of its other dtypes (each drawn from its own case id, exactly
as that case draws them). So a row is the same whichever worker runs it and whatever -k selects. The verdict
is cached per process, and only samples torch refuses somewhere pay for the extra torch calls.
"""
from conformance.inputs import build, draw_sample
from conformance.outcome import exception_text, timed

_VERDICTS = {}   # (kind, name, variant) -> tuple of dtypes torch rejects the sample in, or None


def _sample_cases(case):
    """The cases running `case`'s sample: the same spec and sample, every dtype the table runs it in."""
    from conformance.cases import cases_of
    return [c for c in cases_of(case.spec) if c.error is None and c.variant == case.variant]


def _torch_forward_raises(torch, case):
    drawn = draw_sample(case.sample, case.dtype, case.spec.domains, case.case_id)
    state = torch.random.get_rng_state()   # a probe must not move the stream a later random case reads
    try:
        ran = timed(lambda: case.spec.fn(torch, *build(torch, drawn)[0], **case.sample.kwargs))
    finally:
        torch.random.set_rng_state(state)
    return ran.exception is not None


def rejected_everywhere(case, torch):
    """The dtypes torch rejects `case`'s sample in, when that is every dtype it runs in; else None."""
    if case.error is not None:
        return None
    key = (case.kind, case.spec.name, case.variant)
    if key not in _VERDICTS:
        dtypes = []
        for other in _sample_cases(case):
            if not _torch_forward_raises(torch, other):
                dtypes = None
                break
            dtypes.append(other.dtype)
        _VERDICTS[key] = tuple(dtypes) if dtypes else None
    return _VERDICTS[key]


def broken_detail(case, torch, exception):
    """The row detail when `case`'s sample is broken (torch rejects it in every dtype); else None."""
    dtypes = rejected_everywhere(case, torch)
    if dtypes is None:
        return None
    return (f"broken sample: torch rejects it in every dtype it runs in: {exception_text(exception)} "
            f"(rejected in {', '.join(dtypes)})")
