"""The recurrent kernels behind nn.RNN/LSTM/GRU and nn.RNNCell/LSTMCell/GRUCell, private as torch's are (_VF.rnn_tanh,
_VF.lstm, _VF.gru_cell...: torch has no public functional RNN).

Composites of mtv2 ops (linear, sigmoid, tanh, relu, chunk, stack, cat), so autograd and double backward come from the
ops. The arithmetic follows aten's CPU kernels (aten/src/ATen/native/RNN.cpp) step by step, so that float32 results
agree with torch's: a layer projects the whole sequence through w_ih at once (one linear over every time step), then
each step adds linear(h, w_hh, b_hh) to its slice of that projection. (torch's float32 LSTM without proj_size goes
through oneDNN instead, which sums in its own order; measured over 24-30 steps it stays well within float32's
tolerance of this path: err_ratio 0.05 forward, 0.13 backward.)
"""
from ..ops.elementwise import relu, sigmoid, tanh
from ..ops.joining import cat, stack
from ..ops.linalg import matmul
from .functional_dropout import dropout
from .functional_layers import linear


# ================================================================ cells (one step)
# Each step takes `igates`, the input already projected through (w_ih, b_ih), as aten's cells do with
# pre_compute_input; the *_cell functions below project it themselves.

def _simple_step(igates, hidden, weights, nonlinearity):
    # aten: nonlinearity(linear_hh(h).add_(linear_ih(x)))
    return nonlinearity(linear(hidden, weights[1], weights[3]) + igates)


def _lstm_step(igates, hidden, weights):
    hx, cx = hidden
    gates = linear(hx, weights[1], weights[3]) + igates
    ingate, forgetgate, cellgate, outgate = gates.chunk(4, 1)   # torch's gate order: i, f, g, o
    ingate, forgetgate, cellgate, outgate = sigmoid(ingate), sigmoid(forgetgate), tanh(cellgate), sigmoid(outgate)
    cy = forgetgate * cx + ingate * cellgate
    hy = outgate * tanh(cy)
    if weights[4] is not None:   # proj_size: the hidden state (not the cell state) goes through w_hr
        hy = matmul(hy, weights[4].t())
    return hy, cy


def _gru_step(igates, hidden, weights):
    input_reset, input_update, input_new = igates.chunk(3, 1)
    hidden_reset, hidden_update, hidden_new = linear(hidden, weights[1], weights[3]).chunk(3, 1)
    reset_gate = sigmoid(hidden_reset + input_reset)
    update_gate = sigmoid(hidden_update + input_update)
    # b_hn sits inside the reset gate's product (hidden_new includes it), unlike b_in
    new_gate = tanh(input_new + hidden_new * reset_gate)
    return (hidden - new_gate) * update_gate + new_gate


def _check_cell_input(input, weight_ih):
    if input.shape[1] != weight_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {weight_ih.shape[1]}")


def _check_cell_hidden(input, hidden, hidden_size, label):
    if input.shape[0] != hidden.shape[0]:
        raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{label} batch size "
                           f"{hidden.shape[0]}")
    if hidden.shape[1] != hidden_size:
        raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got {hidden.shape[1]}, expected {hidden_size}")


def rnn_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """torch's _VF.rnn_tanh_cell / rnn_relu_cell: 2-d input (batch, input_size) and hx (batch, hidden_size)."""
    _check_cell_input(input, w_ih)
    _check_cell_hidden(input, hx, w_hh.shape[1], 0)
    weights = (w_ih, w_hh, b_ih, b_hh, None)
    return _simple_step(linear(input, w_ih, b_ih), hx, weights, tanh if nonlinearity == "tanh" else relu)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """torch's _VF.lstm_cell: hx is (h, c); returns (h', c')."""
    _check_cell_input(input, w_ih)
    _check_cell_hidden(input, hx[0], w_hh.shape[1], 0)
    _check_cell_hidden(input, hx[1], w_hh.shape[1], 1)
    return _lstm_step(linear(input, w_ih, b_ih), tuple(hx), (w_ih, w_hh, b_ih, b_hh, None))


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """torch's _VF.gru_cell."""
    _check_cell_input(input, w_ih)
    _check_cell_hidden(input, hx, w_hh.shape[1], 0)
    return _gru_step(linear(input, w_ih, b_ih), hx, (w_ih, w_hh, b_ih, b_hh, None))


# ================================================================ layers (whole sequences)

_STEPS = {
    "RNN_TANH": lambda igates, hidden, weights: _simple_step(igates, hidden, weights, tanh),
    "RNN_RELU": lambda igates, hidden, weights: _simple_step(igates, hidden, weights, relu),
    "LSTM": _lstm_step,
    "GRU": _gru_step,
}


def _gather_weights(flat_weights, has_biases, groups):
    """(w_ih, w_hh, b_ih, b_hh, w_hr) per layer and direction, None where absent (torch's gather_params)."""
    per_group = len(flat_weights) // groups
    has_projection = per_group == (5 if has_biases else 3)
    gathered = []
    for start in range(0, len(flat_weights), per_group):
        group = flat_weights[start:start + per_group]
        biases = (group[2], group[3]) if has_biases else (None, None)
        gathered.append((group[0], group[1], *biases, group[-1] if has_projection else None))
    return gathered


