"""The examples and exercises of the PyTensor scan tutorial
(https://pytensor.readthedocs.io/en/latest/tutorial/loop.html), verbatim but
for the imports.

Prints each section under a `## ...` header; tests/test_tutorial.py checks
the output against tests/data/expected-output.txt."""

import numpy as np

import scanjit as pytensor
import scanjit.tensor as pt

print("## Example 1")
vector1 = pt.dvector('vector1')
vector2 = pt.dvector('vector2')
output, updates = pytensor.scan(fn=lambda a, b : a * b,
                                sequences=[vector1, vector2])
f = pytensor.function(inputs=[vector1, vector2],
                      outputs=output,
                      updates=updates)
floatX = pytensor.config.floatX
vector1_value = np.arange(0, 5).astype(floatX) # [0,1,2,3,4]
vector2_value = np.arange(1, 6).astype(floatX) # [1,2,3,4,5]
print(f(vector1_value, vector2_value))
print(f(vector1_value, vector2_value[:4]))

print("## Example 2")
X = pt.dmatrix('X') # Minibatch of data
W = pt.dmatrix('W') # Weights of the layer
b = pt.dvector('b') # Biases of the layer
def step(v, W, b):
    return v @ W + b
output, updates = pytensor.scan(fn=step,
                                sequences=[X],
                                non_sequences=[W, b])
print(updates)
f = pytensor.function(inputs=[X, W, b],
                      outputs=output,
                      updates=updates)
X_value = np.arange(-3, 3).reshape(3, 2).astype(floatX)
W_value = np.eye(2).astype(floatX)
b_value = np.arange(2).astype(floatX)
print(f(X_value, W_value, b_value))

print("## Example 3")
def step(m_row, cumulative_sum):
    return m_row + cumulative_sum
M = pt.dmatrix('X')
s = pt.dvector('s') # Initial value for the cumulative sum
output, updates = pytensor.scan(fn=step,
                                sequences=[M],
                                outputs_info=[s])
f = pytensor.function(inputs=[M, s],
                      outputs=output,
                      updates=updates)
M_value = np.arange(9).reshape(3, 3).astype(floatX)
s_value = np.zeros((3, ), dtype=floatX)
print(f(M_value, s_value))

print("## Example 4")
def step(f_minus2, f_minus1):
    new_f = f_minus2 + f_minus1
    ratio = new_f / f_minus1
    return new_f, ratio
f_init = pt.fvector()
outputs_info = [dict(initial=f_init, taps=[-2, -1]),
                None]
output, updates = pytensor.scan(fn=step,
                                outputs_info=outputs_info,
                                n_steps=10)
next_fibonacci_terms = output[0]
ratios_between_terms = output[1]
f = pytensor.function(inputs=[f_init],
                      outputs=[next_fibonacci_terms, ratios_between_terms],
                      updates=updates)
out = f([1, 1])
print(out[0])
print(out[1])

print("## Exercise 1")
coefficients = pt.dvector("coefficients")
x = pt.dscalar("x")
max_coefficients_supported = 10000
def step(coeff, power, free_var):
    return coeff * free_var ** power
# Generate the components of the polynomial
full_range = pt.arange(max_coefficients_supported)
components, updates = pytensor.scan(fn=step,
                                    outputs_info=None,
                                    sequences=[coefficients, full_range],
                                    non_sequences=x)
polynomial = components.sum()
calculate_polynomial = pytensor.function(inputs=[coefficients, x],
                                         outputs=polynomial,
                                         updates=updates)
test_coeff = np.asarray([1, 0, 2], dtype=floatX)
print(calculate_polynomial(test_coeff, 3))

print("## Exercise 2")
rng = pytensor.shared(np.random.default_rng(1234))
p_vec = pt.dvector("p_vec")
next_rng, onehot_sample = pt.random.multinomial(n=1, p=p_vec, rng=rng).owner.outputs
f = pytensor.function([p_vec], onehot_sample, updates={rng:next_rng})
def sample_from_pvect(p, rng):
    """ Provided utility function: given a symbolic vector of
    probabilities (which MUST sum to 1), sample one element
    and return its index.
    """
    next_rng, onehot_sample = pt.random.multinomial(n=1, p=p, rng=rng).owner.outputs
    idx = onehot_sample.argmax()
    return idx, {rng: next_rng}
def set_p_to_zero(p, i):
    """ Provided utility function: given a symbolic vector of
    probabilities and an index 'i', set the probability of the
    i-th element to 0 and renormalize the probabilities so they
    sum to 1.
    """
    new_p = p[i].set(0.)
    new_p = new_p / new_p.sum()
    return new_p
def sample(p, rng):
    idx, updates = sample_from_pvect(p, rng)
    p = set_p_to_zero(p, idx)
    return (p, idx), updates
probabilities = pt.dvector()
nb_samples = pt.iscalar()
SEED = sum(map(ord, 'PyTensor Scan'))
rng = pytensor.shared(np.random.default_rng(SEED))
# TODO use Scan to sample from the vector of probabilities and
# symbolically obtain 'samples' the vector of sampled indices.
[probs, samples], updates = pytensor.scan(fn=sample,
                                          outputs_info=[probabilities, None],
                                          non_sequences=[rng],
                                          n_steps=nb_samples)
# Compiling the function
f = pytensor.function(inputs=[probabilities, nb_samples], outputs=samples, updates=updates)
# Testing the function
test_probs = np.asarray([0.6, 0.3, 0.1], dtype=floatX)
for i in range(10):
    print(f(test_probs, 2))
