"""The orthogonal polynomials' kernels for ops/special.py (torch.special.chebyshev_polynomial_t ...
legendre_polynomial_p).

torch's kernels (ATen/native/Math.h), step for step in the compute type: special values first (a negative order,
the interval's ends), then, for the Chebyshev kinds inside the interval and past a small order, the trigonometric
form, else the three-term recurrence, stopped early once it gives nan. The order is converted as C++'s
static_cast<int64_t> of the compute type: truncated, and a nan, an infinity or a value beyond int64 is INT64_MIN on
x86 (a negative order: the polynomial is 0). It is kept in the compute type here (a truncated float is an integer,
exact in it; int64 arrays would double float32's memory), and the kernels work on whole arrays under masks, without
int64 index arrays, for the same reason.
"""
import numpy as np


def _order(n):
    with np.errstate(invalid="ignore"):
        inside = np.isfinite(n) & (np.abs(n) < 2.0 ** 63)
        return np.where(inside, np.trunc(n), -1).astype(n.dtype, copy=False)


def _even(n):
    return np.fmod(n, 2) == 0


def _fused(a, b, c):
    """a * b + c rounded once, in b's float type: torch's kernels are compiled with fused multiply-adds (GCC
    contracts `a * b - c`), and a recurrence's results differ in the last bits at almost every step without them.
    Error-free transformations in the type itself (no float64 buffer for float32): Veltkamp's split and Dekker's
    exact product, Knuth's exact sum, the two errors summed rounded to odd, then added once (Boldo and Melquiond).
    Large finite operands, where the split would overflow, are scaled down by a power of two first (exact);
    infinite and nan operands take the plain result, which is the fused one there."""
    real = b.dtype.type
    bound, scale = (real(2.0 ** 100), real(2.0 ** -60)) if real is np.float32 else (real(2.0 ** 900), real(2.0 ** -500))
    a, c = np.broadcast_to(a, b.shape), np.broadcast_to(c, b.shape)
    with np.errstate(all="ignore"):
        fused = _fused_in_range(a, b, c)
        large = np.abs(fused) >= bound    # (nan: False) masks built in place, one temporary at a time
        for operand in (a, b, c):
            large |= ~(np.abs(operand) < bound)
        if large.any():
            # an infinite c with finite factors is the result: the fused product does not overflow
            np.copyto(fused, a * b + c, where=large)
            large &= np.isfinite(a)
            large &= np.isfinite(b)
            np.copyto(fused, c, where=large & np.isinf(c))
            large &= np.isfinite(c)
            if large.any():
                # scale the larger factor and c: the product and c keep their bits, the sum its rounding
                a_larger = np.abs(a) >= np.abs(b)
                scaled = _fused_in_range(np.where(a_larger, a * scale, a), np.where(a_larger, b, b * scale),
                                         c * scale) / scale
                np.copyto(fused, scaled, where=large)
    return fused


def _fused_in_range(a, b, c):
    real = b.dtype.type
    splitter, bits = (real(4097), np.uint32) if real is np.float32 else (real(134217729), np.uint64)

    def split(v):
        scaled = v * splitter
        high = scaled - (scaled - v)
        return high, v - high

    def two_sum(x, y):
        total = x + y
        y_part = total - x
        return total, (x - (total - y_part)) + (y - y_part)

    product = a * b
    a_high, a_low = split(a)
    b_high, b_low = split(b)
    product_error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    total, sum_error = two_sum(c, product)
    errors, rounding = two_sum(sum_error, product_error)
    inexact_even = (rounding != 0) & ((errors.view(bits) & bits(1)) == 0)
    errors[inexact_even] = np.nextafter(errors[inexact_even], np.copysign(real(np.inf), rounding[inexact_even]))
    return total + errors


def _recurrence(step, coefficient, p, q, last, eligible, stops_at_nan=True):
    """torch's loop, where `eligible`: for k = 1, 2, ... while k <= last (and q is not nan, where the loop checks
    that), r = step(k, coefficient, p, q), then p, q = q, r; each element's last r. Where the loop never runs torch
    returns r uninitialised (the Chebyshev U, V, W kinds at a nan x: whatever memory held) or its start value; nan
    here."""
    r = np.full_like(q, np.nan)
    p, q = p.copy(), q.copy()
    running = eligible & (last >= 1)
    if stops_at_nan:
        running &= ~np.isnan(q)
    k = 1
    while running.any():
        value = step(k, coefficient, p, q)
        np.copyto(r, value, where=running)
        np.copyto(p, q, where=running)
        np.copyto(q, value, where=running)
        k += 1
        running &= last >= k
        if stops_at_nan:
            running &= ~np.isnan(q)
    return r


def _select(real, n, cases, otherwise):
    """torch's if-chain: each element takes the value of its first true condition; `otherwise(rest)` (a mask of the
    elements no condition takes) elsewhere. Conditions and values are functions, called in turn, so that one mask
    at a time is alive (a bool array costs float32 a quarter of its memory)."""
    result = np.empty(n.shape, real)
    taken = np.zeros(n.shape, bool)
    for condition, value in cases:
        chosen = condition()
        chosen &= ~taken
        if chosen.any():
            np.copyto(result, np.asarray(value() if callable(value) else value, real), where=chosen)
        taken |= chosen
        del chosen
    if not taken.all():
        np.copyto(result, otherwise(~taken), where=~taken)
    return result


def _flat(x, n):
    """x and the order (in x's type) broadcast and flattened (the kernels work on 1-d arrays), and the shape."""
    x, n = np.broadcast_arrays(x, _order(n))
    return np.ascontiguousarray(x).ravel(), np.ascontiguousarray(n).ravel(), x.shape