def _project_sequence(input, weight, bias):
    """at::linear over the whole sequence. torch fuses the bias into the product (addmm, one rounding) only for a
    contiguous input; a strided one (batch_first's transpose) gets matmul, then the bias added: two roundings,
    which half precision shows."""
    if bias is None or input.is_contiguous():
        return linear(input, weight, bias)
    return matmul(input, weight.t()) + bias


def _direction(step, is_lstm, layer_input, hidden, weights, reverse):
    """One direction of one layer over the sequence (dim 0): the stacked outputs and the final hidden state."""
    steps = _project_sequence(layer_input, weights[0], weights[2]).unbind(0)
    if not steps:
        raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
    outputs = []
    for igates in (reversed(steps) if reverse else steps):
        hidden = step(igates, hidden, weights)
        outputs.append(hidden[0] if is_lstm else hidden)
    if reverse:
        outputs.reverse()
    return stack(outputs, 0), hidden


def _slice_hidden(hidden, start, end, is_lstm):
    return tuple(h[start:end] for h in hidden) if is_lstm else hidden[start:end]


def _concat_hidden(hiddens, is_lstm):
    return tuple(cat([h[k] for h in hiddens], 0) for k in range(2)) if is_lstm else cat(hiddens, 0)


def _packed_direction(step, is_lstm, data, batch_sizes, hidden, weights, reverse):
    """aten's PackedLayer / ReversedPackedLayer over packed data (the rows of step t are the batch_sizes[t] first
    sequences). Forward: a sequence that ends leaves its final state behind, sliced off the hidden state; reversed:
    it starts from the shortest batch and grows the hidden state from the initial one as sequences join."""
    projected = linear(data, weights[0], weights[2])
    outputs = []
    if not reverse:
        finished, offset, last = [], 0, batch_sizes[0]
        for batch in batch_sizes:
            igates = projected[offset:offset + batch]
            offset += batch
            if batch < last:
                finished.append(_slice_hidden(hidden, batch, last, is_lstm))
                hidden = _slice_hidden(hidden, 0, batch, is_lstm)
            last = batch
            hidden = step(igates, hidden, weights)
            outputs.append(hidden[0] if is_lstm else hidden)
        finished.append(hidden)
        finished.reverse()
        return cat(outputs, 0), _concat_hidden(finished, is_lstm)
    initial, offset, last = hidden, data.size(0), batch_sizes[-1]
    hidden = _slice_hidden(initial, 0, last, is_lstm)
    for batch in reversed(batch_sizes):
        if batch > last:
            hidden = _concat_hidden([hidden, _slice_hidden(initial, last, batch, is_lstm)], is_lstm)
        igates = projected[offset - batch:offset]
        offset -= batch
        last = batch
        hidden = step(igates, hidden, weights)
        outputs.append(hidden[0] if is_lstm else hidden)
    outputs.reverse()
    return cat(outputs, 0), hidden


def rnn(mode, input, hx, flat_weights, has_biases, num_layers, dropout_p, train, bidirectional, batch_first,
        batch_sizes=None):
    """torch's _VF.rnn_tanh / rnn_relu / gru (hx a tensor) and _VF.lstm (hx a pair): (output, h_n) or
    (output, h_n, c_n). input is (seq, batch, features), or (batch, seq, features) with batch_first; or, with
    batch_sizes (a PackedSequence's), the packed (rows, features) data, and the output is packed alike."""
    is_lstm = mode == "LSTM"
    step = _STEPS[mode]
    directions = 2 if bidirectional else 1
    if batch_first and batch_sizes is None:
        input = input.transpose(0, 1)
    weights = _gather_weights(flat_weights, has_biases, num_layers * directions)
    hiddens = list(zip(hx[0].unbind(0), hx[1].unbind(0))) if is_lstm else list(hx.unbind(0))
    sizes = batch_sizes.tolist() if batch_sizes is not None else None
    layer_input, finals = input, []
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            index = layer * directions + direction
            if sizes is None:
                output, final = _direction(step, is_lstm, layer_input, hiddens[index], weights[index],
                                           direction == 1)
            else:
                output, final = _packed_direction(step, is_lstm, layer_input, sizes, hiddens[index], weights[index],
                                                  direction == 1)
            outputs.append(output)
            finals.append(final)
        layer_input = outputs[0] if directions == 1 else cat(outputs, outputs[0].dim() - 1)
        # dropout between layers, never after the last; aten's at::dropout, so the same mask draws as torch's
        if dropout_p != 0 and train and layer < num_layers - 1:
            layer_input = dropout(layer_input, dropout_p)
    output = layer_input.transpose(0, 1) if batch_first and batch_sizes is None else layer_input
    if is_lstm:
        return output, stack([h for h, _ in finals], 0), stack([c for _, c in finals], 0)
    return output, stack(finals, 0)
