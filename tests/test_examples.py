"""The examples in examples/ (PyTensor programs with scanjit's imports) print
what the same computation in plain NumPy prints, the same compiled and in
mode="py" and, when PyTensor is installed, what the same source run by
PyTensor prints. Their random draws are NumPy Generator's (normal), which
PyTensor's are too, so they compare as the rest."""

import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
IMPORTS = {"import scanjit as pytensor\n": "import pytensor\n",
           "import scanjit.tensor as pt\n": "import pytensor.tensor as pt\n"}
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


# Runs a script with every scanjit.function in mode="py" (the reference interpreter).
IN_MODE_PY = ("import functools, runpy, sys, scanjit; "
              "scanjit.function = functools.partial(scanjit.function, mode='py'); "
              "runpy.run_path(sys.argv[1], run_name='__main__')")


def run_example(name: str, tmp_path: pathlib.Path | None = None, mode_py=False) -> str:
    """What examples/<name>.py prints; given tmp_path, with PyTensor's imports."""
    script = ROOT / "examples" / f"{name}.py"
    if tmp_path is not None:
        source = script.read_text()
        for ours, theirs in IMPORTS.items():
            assert ours in source
            source = source.replace(ours, theirs)
        script = tmp_path / script.name
        script.write_text(source)
    command = [sys.executable, *(["-c", IN_MODE_PY] if mode_py else []), str(script)]
    return subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout


def assert_same_printout(actual: str, expected: str, rtol=1e-9) -> None:
    """The same text, integers equal and decimals within rtol."""
    assert NUMBER.sub("#", actual) == NUMBER.sub("#", expected)
    for a, b in zip(NUMBER.findall(actual), NUMBER.findall(expected)):
        if "." in a + b:
            np.testing.assert_allclose(float(a), float(b), rtol=rtol, atol=1e-12)
        else:
            assert a == b


def joined(values) -> str:
    return " ".join(f"{v:.12f}" for v in values)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def logsumexp(a, axis=None, keepdims=False):
    m = a.max(axis=axis, keepdims=True)
    out = m + np.log(np.exp(a - m).sum(axis=axis, keepdims=True))
    return out if keepdims else out.squeeze(axis)


# -- the examples' computations in NumPy, printed as they print them ------------

def gru_tagger() -> str:
    init = np.random.default_rng(2024)
    E = init.normal(scale=0.4, size=(50, 8))
    layers = [tuple(init.normal(scale=0.4, size=shape) for shape in [(8, 36), (12, 24), (12, 12), (36,)])
              for _ in range(2)]
    W_out, b_out = init.normal(scale=0.4, size=(5, 24)), init.normal(scale=0.4, size=5)

    def gru(x, W, U, U_h, b):
        h, states = np.zeros(12), []
        for x_t in x @ W + b:
            z, r = np.split(sigmoid(x_t[:24] + h @ U), 2)
            h = (1 - z) * h + z * np.tanh(x_t[24:] + (r * h) @ U_h)
            states.append(h)
        return np.array(states)

    lines, data = [], np.random.default_rng(7)
    for length in (6, 11, 1):
        words, gold = data.integers(0, 50, size=length), data.integers(0, 5, size=length)
        x = E[words]
        h = np.concatenate([gru(x, *layers[0]), gru(x[::-1], *layers[1])[::-1]], axis=1)
        logits = h @ W_out.T + b_out
        p = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
        nll = -np.log(p[np.arange(length), gold]).mean()
        pred = p.argmax(axis=1)
        lines += [f"length {length}: nll {nll:.12f} accuracy {(pred == gold).mean():.12f}",
                  "  predicted " + " ".join(map(str, pred)),
                  f"  last hidden state sum {h[-1].sum():.12f}"]
    return "\n".join(lines) + "\n"


