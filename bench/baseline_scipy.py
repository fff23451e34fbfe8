#!/usr/bin/python3
"""The baseline losslab is compared with: what researchers do today.

What this measures, and why
---------------------------
Issue 2 asks: as the activation is blended from linear (lambda = 0) to
non-linear (lambda = 1), where does the loss landscape of a two-layer network
change? The usual answer (and the one the seed paper used) is this script:

  * the model and loss of MATH.md section 1, written in numpy with the
    analytic gradient:
        f(x)   = sum_j v_j h(w_j . x, lambda),  h(z, l) = (1 - l) z + l tanh(z)
        L(W)   = 1/(2N) sum_n (f(x_n) - y_n)^2 + alpha/2 ||W||_F^2
        grad_{w_j} L = (1/N) sum_n r_n v_j h'(z_nj) x_n + alpha w_j
    only W is trained, v = linspace(0.5, 1.5, m) is fixed;
  * the closed-form minimiser at lambda = 0 (MATH.md section 1:
    W0 = v u^T, (alpha I + ||v||^2 Sigma) u = gamma), then
    scipy.optimize.minimize(method='L-BFGS-B') with DEFAULT tolerances,
    warm-started along the grid lambda = 0, 1/G, ..., 1 (G = 200);
  * at every grid point a finite-difference Hessian (central differences of
    the analytic gradient, step 1e-5, symmetrised), numpy.linalg.eigh, the
    Morse index (number of negative eigenvalues) and the smallest eigenvalue;
  * the "event": the first grid interval where the smallest eigenvalue
    changes sign, located by linear interpolation of mu_1 across it.

What it reports (JSON): wall time (total, and the minimiser / Hessian parts),
the event lambda (or null), the 2-norm of the gradient at each accepted point
(max and median along the path; the minimiser stops on its projected-gradient
tolerance gtol = 1e-5, so expect ~1e-6..1e-5, versus ~1e-12 for losslab's
Newton corrector), the index sequence, the smallest eigenvalue along the
path, and the largest jump ||W_k - W_{k-1}|| between consecutive grid points
(where the minimiser "snaps" to another branch instead of following a saddle
branch; see MATH.md section 2 and the issue's "Why").

Use Debian's Python: /usr/bin/python3 (numpy, scipy).
    /usr/bin/python3 bench/baseline_scipy.py --data data.csv --width 10 \
        --alpha 4e-3 --grid 200 [--json out.json]
"""
import argparse
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize


def load_csv(path):
    """CSV with one header line; last column is the target."""
    a = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return a[:, :-1].copy(), a[:, -1].copy()


class Problem:
    """Loss and analytic gradient of MATH.md section 1 with sigma = tanh."""

    def __init__(self, X, y, m, alpha):
        self.X, self.y, self.alpha = X, y, alpha
        self.N, self.d = X.shape
        self.m = m
        self.v = np.linspace(0.5, 1.5, m)
        self.lam = 0.0

    def loss_grad(self, w):
        W = w.reshape(self.m, self.d)          # row j is w_j: index j*d + i
        Z = self.X @ W.T                       # N x m, z_nj = w_j . x_n
        T = np.tanh(Z)
        lam = self.lam
        H = (1.0 - lam) * Z + lam * T          # h(z, lambda)
        Hp = (1.0 - lam) + lam * (1.0 - T * T) # h'(z, lambda)
        r = H @ self.v - self.y
        L = 0.5 * np.dot(r, r) / self.N + 0.5 * self.alpha * np.dot(w, w)
        G = ((r[:, None] * Hp) * self.v).T @ self.X / self.N
        return L, G.ravel() + self.alpha * w

    def grad(self, w):
        return self.loss_grad(w)[1]

    def closed_form_lambda0(self):
        """Unique minimiser at lambda = 0: W0 = v u^T (MATH.md section 1)."""
        Sigma = self.X.T @ self.X / self.N
        gamma = self.X.T @ self.y / self.N
        A = self.alpha * np.eye(self.d) + np.dot(self.v, self.v) * Sigma
        u = np.linalg.solve(A, gamma)
        return np.outer(self.v, u).ravel()

    def fd_hessian(self, w, h=1e-5):
        """Central differences of the analytic gradient, column by column."""
        P = w.size
        Hs = np.empty((P, P))
        e = w.copy()
        for k in range(P):
            e[k] = w[k] + h
            gp = self.grad(e)
            e[k] = w[k] - h
            gm = self.grad(e)
            e[k] = w[k]
            Hs[:, k] = (gp - gm) / (2.0 * h)
        return 0.5 * (Hs + Hs.T)


def first_sign_change(lams, mu1):
    """First grid interval where mu_1 changes sign; linear interpolation."""
    for k in range(1, len(lams)):
        a, b = mu1[k - 1], mu1[k]
        if (a > 0) != (b > 0):
            t = a / (a - b)
            return {"lambda": float(lams[k - 1] + t * (lams[k] - lams[k - 1])),
                    "grid_interval": [float(lams[k - 1]), float(lams[k])],
                    "mu1_before": float(a), "mu1_after": float(b)}
    return None


def snap(path, steps, k):
    """Where the minimiser jumps to another branch instead of following one.

    A jump is called a snap when it is 20 times the median step between grid
    points and at least 1e-3 relative to ||W||: along a smooth branch the
    step is O(1/grid) and nearly constant; a snap is O(||W||)."""
    wn = path["w_norm"][k]
    if steps[k - 1] > 20.0 * np.median(steps) and steps[k - 1] > 1e-3 * wn:
        return {"lambda": path["lambda"][k], "jump": float(steps[k - 1]),
                "jump_over_median": float(steps[k - 1] / np.median(steps))}
    return None


