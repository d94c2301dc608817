"""A Kalman filter for the local linear trend model, written for PyTensor.

The state (level, slope) moves by x_t = F x_{t-1} + w_t, w_t ~ N(0, Q), and is
observed as y_t = H x_t + v_t, v_t ~ N(0, r). The scan carries the state's mean
and covariance and returns the log-likelihood of each observation; with one
observation per step the innovation variance is a scalar, so no matrix inverse
is needed. Only the imports differ from PyTensor code."""

import numpy as np

import scanjit as pytensor
import scanjit.tensor as pt

ys = pt.dvector("ys")
q_level, q_slope, r = pt.dscalars("q_level", "q_slope", "r")

F = pt.as_tensor_variable(np.array([[1.0, 1.0], [0.0, 1.0]]))
H = pt.as_tensor_variable(np.array([1.0, 0.0]))
Q = pt.eye(2) * pt.stack([q_level, q_slope])


def kalman_step(y, x_prev, P_prev, F, H, Q, r):
    x_pred = pt.dot(F, x_prev)
    P_pred = pt.dot(pt.dot(F, P_prev), F.T) + Q
    innovation = y - pt.dot(H, x_pred)
    S = pt.dot(H, pt.dot(P_pred, H)) + r
    K = pt.dot(P_pred, H) / S
    x = x_pred + K * innovation
    P = P_pred - pt.outer(K, pt.dot(H, P_pred))
    loglik = -0.5 * (pt.log(2 * np.pi * S) + innovation ** 2 / S)
    return x, P, loglik


x0 = pt.stack([ys[0], 0.0])
P0 = 10.0 * pt.eye(2)
[means, covariances, logliks] = pytensor.scan(kalman_step, sequences=[ys[1:]],
                                              outputs_info=[x0, P0, None],
                                              non_sequences=[F, H, Q, r], return_updates=False)
kalman = pytensor.function([ys, q_level, q_slope, r],
                           [logliks.sum(), means[-1], covariances[-1, [0, 1], [0, 1]]])

data = np.random.default_rng(31)
slope = 0.1 + np.cumsum(data.normal(0.0, 0.02, size=120))
level = np.cumsum(slope + data.normal(0.0, 0.3, size=120))
observed = level + data.normal(0.0, 1.0, size=120)

for q_l, q_s, noise in [(0.09, 0.0004, 1.0), (0.5, 0.01, 0.5)]:
    total, mean, variances = kalman(observed, q_l, q_s, noise)
    print(f"q_level {q_l} q_slope {q_s} r {noise}: loglik {total:.12f}")
    print("  final level and slope", " ".join(f"{v:.12f}" for v in mean))
    print("  their variances", " ".join(f"{v:.12f}" for v in variances))
print(f"first 30 observations: loglik {kalman(observed[:30], 0.09, 0.0004, 1.0)[0]:.12f}")