def hmm_forward() -> str:
    params = np.random.default_rng(11)
    pi = params.dirichlet(np.ones(3))
    A = params.dirichlet(np.ones(3) * 2, size=3)
    B = params.dirichlet(np.ones(4), size=3)
    lines, data = [], np.random.default_rng(5)
    for length in (12, 40):
        obs = data.integers(0, 4, size=length)
        alpha, loglik = pi * B[:, obs[0]], 0.0
        for o in obs[1:]:
            loglik += np.log(alpha.sum())
            alpha = (alpha / alpha.sum()) @ A * B[:, o]
        loglik += np.log(alpha.sum())
        log_alpha = [np.log(pi) + np.log(B[:, obs[0]])]
        for o in obs[1:]:
            log_alpha.append(logsumexp(log_alpha[-1][:, None] + np.log(A), axis=0) + np.log(B[:, o]))
        log_beta = [np.zeros(3)]
        for o in obs[:0:-1]:
            log_beta.insert(0, logsumexp(np.log(A) + np.log(B[:, o]) + log_beta[0], axis=1))
        log_joint = np.array(log_alpha) + np.array(log_beta)
        posterior = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))
        delta, pointers = log_alpha[0], []
        for o in obs[1:]:
            scores = delta[:, None] + np.log(A)
            pointers.append(scores.argmax(axis=0))
            delta = scores.max(axis=0) + np.log(B[:, o])
        path = [delta.argmax()]
        for p in pointers[::-1]:
            path.insert(0, p[path[0]])
        lines += [f"length {length}: loglik scaled {loglik:.12f} log-space {logsumexp(log_alpha[-1]):.12f}",
                  "  posterior of state 0 at t=0..3 " + joined(posterior[:4, 0]),
                  "  viterbi path " + " ".join(map(str, path)),
                  f"  viterbi log score {delta.max():.12f}"]
    return "\n".join(lines) + "\n"


def garch_simulation() -> str:
    def garch_variances(eps, omega, alpha, beta):
        var = [omega / (1 - alpha - beta)]
        for e in eps[:-1]:
            var.append(omega + alpha * e ** 2 + beta * var[-1])
        return np.array(var)

    def garch_loglik(eps, *params):
        var = garch_variances(eps, *params)
        return -0.5 * (np.log(2 * np.pi) + np.log(var) + eps ** 2 / var).sum()

    def ar_loglik(y, c, phi1, phi2, sigma):
        e = (y[2:] - c - phi1 * y[1:-1] - phi2 * y[:-2]) / sigma
        return (-0.5 * e ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)).sum()

    lines, rng = [], np.random.default_rng(123)
    for call in range(2):
        z, eps, var = rng.normal(size=500), [0.0], [0.1 / 0.05]
        for z_t in z:
            var.append(0.1 + 0.1 * eps[-1] ** 2 + 0.85 * var[-1])
            eps.append(np.sqrt(var[-1]) * z_t)
        eps, var = np.array(eps[1:]), np.array(var[1:])
        lines += [f"garch call {call}: first draws " + joined(eps[:3]),
                  f"  mean variance {var.mean():.12f}, mean squared return {(eps ** 2).mean():.12f}",
                  f"  loglik at the true parameters {garch_loglik(eps, 0.1, 0.1, 0.85):.12f},"
                  f" at alpha=0.2 beta=0.7 {garch_loglik(eps, 0.1, 0.2, 0.7):.12f}"]
    stream = np.random.default_rng(np.random.SeedSequence(2718).spawn(1)[0])
    for call in range(2):
        y = [0.0, 0.0]
        for e in stream.normal(0.0, 1.0, size=300):
            y.append(0.5 + 0.6 * y[-1] - 0.3 * y[-2] + e)
        y = np.array(y)
        lines += [f"ar(2) call {call}: length {y.size}, mean {y.mean():.12f}, last {y[-1]:.12f}",
                  f"  loglik at the true parameters {ar_loglik(y, 0.5, 0.6, -0.3, 1.0):.12f},"
                  f" at phi2=0 {ar_loglik(y, 0.5, 0.6, 0.0, 1.0):.12f}"]
    return "\n".join(lines) + "\n"


