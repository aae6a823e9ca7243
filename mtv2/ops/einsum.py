"""einsum, written from other mtv2 ops (diagonal, sum, permute, reshape, mul, bmm): it needs no derivative rule
of its own, and double backward comes with theirs.

It follows the order of torch's CPU implementation, because that order decides result dtypes and errors:
repeated subscripts become diagonals; a subscript summed away that only one operand has is summed in that
operand first (an integer sum gives int64, as in torch); then the operands are contracted left to right, each
pair with one batched matrix product (bmm, which refuses mixed dtypes and bool) or, when the pair shares no
summed subscript, with a broadcast product (mul, which promotes).
"""
import string

from .._tensor import Tensor
from . import linalg, reduction
from ._surface import public

ELLIPSIS = "..."
LETTERS = string.ascii_uppercase + string.ascii_lowercase  # torch's label order: the implicit output is sorted
FIRST_ELLIPSIS_LABEL = len(LETTERS)  # labels of the dims an ellipsis covers come after the letters


@public()
def einsum(*args):
    """einsum(equation, *operands), einsum(equation, [operands]) or the sublist form einsum(a, [0, 1], ...)."""
    equation, operands = _equation_and_operands(args)
    input_terms, output_term = _parse(equation)
    if len(input_terms) != len(operands):
        fewer_or_more = "more" if len(operands) > len(input_terms) else "fewer"
        raise RuntimeError(f"einsum(): {fewer_or_more} operands were provided than specified in the equation")
    operand_labels, ellipsis_ndim = _label_dims(input_terms, operands)
    output = _output_labels(output_term, operand_labels, ellipsis_ndim)
    _check_label_sizes(operands, operand_labels)

    terms = [_take_diagonals(operand, labels) for operand, labels in zip(operands, operand_labels)]
    if len(terms) == 1:
        operand, labels = terms[0]
        summed = [dim for dim, label in enumerate(labels) if label not in output]
        if summed:
            operand = reduction.sum(operand, summed)
            labels = [label for label in labels if label in output]
        return operand.permute(*[labels.index(label) for label in output])

    # A size-1 dim broadcasts against the other operands' sizes: it is absent from that operand (torch
    # squeezes it, neither summing nor multiplying over it, which keeps integer dtypes).
    terms = [_squeeze_size_one(operand, labels) for operand, labels in terms]
    terms = [_sum_own_labels(index, terms, output) for index in range(len(terms))]
    operand, labels = terms[0]
    for index in range(1, len(terms)):
        later = {label for _, later_labels in terms[index + 1:] for label in later_labels}
        operand, labels = _contract_pair((operand, labels), terms[index], keep=set(output) | later)
    for label in output:
        if label not in labels:  # a size-1 subscript of the output that every operand broadcast
            operand, labels = operand.unsqueeze(-1), labels + [label]
    return operand.permute(*[labels.index(label) for label in output]) if output else operand


# ---------------------------------------------------------------- arguments and parsing

def _equation_and_operands(args):
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], Tensor):
        return _sublist_equation(args)
    equation, operands = args[0], args[1:]
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' (position 1) must be str, not {type(equation).__name__}")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])  # einsum("ij,jk", [a, b])
        if not operands:
            raise ValueError("einsum(): must specify the equation string and at least one operand, or at least "
                             "one operand and its subscripts list")
    for position, operand in enumerate(operands):
        if not isinstance(operand, Tensor):
            raise TypeError(f"einsum(): expected Tensor as element {position} in argument 1, but got "
                            f"{type(operand).__name__}")
    return equation, list(operands)