# The Chebyshev kinds: (start q = y + y + offset, or y for T; trigonometric form above this order unshifted,
# shifted). The shifted polynomials are those of y = 2x - 1, their ends tested at x == 1 and x == 0.
_CHEBYSHEV = {"t": (None, 6, 6), "u": (0.0, 8, 6), "v": (-1.0, 8, 6), "w": (1.0, 8, 4)}


def chebyshev(kind, x, n, shifted):
    real = x.dtype.type
    x, n, shape = _flat(x, n)
    one = real(1)
    with np.errstate(all="ignore"):
        y = (x + x - one) if shifted else x
        offset, threshold, shifted_threshold = _CHEBYSHEV[kind]
        n_plus_1, twice_n_plus_1 = n + one, n + n + one
        # the values at y == 1 and (by the order's parity) at y == -1
        at_upper = {"t": one, "u": n_plus_1, "v": one, "w": twice_n_plus_1}[kind]
        at_lower = {"t": (one, -one), "u": (n_plus_1, -n_plus_1), "v": (twice_n_plus_1, -twice_n_plus_1),
                    "w": (one, -one)}[kind]
        first = y if offset is None else y + y + real(offset)

        def trigonometric():
            angle = np.arccos(y)
            half_angle = angle / real(2)
            if kind == "t":
                return np.cos(n * angle)
            if kind == "u":
                sine = np.sin(angle)
                return np.where(sine != 0, np.sin(n_plus_1 * angle) / sine,
                                n_plus_1 * np.cos(n_plus_1 * angle) / y)
            if kind == "v":
                return np.where(np.sin(half_angle) != one,
                                np.cos((n + real(0.5)) * angle)
                                / np.cos(half_angle), np.where(_even(n), twice_n_plus_1, -twice_n_plus_1))
            # where the half angle's cosine rounds to 1: torch's unshifted W gives 2n + 1 for x > 0, the shifted one
            # does not look at x
            fallback = np.where(_even(n), one, -one)
            if not shifted:
                fallback = np.where(x > 0, twice_n_plus_1, fallback)
            return np.where(np.cos(half_angle) != one,
                            np.sin((n + real(0.5)) * angle)
                            / np.sin(half_angle), fallback)

        result = _select(real, n, [
            (lambda: n < 0, real(0)),
            (lambda: x == one, at_upper),
            (lambda: (x == 0) if shifted else (x == -one), lambda: np.where(_even(n), *at_lower)),
            (lambda: (n > (shifted_threshold if shifted else threshold)) & (np.abs(y) < one), trigonometric),
            (lambda: n == 0, one), (lambda: n == 1, first)],
                         lambda rest: _recurrence(lambda k, twice_y, p, q: _fused(twice_y, q, -p), y + y,
                                                  np.ones_like(y), first, n - one, rest))
    return result.reshape(shape)


# torch's Hermite kernels give nan past this order (its recurrence would overflow anyway)
_HERMITE_LIMIT = {np.float32: 128, np.float64: 512}


def hermite(x, n, physicists):
    real = x.dtype.type
    x, n, shape = _flat(x, n)
    first = x + x if physicists else x
    with np.errstate(all="ignore"):
        if physicists:   # r = 2x q - k p for k = 2, 4, ..., 2n - 2
            step = lambda k, twice_x, p, q: _fused(twice_x, q, -(real(2 * k) * p))   # noqa: E731
        else:            # r = x q - k p for k = 1, ..., n - 1
            step = lambda k, x, p, q: _fused(x, q, -(real(k) * p))                   # noqa: E731
        result = _select(real, n, [(lambda: n < 0, real(0)), (lambda: n == 0, real(1)), (lambda: n == 1, first),
                                   (lambda: n > _HERMITE_LIMIT[real], real(np.nan))],
                         lambda rest: _recurrence(step, first if physicists else x, np.ones_like(x), first,
                                                  n - real(1), rest, stops_at_nan=False))
    return result.reshape(shape)


def laguerre(x, n):
    real = x.dtype.type
    x, n, shape = _flat(x, n)
    one = real(1)
    with np.errstate(all="ignore"):
        one_minus_x = one - x
        # r = ((2k + (1 - x)) q - k p) / (k + 1)
        step = lambda k, one_minus_x, p, q: _fused(real(k + k) + one_minus_x, q, -(real(k) * p)) / real(k + 1)  # noqa
        result = _select(real, n, [(lambda: n < 0, real(0)), (lambda: np.abs(x) == 0, one), (lambda: n == 0, one),
                                   (lambda: n == 1, one_minus_x)],
                         lambda rest: _recurrence(step, one_minus_x, np.ones_like(x), one_minus_x, n - one, rest))
    return result.reshape(shape)


def legendre(x, n):
    real = x.dtype.type
    x, n, shape = _flat(x, n)
    one = real(1)
    with np.errstate(all="ignore"):
        # r = ((2k + 1) x q - k p) / (k + 1)
        step = lambda k, x, p, q: _fused(real(k + k + 1) * x, q, -(real(k) * p)) / real(k + 1)  # noqa: E731
        result = _select(real, n, [(lambda: n < 0, real(0)),
                                   (lambda: np.abs(x) == one, lambda: np.where((x > 0) | _even(n), one, -one)),
                                   (lambda: n == 0, one), (lambda: n == 1, x)],
                         lambda rest: _recurrence(step, x, np.ones_like(x), x, n - one, rest))
    return result.reshape(shape)
