"""A discrete hidden Markov model, written for PyTensor: the log-likelihood of an
observation sequence by the scaled forward pass and by the forward pass in log
space (logsumexp), posterior state marginals by forward-backward, and the most
likely state path by Viterbi (max/argmax, then a backward scan over the
back-pointers). Only the imports differ from PyTensor code."""

import numpy as np

import scanjit as pytensor
import scanjit.tensor as pt

n_states, n_symbols = 3, 4
params = np.random.default_rng(11)
start = params.dirichlet(np.ones(n_states))
trans = params.dirichlet(np.ones(n_states) * 2, size=n_states)  # rows: from, columns: to
emit = params.dirichlet(np.ones(n_symbols), size=n_states)  # rows: state, columns: symbol

pi = pt.dvector("pi")
A = pt.dmatrix("A")
B = pt.dmatrix("B")
obs = pt.lvector("obs")

# Scaled forward pass: alpha_t normalized to sum 1, the scale factors multiply to p(obs).
alpha0 = pi * B[:, obs[0]]


def scaled_step(o, alpha_prev, A, B):
    alpha = pt.dot(alpha_prev, A) * B[:, o]
    c = alpha.sum()
    return alpha / c, c


[alphas, scales] = pytensor.scan(scaled_step, sequences=[obs[1:]],
                                 outputs_info=[alpha0 / alpha0.sum(), None],
                                 non_sequences=[A, B], return_updates=False)
loglik_scaled = pt.log(alpha0.sum()) + pt.log(scales).sum()

# The same in log space.
log_A, log_B = pt.log(A), pt.log(B)


def log_step(o, log_alpha_prev, log_A, log_B):
    return pt.logsumexp(log_alpha_prev.dimshuffle(0, "x") + log_A, axis=0) + log_B[:, o]


log_alpha0 = pt.log(pi) + log_B[:, obs[0]]
log_alphas = pytensor.scan(log_step, sequences=[obs[1:]], outputs_info=[log_alpha0],
                           non_sequences=[log_A, log_B], return_updates=False)
log_alpha = pt.concatenate([log_alpha0[None, :], log_alphas], axis=0)
loglik_log = pt.logsumexp(log_alpha[-1])


# Backward pass in log space, then the posterior marginals p(state_t | obs).
def back_step(o_next, log_beta_next, log_A, log_B):
    return pt.logsumexp(log_A + (log_B[:, o_next] + log_beta_next).dimshuffle("x", 0), axis=1)


log_betas = pytensor.scan(back_step, sequences=[obs[1:]], outputs_info=[pt.zeros_like(pi)],
                          non_sequences=[log_A, log_B], go_backwards=True, return_updates=False)
log_beta = pt.concatenate([log_betas[::-1], pt.zeros_like(pi)[None, :]], axis=0)
log_joint = log_alpha + log_beta
posterior = pt.exp(log_joint - pt.logsumexp(log_joint, axis=1, keepdims=True))


# Viterbi: best log score per state and back-pointers, then the path backwards.
def viterbi_step(o, delta_prev, log_A, log_B):
    scores = delta_prev.dimshuffle(0, "x") + log_A
    return scores.max(axis=0) + log_B[:, o], scores.argmax(axis=0)


[deltas, back_pointers] = pytensor.scan(viterbi_step, sequences=[obs[1:]],
                                        outputs_info=[log_alpha0, None],
                                        non_sequences=[log_A, log_B], return_updates=False)
last_state = deltas[-1].argmax()
earlier_states = pytensor.scan(lambda pointers, state: pointers[state], sequences=[back_pointers],
                               outputs_info=[last_state], go_backwards=True, return_updates=False)
best_path = pt.concatenate([earlier_states[::-1], last_state[None]])
best_score = deltas[-1].max()

hmm = pytensor.function([pi, A, B, obs],
                        [loglik_scaled, loglik_log, posterior, best_path, best_score])

data = np.random.default_rng(5)
for length in (12, 40):
    observed = data.integers(0, n_symbols, size=length)
    ll_scaled, ll_log, post, path, score = hmm(start, trans, emit, observed)
    print(f"length {length}: loglik scaled {ll_scaled:.12f} log-space {ll_log:.12f}")
    print("  posterior of state 0 at t=0..3", " ".join(f"{v:.12f}" for v in post[:4, 0]))
    print("  viterbi path", " ".join(str(s) for s in path))
    print(f"  viterbi log score {score:.12f}")
