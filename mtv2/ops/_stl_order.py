"""The order torch's CPU topk and sort leave tied elements in: their kernels (TopKImpl.h, SortingKernel.cpp) select
and sort with the C++ standard library of the wheel's compiler (GCC's libstdc++), so which of several equal values
are chosen, and in which order, is the order these algorithms produce. Written here from their documented
behaviour step by step: introselect (nth_element), introsort (sort) and the heap-based partial_sort, on a Python list
of (value, index) pairs.

Only rows that hold ties come here (ops/scan_sort.py): without ties every correct selection gives the same answer,
which NumPy's vectorised sort computes much faster. Python loops: O(n log n) comparisons per row.
"""
_INSERTION_SORT_THRESHOLD = 16   # libstdc++'s _S_threshold


def topk_order(values, k, largest, sorted_):
    """The indices torch's topk returns for one row (a list of Python floats, NaN allowed)."""
    n = len(values)
    items = [(value, index) for index, value in enumerate(values)]
    comp = _comparator(largest)
    if k == 0:
        return []
    if k * 64 <= n:
        _partial_sort(items, 0, k, n, comp)
    else:
        _nth_element(items, 0, k - 1, n, comp)
        if sorted_:
            _sort(items, 0, k - 1, comp)
    return [index for _, index in items[:k]]


def sort_order(values, descending):
    """The indices torch's sort (stable=False) returns for one row: std::sort with NaN the largest."""
    items = [(value, index) for index, value in enumerate(values)]
    _sort(items, 0, len(items), _comparator(descending))
    return [index for _, index in items]


def _comparator(largest_first):
    """torch's comparisons of (value, index) pairs: NaN ranks above every number (x != x is NaN)."""
    if largest_first:
        return lambda x, y: (x[0] != x[0] and y[0] == y[0]) or x[0] > y[0]
    return lambda x, y: (x[0] == x[0] and y[0] != y[0]) or x[0] < y[0]


def _lg(n):
    return n.bit_length() - 1


# ---- sorting and selection by partitioning ---------------------------------------------------------------

def _move_median_to_first(items, result, a, b, c, comp):
    if comp(items[a], items[b]):
        if comp(items[b], items[c]):
            chosen = b
        elif comp(items[a], items[c]):
            chosen = c
        else:
            chosen = a
    elif comp(items[a], items[c]):
        chosen = a
    elif comp(items[b], items[c]):
        chosen = c
    else:
        chosen = b
    items[result], items[chosen] = items[chosen], items[result]


def _unguarded_partition(items, first, last, pivot, comp):
    while True:
        while comp(items[first], items[pivot]):
            first += 1
        last -= 1
        while comp(items[pivot], items[last]):
            last -= 1
        if not first < last:
            return first
        items[first], items[last] = items[last], items[first]
        first += 1


def _partition_around_median(items, first, last, comp):
    mid = first + (last - first) // 2
    _move_median_to_first(items, first, first + 1, mid, last - 1, comp)
    return _unguarded_partition(items, first + 1, last, first, comp)


def _unguarded_linear_insert(items, last, comp):
    value = items[last]
    previous = last - 1
    while comp(value, items[previous]):
        items[last] = items[previous]
        last = previous
        previous -= 1
    items[last] = value


def _insertion_sort(items, first, last, comp):
    for i in range(first + 1, last):
        if comp(items[i], items[first]):
            value = items[i]
            items[first + 1:i + 1] = items[first:i]
            items[first] = value
        else:
            _unguarded_linear_insert(items, i, comp)


def _nth_element(items, first, nth, last, comp):
    if first == last or nth == last:
        return
    depth_limit = _lg(last - first) * 2
    while last - first > 3:
        if depth_limit == 0:
            _heap_select(items, first, nth + 1, last, comp)
            items[first], items[nth] = items[nth], items[first]
            return
        depth_limit -= 1
        cut = _partition_around_median(items, first, last, comp)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(items, first, last, comp)


def _sort(items, first, last, comp):
    if first == last:
        return
    _introsort_loop(items, first, last, _lg(last - first) * 2, comp)
    if last - first > _INSERTION_SORT_THRESHOLD:
        _insertion_sort(items, first, first + _INSERTION_SORT_THRESHOLD, comp)
        for i in range(first + _INSERTION_SORT_THRESHOLD, last):
            _unguarded_linear_insert(items, i, comp)
    else:
        _insertion_sort(items, first, last, comp)


def _introsort_loop(items, first, last, depth_limit, comp):
    while last - first > _INSERTION_SORT_THRESHOLD:
        if depth_limit == 0:
            _partial_sort(items, first, last, last, comp)
            return
        depth_limit -= 1
        cut = _partition_around_median(items, first, last, comp)
        _introsort_loop(items, cut, last, depth_limit, comp)
        last = cut


# ---- heaps (partial_sort, and the fallbacks when partitioning goes too deep) --------------------------------

def _push_heap(items, first, hole, top, value, comp):
    parent = (hole - 1) // 2
    while hole > top and comp(items[first + parent], value):
        items[first + hole] = items[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    items[first + hole] = value


def _adjust_heap(items, first, hole, length, value, comp):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if comp(items[first + child], items[first + child - 1]):
            child -= 1
        items[first + hole] = items[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        items[first + hole] = items[first + child - 1]
        hole = child - 1
    _push_heap(items, first, hole, top, value, comp)


def _make_heap(items, first, last, comp):
    length = last - first
    if length < 2:
        return
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(items, first, parent, length, items[first + parent], comp)


def _pop_heap(items, first, last, result, comp):
    value = items[result]
    items[result] = items[first]
    _adjust_heap(items, first, 0, last - first, value, comp)


def _heap_select(items, first, middle, last, comp):
    _make_heap(items, first, middle, comp)
    for i in range(middle, last):
        if comp(items[i], items[first]):
            _pop_heap(items, first, middle, i, comp)


def _partial_sort(items, first, middle, last, comp):
    _heap_select(items, first, middle, last, comp)
    while middle - first > 1:
        middle -= 1
        _pop_heap(items, first, middle, middle, comp)

