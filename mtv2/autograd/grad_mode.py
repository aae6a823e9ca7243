"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode (context managers and decorators)."""
import functools


class _GradState:
    __slots__ = ("enabled", "inference")

    def __init__(self):
        self.enabled = True
        self.inference = False


state = _GradState()


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
        state.enabled = not self.mode
        state.inference = self.mode

    def __call__(self, function):
        if isinstance(function, bool):  # @inference_mode(False) style is handled by __init__
            return inference_mode(function)
        return super().__call__(function)

    def clone(self):
        return inference_mode(self.mode)