def trace(prob, grid, fd_step, lbfgs_opts, max_time=None):
    """The grid sweep; with max_time (s) it stops after the first grid point
    past it (out["truncated"]) so that the cost per point can be measured
    where the whole sweep would take hours."""
    lams = np.linspace(0.0, 1.0, grid + 1)
    t_start = time.perf_counter()
    w = prob.closed_form_lambda0()
    out = {k: [] for k in ("lambda", "loss", "grad_norm", "index", "mu1",
                           "mu2", "nit", "success", "step", "w_norm")}
    t_min = t_hess = 0.0
    for lam in lams:
        prob.lam = lam
        t0 = time.perf_counter()
        res = minimize(prob.loss_grad, w, jac=True, method="L-BFGS-B",
                       options=lbfgs_opts)
        t1 = time.perf_counter()
        Hs = prob.fd_hessian(res.x, fd_step)
        ev = np.linalg.eigh(Hs)[0]
        t2 = time.perf_counter()
        t_min += t1 - t0
        t_hess += t2 - t1
        L, g = prob.loss_grad(res.x)
        out["lambda"].append(float(lam))
        out["loss"].append(float(L))
        out["grad_norm"].append(float(np.linalg.norm(g)))
        out["index"].append(int(np.sum(ev < 0.0)))
        out["mu1"].append(float(ev[0]))
        out["mu2"].append(float(ev[1]))
        out["nit"].append(int(res.nit))
        out["success"].append(bool(res.success))
        out["step"].append(float(np.linalg.norm(res.x - w)))
        out["w_norm"].append(float(np.linalg.norm(res.x)))
        w = res.x
        if (max_time and len(out["lambda"]) >= 2 and
                time.perf_counter() - t_start > max_time):
            break
    out["truncated"] = len(out["lambda"]) < len(lams)
    return out, t_min, t_hess


def summarise(prob, grid, fd_step, path, t_wall, t_min, t_hess):
    gn = np.array(path["grad_norm"])
    steps = np.array(path["step"][1:])
    k = int(np.argmax(steps)) + 1
    imin = int(np.argmin(path["mu1"]))
    return {
        "method": "scipy L-BFGS-B warm start + FD Hessian + eigh",
        "config": {"N": prob.N, "d": prob.d, "width": prob.m,
                   "alpha": prob.alpha, "grid": grid, "fd_step": fd_step,
                   "v": "linspace:0.5:1.5", "activation": "tanh",
                   "numpy": np.__version__,
                   "scipy": __import__("scipy").__version__},
        "wall_time": t_wall, "time_minimize": t_min, "time_hessian": t_hess,
        "mu1_at_lambda0": path["mu1"][0],
        "event": first_sign_change(path["lambda"], path["mu1"]),
        "mu1_min": {"value": path["mu1"][imin],
                    "lambda": path["lambda"][imin]},
        "largest_jump": {"norm": float(steps[k - 1]),
                         "lambda": path["lambda"][k],
                         "median_jump": float(np.median(steps))},
        "snap": snap(path, steps, k),
        "iterations_total": int(sum(path["nit"])),
        "points_with_zero_iterations": int(sum(n == 0 for n in path["nit"])),
        "points_not_converged": int(sum(not ok for ok in path["success"])),
        "grad_norm_max": float(gn.max()),
        "grad_norm_median": float(np.median(gn)),
        "index_changes": [{"lambda": path["lambda"][i],
                           "from": path["index"][i - 1],
                           "to": path["index"][i]}
                          for i in range(1, len(gn))
                          if path["index"][i] != path["index"][i - 1]],
        "branch": path,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="CSV, header, target last")
    ap.add_argument("--width", type=int, default=10)
    ap.add_argument("--alpha", type=float, default=4e-3)
    ap.add_argument("--grid", type=int, default=200,
                    help="number of lambda intervals on [0, 1]")
    ap.add_argument("--fd-step", type=float, default=1e-5)
    ap.add_argument("--gtol", type=float, default=None,
                    help="L-BFGS-B gtol (default: scipy's, 1e-5)")
    ap.add_argument("--ftol", type=float, default=None,
                    help="L-BFGS-B ftol (default: scipy's, 2.2e-9)")
    ap.add_argument("--json", help="write JSON here instead of stdout")
    ap.add_argument("--max-time", type=float, default=None,
                    help="stop after the first grid point past this many "
                         "seconds (the result says truncated)")
    a = ap.parse_args()

    t0 = time.perf_counter()
    X, y = load_csv(a.data)
    prob = Problem(X, y, a.width, a.alpha)
    # Default tolerances unless asked: that is what researchers run.
    opts = {k: v for k, v in (("gtol", a.gtol), ("ftol", a.ftol))
            if v is not None}
    path, t_min, t_hess = trace(prob, a.grid, a.fd_step, opts, a.max_time)
    truncated = path.pop("truncated")
    t_wall = time.perf_counter() - t0
    res = summarise(prob, a.grid, a.fd_step, path, t_wall, t_min, t_hess)
    res["config"]["lbfgsb_options"] = opts or "scipy defaults"
    res["truncated"] = truncated
    res["points"] = len(path["lambda"])
    text = json.dumps(res, indent=1)
    if a.json:
        with open(a.json, "w") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
