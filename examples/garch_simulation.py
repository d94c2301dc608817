"""GARCH(1,1) and AR(2) time series, written for PyTensor: simulation with random
draws (a generator carried through the scan, and a RandomStream), and the
log-likelihood of given data by a scan. Only the imports differ from PyTensor code."""

import numpy as np

import scanjit as pytensor
import scanjit.tensor as pt

omega, alpha, beta = pt.dscalars("omega", "alpha", "beta")
n_steps = pt.iscalar("n_steps")

# GARCH(1,1): var_t = omega + alpha * eps_{t-1}^2 + beta * var_{t-1}, eps_t = sqrt(var_t) z_t.
# The generator is a scan state: each step draws from it and passes the next one on.
rng = pytensor.shared(np.random.default_rng(123), name="rng")


def garch_step(rng, eps_prev, var_prev, omega, alpha, beta):
    var = omega + alpha * eps_prev ** 2 + beta * var_prev
    next_rng, z = pt.random.normal(0.0, 1.0, rng=rng, return_next_rng=True)
    return next_rng, pt.sqrt(var) * z, var


var0 = omega / (1 - alpha - beta)  # the stationary variance
final_rng, eps, var = pytensor.scan(garch_step,
                                    outputs_info=[rng, pt.zeros_like(omega), var0],
                                    non_sequences=[omega, alpha, beta],
                                    n_steps=n_steps, return_updates=False)
simulate_garch = pytensor.function([omega, alpha, beta, n_steps], [eps, var],
                                   updates={rng: final_rng})


def garch_loglik(returns, omega, alpha, beta):
    """The Gaussian log-likelihood of returns under GARCH(1,1), starting at var0."""
    def step(r_prev, var_prev, omega, alpha, beta):
        return omega + alpha * r_prev ** 2 + beta * var_prev

    later_vars = pytensor.scan(step, sequences=[returns[:-1]], outputs_info=[var0],
                               non_sequences=[omega, alpha, beta], return_updates=False)
    variances = pt.concatenate([var0[None], later_vars])
    return -0.5 * (np.log(2 * np.pi) + pt.log(variances) + returns ** 2 / variances).sum()


returns = pt.dvector("returns")
loglik = pytensor.function([returns, omega, alpha, beta], garch_loglik(returns, omega, alpha, beta))

# AR(2): y_t = c + phi_1 y_{t-1} + phi_2 y_{t-2} + e_t, the shocks drawn in the step
# from a RandomStream (the scan returns the stream's update), the two initial
# values put in front of the simulated ones.
srng = pt.random.RandomStream(seed=2718)
c, phi1, phi2, sigma = pt.dscalars("c", "phi1", "phi2", "sigma")
y_init = pt.dvector("y_init")


def ar_step(y2, y1, c, phi1, phi2, sigma):
    return c + phi1 * y1 + phi2 * y2 + srng.normal(0.0, sigma)


y_sim, ar_updates = pytensor.scan(ar_step, outputs_info=[dict(initial=y_init, taps=[-2, -1])],
                                  non_sequences=[c, phi1, phi2, sigma], n_steps=n_steps)
y_all = pt.concatenate([y_init, y_sim])
simulate_ar = pytensor.function([y_init, c, phi1, phi2, sigma, n_steps], y_all, updates=ar_updates)

# The AR(2) conditional log-likelihood of a series, one term per step over its taps.
y = pt.dvector("y")
terms = pytensor.scan(lambda y2, y1, y0, c, phi1, phi2, sigma:
                      -0.5 * ((y0 - c - phi1 * y1 - phi2 * y2) / sigma) ** 2
                      - pt.log(sigma) - 0.5 * np.log(2 * np.pi),
                      sequences=[dict(input=y, taps=[-2, -1, 0])],
                      non_sequences=[c, phi1, phi2, sigma], return_updates=False)
ar_loglik = pytensor.function([y, c, phi1, phi2, sigma], terms.sum())

for call in range(2):  # the generator advances between calls
    e, v = simulate_garch(0.1, 0.1, 0.85, 500)
    print(f"garch call {call}: first draws", " ".join(f"{x:.12f}" for x in e[:3]))
    print(f"  mean variance {v.mean():.12f}, mean squared return {(e ** 2).mean():.12f}")
    print(f"  loglik at the true parameters {loglik(e, 0.1, 0.1, 0.85):.12f},"
          f" at alpha=0.2 beta=0.7 {loglik(e, 0.1, 0.2, 0.7):.12f}")

for call in range(2):
    series = simulate_ar([0.0, 0.0], 0.5, 0.6, -0.3, 1.0, 300)
    print(f"ar(2) call {call}: length {series.size}, mean {series.mean():.12f},"
          f" last {series[-1]:.12f}")
    print(f"  loglik at the true parameters {ar_loglik(series, 0.5, 0.6, -0.3, 1.0):.12f},"
          f" at phi2=0 {ar_loglik(series, 0.5, 0.6, 0.0, 1.0):.12f}")
