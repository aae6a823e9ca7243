"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode (context managers and decorators).

The modes are per thread, as in torch: a new thread starts with grad enabled and inference mode off, whatever the
thread that started it is in.
"""
import functools
import threading


class _GradState(threading.local):
    # class-level defaults: what every thread sees until it changes its own mode
    enabled = True
    inference = False


state = _GradState()

# How many inference_mode(True) contexts are open, in all threads: while none is, no thread is in inference mode, and
# Tensor creation skips reading the thread's state (see Tensor._from_fresh).
inference_contexts = 0
_inference_lock = threading.Lock()


def is_grad_enabled():
    return state.enabled


def is_inference_mode_enabled():
    return state.inference


class _GradModeContext:
    """Base of the grad-mode managers: a context manager that also decorates functions."""

    def _enter_mode(self):
        raise NotImplementedError

    def __enter__(self):
        self._saved = (state.enabled, state.inference)
        self._enter_mode()
        return None

    def __exit__(self, *exc_info):
        state.enabled, state.inference = self._saved
        return False

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with self.clone():
                return function(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class _BareDecoratable(_GradModeContext):
    """Usable as `@no_grad()` and as a bare `@no_grad`, like torch's."""

    def __new__(cls, function=None):
        instance = super().__new__(cls)
        if function is None:
            return instance
        return instance(function)


class no_grad(_BareDecoratable):
    def __init__(self, function=None):
        pass

    def _enter_mode(self):
        state.enabled = False


class enable_grad(_BareDecoratable):
    def __init__(self, function=None):
        pass

    def _enter_mode(self):
        state.enabled = True


class set_grad_enabled(_GradModeContext):
    """Sets grad mode at construction (like torch), and restores the previous mode on exit."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._saved = (state.enabled, state.inference)
        state.enabled = self.mode

    def __enter__(self):
        # the previous mode was saved at construction, which already switched the mode
        state.enabled = self.mode
        return None

    def _enter_mode(self):
        state.enabled = self.mode

    def __exit__(self, *exc_info):
        state.enabled, state.inference = self._saved
        return False

    def __call__(self, function):
        state.enabled = self._saved[0]  # used as a decorator: the mode applies inside calls only
        return super().__call__(function)

    def clone(self):
        previous = state.enabled
        copy = set_grad_enabled(self.mode)
        state.enabled = previous  # constructing the copy must not change the mode outside the call
        return copy


class inference_mode(_GradModeContext):
    """Like no_grad here: mtv2 has no separate inference tensors, but records no graph inside it."""

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def _enter_mode(self):
        # inference_mode(False) inside inference mode turns it off and records graphs again, as torch does
        if self.mode:
            _count_inference_context(1)
        state.enabled = not self.mode
        state.inference = self.mode

    def __exit__(self, *exc_info):
        super().__exit__(*exc_info)
        if self.mode:
            _count_inference_context(-1)
        return False

    def __call__(self, function):
        if isinstance(function, bool):  # @inference_mode(False) style is handled by __init__
            return inference_mode(function)
        return super().__call__(function)

    def clone(self):
        return inference_mode(self.mode)


def _count_inference_context(step):
    global inference_contexts
    with _inference_lock:
        inference_contexts += step