def kalman_filter() -> str:
    F, H = np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([1.0, 0.0])

    def kalman(ys, q_level, q_slope, r):
        x, P, total = np.array([ys[0], 0.0]), 10.0 * np.eye(2), 0.0
        for y in ys[1:]:
            x, P = F @ x, F @ P @ F.T + np.diag([q_level, q_slope])
            v, S = y - H @ x, H @ P @ H + r
            K = P @ H / S
            x, P = x + K * v, P - np.outer(K, H @ P)
            total += -0.5 * (np.log(2 * np.pi * S) + v ** 2 / S)
        return total, x, np.diag(P)

    data = np.random.default_rng(31)
    slope = 0.1 + np.cumsum(data.normal(0.0, 0.02, size=120))
    level = np.cumsum(slope + data.normal(0.0, 0.3, size=120))
    observed = level + data.normal(0.0, 1.0, size=120)
    lines = []
    for q_l, q_s, noise in [(0.09, 0.0004, 1.0), (0.5, 0.01, 0.5)]:
        total, mean, variances = kalman(observed, q_l, q_s, noise)
        lines += [f"q_level {q_l} q_slope {q_s} r {noise}: loglik {total:.12f}",
                  "  final level and slope " + joined(mean), "  their variances " + joined(variances)]
    lines.append(f"first 30 observations: loglik {kalman(observed[:30], 0.09, 0.0004, 1.0)[0]:.12f}")
    return "\n".join(lines) + "\n"


NUMPY_VERSIONS = {f.__name__: f for f in [gru_tagger, hmm_forward, garch_simulation, kalman_filter]}
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.py") if p.stem != "seed_tutorial")


def test_every_example_has_a_numpy_version():
    assert EXAMPLES == sorted(NUMPY_VERSIONS)


@pytest.fixture(scope="module")
def printed() -> dict[str, str]:
    return {}


def printout(printed: dict[str, str], name: str) -> str:
    if name not in printed:
        printed[name] = run_example(name)
    return printed[name]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_prints_what_numpy_computes(printed, name):
    assert_same_printout(printout(printed, name), NUMPY_VERSIONS[name]())


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_prints_the_same_in_mode_py(printed, name):
    assert_same_printout(run_example(name, mode_py=True), printout(printed, name))


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_prints_what_pytensor_prints(printed, name, tmp_path):
    pytest.importorskip("pytensor")
    assert_same_printout(printout(printed, name), run_example(name, tmp_path))


def test_printouts_compare_numbers():
    assert_same_printout("loglik -1.0000000000001 path 1 2", "loglik -1.0000000000002 path 1 2")
    with pytest.raises(AssertionError):
        assert_same_printout("path 1 2", "path 1 3")
    with pytest.raises(AssertionError):
        assert_same_printout("loglik -1.00001", "loglik -1.00002")
    with pytest.raises(AssertionError):
        assert_same_printout("loglik 1.0", "logp 1.0")


def test_gru_tagger_agrees_with_mode_py_for_every_length():
    """It found a read after free (test_regressions.py has the class)."""
    script = (ROOT / "examples" / "gru_tagger.py").read_text()
    script = script[:script.index("data = np.random.default_rng(7)")] + (
        "reference = pytensor.function([idx, tags], [nll, predicted, accuracy, h[-1]], mode='py')\n"
        "for n in (2, 4, 2, 2):\n"
        "    w, t = np.arange(5, 5 + n, dtype='int32'), np.arange(n, dtype='int32') % 5\n"
        "    for a, b in zip(tagger(w, t), reference(w, t)):\n"
        "        np.testing.assert_allclose(a, b, rtol=1e-12)\n")
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, capture_output=True)
