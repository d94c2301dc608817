"""A bidirectional GRU part-of-speech tagger, forward pass, written for PyTensor.

Word ids -> embedding lookup E[idx] -> a GRU over the sentence in each direction
(two scans, sigmoid gates) -> softmax over the tags -> negative log-likelihood of
the given tags, predictions and accuracy. One compiled function serves sentences
of every length. Only the imports differ from PyTensor code."""

import numpy as np

import scanjit as pytensor
import scanjit.tensor as pt

n_words, n_embed, n_hidden, n_tags = 50, 8, 12, 5
init = np.random.default_rng(2024)


def weights(name, *shape):
    return pytensor.shared(init.normal(scale=0.4, size=shape), name=name)


E = weights("E", n_words, n_embed)


def gru_layer(x, prefix, go_backwards=False):
    """The hidden states of a GRU run over the rows of x (one per word), in order."""
    W = weights(prefix + "W", n_embed, 3 * n_hidden)  # input -> update, reset, candidate
    U = weights(prefix + "U", n_hidden, 2 * n_hidden)  # hidden -> update, reset
    U_h = weights(prefix + "U_h", n_hidden, n_hidden)  # hidden -> candidate
    b = weights(prefix + "b", 3 * n_hidden)

    def step(x_t, h_prev, U, U_h):
        gates = pt.sigmoid(x_t[:2 * n_hidden] + pt.dot(h_prev, U))
        z, r = gates[:n_hidden], gates[n_hidden:]
        h_candidate = pt.tanh(x_t[2 * n_hidden:] + pt.dot(r * h_prev, U_h))
        return (1 - z) * h_prev + z * h_candidate

    x_proj = pt.dot(x, W) + b.dimshuffle("x", 0)  # every step's input projection at once
    h0 = pt.zeros((n_hidden,), dtype=x.dtype)
    h = pytensor.scan(step, sequences=[x_proj], outputs_info=[h0], non_sequences=[U, U_h],
                      go_backwards=go_backwards, return_updates=False)
    return h[::-1] if go_backwards else h


idx = pt.ivector("idx")  # the sentence's word ids
tags = pt.ivector("tags")  # its gold tags
x = E[idx]
h = pt.concatenate([gru_layer(x, "fwd_"), gru_layer(x, "bwd_", go_backwards=True)], axis=1)

W_out = weights("W_out", n_tags, 2 * n_hidden)
b_out = weights("b_out", n_tags)
p = pt.special.softmax(pt.dot(h, W_out.T) + b_out, axis=-1)
n = idx.shape[0]
nll = -pt.log(p[pt.arange(n), tags]).mean()
predicted = p.argmax(axis=1)
accuracy = pt.eq(predicted, tags).mean()

tagger = pytensor.function([idx, tags], [nll, predicted, accuracy, h[-1]])

data = np.random.default_rng(7)
for length in (6, 11, 1):
    words = data.integers(0, n_words, size=length).astype("int32")
    gold = data.integers(0, n_tags, size=length).astype("int32")
    loss, pred, acc, last = tagger(words, gold)
    print(f"length {length}: nll {loss:.12f} accuracy {acc:.12f}")
    print("  predicted", " ".join(str(t) for t in pred))
    print("  last hidden state sum", f"{last.sum():.12f}")