def _sublist_equation(args):
    """einsum(a, [0, 1], b, [1, 2], [0, 2]): integers 0-51 name subscripts, Ellipsis is '...'."""
    def letters(sublist):
        text = ""
        for item in sublist:
            if item is Ellipsis:
                text += ELLIPSIS
            elif isinstance(item, int) and 0 <= item < len(LETTERS):
                text += LETTERS[item]
            else:
                raise ValueError(f"einsum(): subscript in subscript list is not within the valid range [0, 52), "
                                 f"got {item!r}")
        return text
    pairs, rest = args[:len(args) // 2 * 2], args[len(args) // 2 * 2:]
    operands = list(pairs[0::2])
    equation = ",".join(letters(sublist) for sublist in pairs[1::2])
    if rest:
        equation += "->" + letters(rest[0])
    return equation, operands


def _parse(equation):
    """([[label or ELLIPSIS, ...] per operand], output term or None), with torch's messages for bad subscripts."""
    arrow = equation.find("->")
    input_text = equation if arrow < 0 else equation[:arrow]
    terms, term = [], []
    position = 0
    while position < len(input_text):
        character = input_text[position]
        if character == ",":
            terms.append(term)
            term = []
        else:
            position = _read_subscript(equation, position, term, len(terms))
        position += 1
    terms.append(term)
    if arrow < 0:
        return terms, None
    output = []
    position = arrow + 2
    while position < len(equation):
        position = _read_subscript(equation, position, output, "output") + 1
    return terms, output


def _read_subscript(equation, position, term, owner):
    """Append the subscript at `position` to `term`; return the position of its last character."""
    character = equation[position]
    if character == " ":
        return position
    if character == ".":
        where = "for operand {}".format(owner) if owner != "output" else "in the output"
        if ELLIPSIS in term:
            raise RuntimeError(f"einsum(): found '.' {where} for which an ellipsis was already found")
        if equation[position:position + 3] != ELLIPSIS:
            raise RuntimeError(f"einsum(): found '.' {where} that is not part of any ellipsis")
        term.append(ELLIPSIS)
        return position + 2
    if character not in LETTERS:
        raise RuntimeError(f"einsum(): invalid subscript given at index {position} in the equation string, "
                           f"subscripts must be in [a-zA-Z]")
    term.append(LETTERS.index(character))
    return position


def _label_dims(input_terms, operands):
    """One label per dim of each operand; an ellipsis covers the leading dims, aligned on the right across
    operands (its labels are FIRST_ELLIPSIS_LABEL + k, k counted from the widest ellipsis's left)."""
    ellipsis_ndim = 0
    for index, (term, operand) in enumerate(zip(input_terms, operands)):
        letters = len(term) - (ELLIPSIS in term)
        if ELLIPSIS in term:
            if letters > operand.ndim:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({letters}) is more than the "
                                   f"number of dimensions ({operand.ndim}) for operand {index}")
            ellipsis_ndim = max(ellipsis_ndim, operand.ndim - letters)
        elif letters != operand.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({letters}) does not match the "
                               f"number of dimensions ({operand.ndim}) for operand {index} and no ellipsis was given")
    operand_labels = []
    for term, operand in zip(input_terms, operands):
        labels = []
        for item in term:
            if item == ELLIPSIS:
                covered = operand.ndim - (len(term) - 1)
                first = FIRST_ELLIPSIS_LABEL + ellipsis_ndim - covered
                labels += range(first, first + covered)
            else:
                labels.append(item)
        operand_labels.append(labels)
    return operand_labels, ellipsis_ndim


def _output_labels(output_term, operand_labels, ellipsis_ndim):
    ellipsis_labels = list(range(FIRST_ELLIPSIS_LABEL, FIRST_ELLIPSIS_LABEL + ellipsis_ndim))
    counts = {}
    for labels in operand_labels:
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
    if output_term is None:  # implicit: the ellipsis dims, then subscripts seen exactly once, in label order
        return ellipsis_labels + sorted(label for label, count in counts.items()
                                        if count == 1 and label < FIRST_ELLIPSIS_LABEL)
    output = []
    for item in output_term:
        if item == ELLIPSIS:
            output += ellipsis_labels
            continue
        if item not in counts:
            raise RuntimeError(f"einsum(): output subscript {LETTERS[item]} does not appear in the equation for any "
                               f"input operand")
        if item in output:
            raise RuntimeError(f"einsum(): output subscript {LETTERS[item]} appears more than once in the output")
        output.append(item)
    return output


def _check_label_sizes(operands, operand_labels):
    """Sizes of one label broadcast across operands (1 against n) but must be equal within one operand."""
    sizes = {}
    for index, (operand, labels) in enumerate(zip(operands, operand_labels)):
        own = {}
        for label, size in zip(labels, operand.shape):
            if label in own and own[label] != size:
                raise RuntimeError(f"einsum(): subscript {LETTERS[label]} is repeated for operand {index} but the "
                                   f"sizes don't match, {size} != {own[label]}")
            own[label] = size
        for label, size in own.items():
            seen = sizes.get(label, 1)
            if size != 1 and seen != 1 and size != seen:
                if label >= FIRST_ELLIPSIS_LABEL:
                    raise RuntimeError(f"einsum(): dimension {label - FIRST_ELLIPSIS_LABEL} covered by ellipsis in "
                                       f"operand {index} has size {size} which does not broadcast with previously "
                                       f"seen ellipsis with size {seen} for the respective dimension")
                raise RuntimeError(f"einsum(): subscript {LETTERS[label]} has size {size} for operand {index} which "
                                   f"does not broadcast with previously seen size {seen}")
            sizes[label] = size if seen == 1 else seen


