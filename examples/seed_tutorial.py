"""The examples and exercises of the PyTensor scan tutorial
(shared/seed/scan-tutorial.txt), verbatim but for the imports.

Prints each section under a `## ...` header, as in expected-output.txt."""

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
