"""The same code on both frameworks: torch's OpInfo callables rebound to mtv2.

Many OpInfos call their op through a small lambda (`lambda x, *args: x.sum_to_size(*args)`,
`lambda weight, idx, **kw: torch.nn.functional.embedding(idx, weight, **kw)`). `rebind(fn, mtv2)` is that
lambda's own code with its global `torch` bound to mtv2: contract 1's "one function, two frameworks". Only code
whose globals are `torch` and builtins (and whose closure holds plain values) is rebound, plus the test helpers in
TRANSLATED_HELPERS, each replaced by a faithful translation of its own code onto fw; anything else (a helper that
reaches real torch) is refused with the reason, never half-translated.
"""
import builtins
import dis
import functools
import sys
import types

SAFE_MODULES = {"math", "operator", "numpy", "itertools", "functools"}


class NotRebindable(Exception):
    pass


def wrapper_set_seed_on(fw):
    """torch.testing._utils.wrapper_set_seed on fw: under freeze_rng_state (the generator's state saved, restored on
    the way out, an exception included), manual_seed(42), then the op. Its lazy-device mark_step and its dispatch
    guards do nothing on the CPU."""
    def wrapper_set_seed(op, *args, **kwargs):
        state = fw.get_rng_state()
        try:
            fw.manual_seed(42)
            return op(*args, **kwargs)
        finally:
            fw.set_rng_state(state)
    return wrapper_set_seed


# torch's test helpers OpInfo lambdas call, by (module, name), with their translation onto fw. Why these may be
# translated: wrapper_set_seed only fixes the seed around the call (random ops: dropout, rrelu, bernoulli, randn,
# multinomial, ...), so the translated lambda is the same test run on mtv2's own generator, whose CPU streams are
# torch's; the rows then compare torch's stream with mtv2's.
TRANSLATED_HELPERS = {("torch.testing._utils", "wrapper_set_seed"): wrapper_set_seed_on}


def _translated_helper(value, fw):
    """The translation of a TRANSLATED_HELPERS function onto fw, or None for any other value (a function of the
    same name elsewhere is not the helper: it must be the very object its module holds)."""
    if not isinstance(value, types.FunctionType):
        return None
    key = (value.__module__, value.__qualname__)
    if key not in TRANSLATED_HELPERS or getattr(sys.modules.get(key[0]), key[1], None) is not value:
        return None
    return TRANSLATED_HELPERS[key](fw)


def _global_names(code):
    names = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def describe(fn):
    """A name for OpInfo code that is the same in every process (a repr would carry a memory address)."""
    if isinstance(fn, functools.partial):
        keywords = ", ".join(f"{k}={v!r}" for k, v in sorted(fn.keywords.items()))
        return f"functools.partial({describe(fn.func)}{', ' + keywords if keywords else ''})"
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__
    return f"{getattr(fn, '__module__', None) or type(fn).__module__}.{name}"


def _is_opinfo_code(value):
    """A function of torch's test code itself (sample_inputs_svd's `uniformize`, which its output_process_fn_grad
    closes over): rebound by the same rules, recursively. torch's library functions are not: their code is torch's."""
    return isinstance(value, types.FunctionType) and (value.__module__ or "").startswith("torch.testing._internal")


def _portable_value(value, torch, fw):
    """A default or closure value as fw sees it: torch's dtypes and memory formats by name."""
    if isinstance(value, torch.dtype):
        return getattr(fw, str(value).rsplit(".", 1)[-1])
    if isinstance(value, torch.memory_format):
        name = str(value).rsplit(".", 1)[-1]
        if not hasattr(fw, name):
            raise NotRebindable(f"{fw.__name__} has no {name}")
        return getattr(fw, name)
    if _is_opinfo_code(value):
        return rebind(value, torch, fw)
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType)) or isinstance(value, torch.Tensor):
        raise NotRebindable(f"it captures {describe(value) if callable(value) else 'a tensor'}")
    return value