# ---------------------------------------------------------------- the computation

def _take_diagonals(operand, labels):
    """A subscript repeated within one operand ("ii") keeps only the diagonal (moved to the last dim)."""
    labels = list(labels)
    for label in dict.fromkeys(labels):
        while labels.count(label) > 1:
            first = labels.index(label)
            second = labels.index(label, first + 1)
            operand = operand.diagonal(0, first, second)
            labels = [item for position, item in enumerate(labels) if position not in (first, second)] + [label]
    return operand, labels


def _squeeze_size_one(operand, labels):
    kept = [dim for dim, size in enumerate(operand.shape) if size != 1]
    if len(kept) == operand.ndim:
        return operand, labels
    return operand.reshape(*[operand.shape[dim] for dim in kept]), [labels[dim] for dim in kept]


def _sum_own_labels(index, terms, output):
    """Sum the subscripts summed away that no other operand has (before any product, as torch does)."""
    operand, labels = terms[index]
    others = {label for position, (_, other_labels) in enumerate(terms) if position != index
              for label in other_labels}
    summed = [dim for dim, label in enumerate(labels) if label not in output and label not in others]
    if not summed:
        return operand, labels
    return reduction.sum(operand, summed), [label for dim, label in enumerate(labels) if dim not in summed]


def _contract_pair(left, right, keep):
    """The product of two operands summed over their shared labels not in `keep`: one bmm, or a broadcast mul
    when nothing is summed. Returns (tensor, labels) with labels ordered batch, left-only, right-only."""
    (a, a_labels), (b, b_labels) = left, right
    a, a_labels = _sum_unshared(a, a_labels, b_labels, keep)
    b, b_labels = _sum_unshared(b, b_labels, a_labels, keep)
    batch = [label for label in a_labels if label in b_labels and label in keep]
    summed = [label for label in a_labels if label in b_labels and label not in keep]
    a_only = [label for label in a_labels if label not in b_labels]
    b_only = [label for label in b_labels if label not in a_labels]
    result_labels = batch + a_only + b_only
    if not summed:
        a = _arrange(a, a_labels, batch + a_only, len(result_labels))
        b = _arrange(b, b_labels, batch + [None] * len(a_only) + b_only, len(result_labels))
        return a * b, result_labels

    size = dict(zip(a_labels, a.shape)) | dict(zip(b_labels, b.shape))
    batch_sizes, a_sizes, b_sizes = ([size[label] for label in group] for group in (batch, a_only, b_only))
    a_matrix = a.permute(*[a_labels.index(label) for label in batch + a_only + summed]).reshape(
        _product(batch_sizes), _product(a_sizes), _product(size[label] for label in summed))
    b_matrix = b.permute(*[b_labels.index(label) for label in batch + summed + b_only]).reshape(
        _product(batch_sizes), _product(size[label] for label in summed), _product(b_sizes))
    product = linalg.bmm(a_matrix, b_matrix)
    return product.reshape(*batch_sizes, *a_sizes, *b_sizes), result_labels


def _sum_unshared(operand, labels, other_labels, keep):
    summed = [dim for dim, label in enumerate(labels) if label not in keep and label not in other_labels]
    if not summed:
        return operand, labels
    return reduction.sum(operand, summed), [label for dim, label in enumerate(labels) if dim not in summed]


def _arrange(operand, labels, order, ndim):
    """Permute `operand` to `order` (None: a broadcast dim to insert) and pad to `ndim` dims on the right."""
    operand = operand.permute(*[labels.index(label) for label in order if label is not None])
    for position, label in enumerate(order):
        if label is None:
            operand = operand.unsqueeze(position)
    for _ in range(ndim - len(order)):
        operand = operand.unsqueeze(-1)
    return operand


def _product(sizes):
    total = 1
    for size in sizes:
        total *= size
    return total