def rebind(fn, torch, fw):
    """fn's code running against fw (fn itself when fw is torch). Raises NotRebindable with the reason."""
    if fw is torch:
        return fn
    helper = _translated_helper(fn, fw)
    if helper is not None:
        return helper     # OpInfo's gradcheck_wrapper may be the helper itself
    if not isinstance(fn, types.FunctionType):
        raise NotRebindable(f"{describe(fn)} is not Python code")
    namespace = {"__builtins__": builtins}
    for name in sorted(_global_names(fn.__code__)):
        if name == "torch":
            namespace[name] = fw
        elif hasattr(builtins, name):
            continue
        elif isinstance(fn.__globals__.get(name), types.ModuleType) and \
                fn.__globals__[name].__name__.split(".")[0] in SAFE_MODULES:
            namespace[name] = fn.__globals__[name]
        elif _translated_helper(fn.__globals__.get(name), fw) is not None:
            namespace[name] = _translated_helper(fn.__globals__[name], fw)
        else:
            raise NotRebindable(f"{fn.__qualname__} calls {name}, which is torch-side code")
    closure = None
    if fn.__closure__:
        closure = tuple(types.CellType(_portable_value(cell.cell_contents, torch, fw)) for cell in fn.__closure__)
    defaults = tuple(_portable_value(v, torch, fw) for v in fn.__defaults__) if fn.__defaults__ else None
    rebound = types.FunctionType(fn.__code__, namespace, fn.__name__, defaults, closure)
    if fn.__kwdefaults__:
        rebound.__kwdefaults__ = {k: _portable_value(v, torch, fw) for k, v in fn.__kwdefaults__.items()}
    return rebound


def _cell_value(cell):
    try:
        return cell.cell_contents
    except ValueError:   # an empty cell: not a tensor either
        return None


def missing_names(fn, torch, fw):
    """What fn's code reaches that fw lacks: `torch.a.b` chains resolved in fw, and attributes torch.Tensor has
    (x.mH, x.resize_) looked up on fw.Tensor. A lambda calling torch.polygamma does not map to an mtv2 without one.
    A translated helper's own code is not scanned: its translation is what runs."""
    missing = []
    if _translated_helper(fn, fw) is not None:
        return missing

    def resolve(chain):
        target = fw
        for part in chain:
            target = getattr(target, part, None)
        if target is None:
            missing.append(".".join(chain))

    # closure variables that are no tensor (sample_inputs_linalg_lu's out_fn reads `op_info.name`): their attributes
    # are not Tensor attributes
    cells = zip(fn.__code__.co_freevars, getattr(fn, "__closure__", None) or ())
    plain = {name for name, cell in cells if not isinstance(_cell_value(cell), torch.Tensor)}

    def scan(code):
        chain = None      # the attribute names after a `torch` global, while they last
        previous = None
        for instruction in dis.get_instructions(code):
            owner, previous = previous, instruction
            if instruction.opname in ("LOAD_ATTR", "LOAD_METHOD"):
                if chain is not None:
                    chain.append(instruction.argval)
                elif code is fn.__code__ and owner is not None and owner.opname == "LOAD_DEREF" and \
                        owner.argval in plain:
                    pass
                elif hasattr(torch.Tensor, instruction.argval) and not hasattr(fw.Tensor, instruction.argval):
                    missing.append(f"Tensor.{instruction.argval}")
                continue
            if chain:
                resolve(chain)
            chain = [] if instruction.opname == "LOAD_GLOBAL" and instruction.argval == "torch" else None
        if chain:
            resolve(chain)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                scan(const)
    scan(fn.__code__)
    for cell in getattr(fn, "__closure__", None) or ():
        if _is_opinfo_code(cell.cell_contents):
            missing += missing_names(cell.cell_contents, torch, fw)
    return sorted(set(missing))


def is_identity(fn):
    """`lambda x: x` (SampleInput's default output_process_fn_grad), recognised by its code."""
    code = getattr(fn, "__code__", None)
    return code is not None and code.co_argcount == 1 and \
        [i.opname for i in dis.get_instructions(code) if i.opname not in ("RESUME",)] == ["LOAD_FAST", "RETURN_VALUE"]
