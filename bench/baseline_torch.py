#!/usr/bin/python3
"""The baseline a researcher would write with exact derivatives: PyTorch.

What this measures, and why
---------------------------
Issue 5 asks how losslab compares with what a researcher would write
themselves with today's tools and EXACT derivatives (not the finite
differences of bench/baseline_scipy.py). This script is that program:

  * the model and loss of MATH.md section 1 in PyTorch, float64:
        f(x) = sum_j v_j h(w_j . x, lambda),  h(z, l) = (1 - l) z + l tanh(z)
        L(W) = 1/(2N) sum_n (f(x_n) - y_n)^2 + alpha/2 ||W||_F^2
    only W is trained (flattened row by row, index j*d + i, as losslab),
    v = linspace(0.5, 1.5, m) fixed;
  * derivatives by autograd: the gradient F; the Hessian H by
    reverse-over-reverse (torch.autograd.grad with is_grads_batched, i.e.
    torch.autograd.functional.hessian(vectorize=True) done in chunks of
    rows so that memory stays bounded at large P); F_p = dF/dlambda as the
    gradient in theta of dL/dlambda (mixed partials commute);
  * the same pseudo-arclength continuation as losslab (MATH.md section 2,
    src/cont): start at the closed-form minimiser at lambda = 0 polished by
    Newton, tangent from [[H, F_p], [t^T]] t = e, predictor-corrector with
    Newton on the bordered system (torch.linalg.solve), ||F|| <= 1e-12 *
    max(1, ||F(0, 0)||), adaptive step (halve on a failed/slow corrector or
    a tangent turning more than 0.15 rad, grow by 1.5 after a fast one,
    ds0 = 0.02, ds_max = 0.1), landing on lambda = 1;
  * at every accepted point all eigenvalues (torch.linalg.eigvalsh), the
    Morse index as the number of negative ones;
  * events: a sign change of the smallest eigenvalue between accepted
    points, located by bisection in the arc coordinate of the last tangent
    (corrector at each midpoint) to |d lambda| <= 1e-10.

Threads: torch.set_num_threads(--threads), 1 by default, like losslab's one
BLAS thread. Writes JSON (wall time and parts, events, gradient norms along
the branch, the branch arrays).
    /usr/bin/python3 bench/baseline_torch.py --data data.csv --width 10 \
        [--alpha 4e-3] [--threads 1] [--json out.json]
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import torch

DT = torch.float64
NEWTON_TOL, NEWTON_MAXIT = 1e-12, 10
DS0, DS_MIN, DS_MAX, MAX_ANGLE = 0.02, 1e-9, 0.1, 0.15
SLOW_ITS, FAST_ITS, GROW = 5, 3, 1.5
LOCATE_TOL = 1e-10
CHUNK_BYTES = 4e8  # memory of one batch of Hessian rows (graph of N x m)


class Model:
    """Loss, gradient, Hessian and F_p of MATH.md section 1 (tanh)."""

    def __init__(self, X, y, m, alpha):
        self.X = torch.tensor(X, dtype=DT)
        self.y = torch.tensor(y, dtype=DT)
        self.N, self.d = X.shape
        self.m, self.P, self.alpha = m, m * X.shape[1], alpha
        self.v = torch.linspace(0.5, 1.5, m, dtype=DT)
        self.chunk = max(1, min(self.P, int(CHUNK_BYTES /
                                            (8.0 * self.N * m * 6))))
        self.t_hess = self.t_solve = self.t_eig = 0.0
        self.n_hess = self.n_solve = self.n_eig = 0

    def loss(self, th, lam):
        W = th.view(self.m, self.d)
        Z = self.X @ W.T
        r = ((1.0 - lam) * Z + lam * torch.tanh(Z)) @ self.v - self.y
        return 0.5 * (r @ r) / self.N + 0.5 * self.alpha * (th @ th)

    def grad(self, th, lam):
        th = th.detach().requires_grad_(True)
        g, = torch.autograd.grad(self.loss(th, lam), th)
        return g

    def hess_fp(self, th, lam):
        """H (P x P) by batched reverse-over-reverse, and F_p."""
        t0 = time.perf_counter()
        th = th.detach().requires_grad_(True)
        lt = torch.tensor(lam, dtype=DT, requires_grad=True)
        L = self.loss(th, lt)
        g, = torch.autograd.grad(L, th, create_graph=True)
        H = torch.empty(self.P, self.P, dtype=DT)
        eye = torch.eye(self.P, dtype=DT)
        for a in range(0, self.P, self.chunk):
            b = min(self.P, a + self.chunk)
            rows, = torch.autograd.grad(g, th, grad_outputs=eye[a:b],
                                        retain_graph=True,
                                        is_grads_batched=True)
            H[a:b] = rows
        dL, = torch.autograd.grad(L, lt, create_graph=True)
        Fp, = torch.autograd.grad(dL, th)
        self.t_hess += time.perf_counter() - t0
        self.n_hess += 1
        return 0.5 * (H + H.T), Fp.detach()

    def closed_form_lambda0(self):
        Sigma = self.X.T @ self.X / self.N
        gamma = self.X.T @ self.y / self.N
        A = self.alpha * torch.eye(self.d, dtype=DT) + (self.v @ self.v) * Sigma
        u = torch.linalg.solve(A, gamma)
        return torch.outer(self.v, u).reshape(-1)


class Cont:
    """Pseudo-arclength continuation of F(theta, lambda) = 0."""

    def __init__(self, model):
        self.M = model
        self.P = model.P
        self.newton_iters = self.rejected = 0
        self.ftol = NEWTON_TOL
        self.truncated = False

    def solve(self, A, b):
        t0 = time.perf_counter()
        x = torch.linalg.solve(A, b)
        self.M.t_solve += time.perf_counter() - t0
        self.M.n_solve += 1
        return x

    def bordered(self, X, c):
        H, Fp = self.M.hess_fp(X[:-1], float(X[-1]))
        J = torch.empty(self.P + 1, self.P + 1, dtype=DT)
        J[:-1, :-1], J[:-1, -1], J[-1, :] = H, Fp, c
        return J

    def newton_fixed(self, x, lam):
        dn = 0.0
        for it in range(NEWTON_MAXIT + 1):
            F = self.M.grad(x, lam)
            fn = float(torch.linalg.norm(F))
            if fn <= self.ftol and (it == 0 or dn <= 1e-6 * (1 + float(
                    torch.linalg.norm(x)))):
                return x
            H, _ = self.M.hess_fp(x, lam)
            dx = self.solve(H, -F)
            x = x + dx
            dn = float(torch.linalg.norm(dx))
            self.newton_iters += 1
        raise RuntimeError(f"Newton at fixed lambda = {lam} did not converge")

    def correct(self, X, c, Xa, sigma):
        """Newton on [F; c.(X - Xa) - sigma]; (X, its) or (None, its)."""
        dn = 0.0
        for it in range(NEWTON_MAXIT + 1):
            F = self.M.grad(X[:-1], float(X[-1]))
            g = float(c @ (X - Xa)) - sigma
            fn, xn = float(torch.linalg.norm(F)), float(torch.linalg.norm(X))
            if not (math.isfinite(fn) and math.isfinite(g)):
                return None, it
            if fn <= self.ftol and abs(g) <= 1e-12 * (1 + xn) and (
                    it == 0 or dn <= 1e-6 * (1 + xn)):
                return X, it
            if it == NEWTON_MAXIT:
                break
            J = self.bordered(X, c)
            rhs = torch.cat([-F, torch.tensor([-g], dtype=DT)])
            d = self.solve(J, rhs)
            X = X + d
            dn = float(torch.linalg.norm(d))
            self.newton_iters += 1
        return None, NEWTON_MAXIT + 1

    def tangent(self, X, c):
        if c is None:
            H, Fp = self.M.hess_fp(X[:-1], float(X[-1]))
            t = torch.cat([self.solve(H, -Fp), torch.ones(1, dtype=DT)])
        else:
            e = torch.zeros(self.P + 1, dtype=DT)
            e[-1] = 1.0
            t = self.solve(self.bordered(X, c), e)
        return t / torch.linalg.norm(t)

    def step(self, Xa, ta, ds):
        """One adaptive step: (X, t, ds_next)."""
        while True:
            if ds < DS_MIN:
                raise RuntimeError(f"step fell below ds_min at {float(Xa[-1])}")
            X, its = self.correct(Xa + ds * ta, ta, Xa, ds)
            if X is not None and its <= SLOW_ITS:
                t = self.tangent(X, ta)
                cs = min(1.0, float(ta @ t))
                if math.acos(cs) <= MAX_ANGLE:
                    if its <= FAST_ITS:
                        ds = min(ds * GROW, DS_MAX)
                    return X, t, ds
            ds *= 0.5
            self.rejected += 1

    def land(self, Xa, ta, X, pbound):
        th = (pbound - float(Xa[-1])) / (float(X[-1]) - float(Xa[-1]))
        x = self.newton_fixed(Xa[:-1] + th * (X[:-1] - Xa[:-1]), pbound)
        Xb = torch.cat([x, torch.tensor([pbound], dtype=DT)])
        return Xb, self.tangent(Xb, ta)


def spectrum(M, X):
    H, _ = M.hess_fp(X[:-1], float(X[-1]))
    t0 = time.perf_counter()
    ev = torch.linalg.eigvalsh(H)
    M.t_eig += time.perf_counter() - t0
    M.n_eig += 1
    return ev


def locate(C, Xa, ta, Xb, mua, mub):
    """Bisection on mu_1 in the arc coordinate along ta, |dlambda| <= tol."""
    M = C.M
    lo, hi = 0.0, float(ta @ (Xb - Xa))
    flo = mua
    Xlo, Xhi = Xa, Xb
    X = Xb
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        guess = Xlo + (mid - lo) / (hi - lo) * (Xhi - Xlo)
        X, _ = C.correct(guess, ta, Xa, mid)
        if X is None:
            return None
        mu = float(spectrum(M, X)[0])
        if (mu > 0) == (flo > 0):
            lo, flo, Xlo = mid, mu, X
        else:
            hi, Xhi = mid, X
        if abs(float(Xhi[-1]) - float(Xlo[-1])) <= LOCATE_TOL and \
                hi - lo <= LOCATE_TOL:
            break
    return float(X[-1])


def run(M, max_time=None):
    """The continuation; with max_time (s), stop after the first accepted
    point past it (or raise TimeoutError before the first one)."""
    C = Cont(M)
    t_start = time.perf_counter()
    x0 = M.closed_form_lambda0()
    C.ftol = NEWTON_TOL * max(1.0, float(torch.linalg.norm(
        M.grad(torch.zeros(M.P, dtype=DT), 0.0))))
    x = C.newton_fixed(x0, 0.0)
    X = torch.cat([x, torch.zeros(1, dtype=DT)])
    t = C.tangent(X, None)
    ev = spectrum(M, X)
    br = {k: [] for k in ("lambda", "index", "mu1", "grad_norm", "loss")}
    events = []

    def record(X, ev):
        th, lam = X[:-1], float(X[-1])
        br["lambda"].append(lam)
        br["index"].append(int((ev < 0).sum()))
        br["mu1"].append(float(ev[0]))
        br["grad_norm"].append(float(torch.linalg.norm(M.grad(th, lam))))
        br["loss"].append(float(M.loss(th, lam)))

    record(X, ev)
    ds, s = DS0, 0.0
    for _ in range(10000):
        Xb, tb, ds = C.step(X, t, ds)
        final = float(Xb[-1]) > 1.0 or float(Xb[-1]) < 0.0
        if final:
            Xb, tb = C.land(X, t, Xb, 1.0 if float(Xb[-1]) > 1.0 else 0.0)
        evb = spectrum(M, Xb)
        if (float(ev[0]) > 0) != (float(evb[0]) > 0):
            lam = locate(C, X, t, Xb, float(ev[0]), float(evb[0]))
            events.append({"lambda": lam, "index_before": br["index"][-1],
                           "index_after": int((evb < 0).sum()),
                           "fold": (float(t[-1]) > 0) != (float(tb[-1]) > 0)})
        s += float(torch.linalg.norm(Xb - X))
        X, t, ev = Xb, tb, evb
        record(X, ev)
        if final:
            break
        if max_time and time.perf_counter() - t_start > max_time:
            C.truncated = True
            break
    return br, events, C, s


def probe(M, out):
    """Cost of one of each part, for an estimate of a whole run."""
    th = M.closed_form_lambda0()
    t0 = time.perf_counter()
    H, Fp = M.hess_fp(th, 0.5)
    t1 = time.perf_counter()
    torch.linalg.eigvalsh(H)
    t2 = time.perf_counter()
    J = torch.eye(M.P + 1, dtype=DT)
    J[:-1, :-1], J[:-1, -1], J[-1, :-1] = H, Fp, Fp
    torch.linalg.solve(J, torch.ones(M.P + 1, dtype=DT))
    t3 = time.perf_counter()
    res = {"probe": True, "P": M.P, "threads": torch.get_num_threads(),
           "torch": torch.__version__, "t_hessian": t1 - t0,
           "t_eig": t2 - t1, "t_solve": t3 - t2}
    text = json.dumps(res, indent=1)
    if out:
        with open(out, "w") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


def load_csv(path):
    a = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return a[:, :-1].copy(), a[:, -1].copy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="CSV, header, target last")
    ap.add_argument("--width", type=int, default=10)
    ap.add_argument("--alpha", type=float, default=4e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", help="write JSON here instead of stdout")
    ap.add_argument("--max-time", type=float, default=None,
                    help="stop after the first accepted point past this many "
                         "seconds and report the partial branch (truncated)")
    ap.add_argument("--probe", action="store_true",
                    help="only time one Hessian (+ F_p), one eigvalsh and one "
                         "bordered solve at the lambda = 0 minimiser, lambda "
                         "= 0.5 (for sizes where the whole run takes hours)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    X, y = load_csv(a.data)
    M = Model(X, y, a.width, a.alpha)
    if a.probe:
        probe(M, a.json)
        return
    br, events, C, length = run(M, a.max_time)
    wall = time.perf_counter() - t0
    gn = np.array(br["grad_norm"])
    res = {
        "method": "PyTorch autograd Hessian + pseudo-arclength continuation",
        "config": {"N": M.N, "d": M.d, "width": M.m, "P": M.P,
                   "alpha": M.alpha, "activation": "tanh",
                   "v": "linspace:0.5:1.5", "torch": torch.__version__,
                   "threads": torch.get_num_threads(),
                   "hessian_chunk_rows": M.chunk},
        "wall_time": wall, "time_hessian": M.t_hess,
        "time_solve": M.t_solve, "time_eig": M.t_eig,
        "hessians": M.n_hess, "solves": M.n_solve, "eigs": M.n_eig,
        "newton_iters": C.newton_iters,
        "steps_rejected": C.rejected, "points": len(br["lambda"]),
        "truncated": C.truncated, "lambda_reached": br["lambda"][-1],
        "arclength": length, "events": events,
        "grad_norm_max": float(gn.max()),
        "grad_norm_median": float(np.median(gn)),
        "index_changes": [{"lambda": br["lambda"][i],
                           "from": br["index"][i - 1], "to": br["index"][i]}
                          for i in range(1, len(gn))
                          if br["index"][i] != br["index"][i - 1]],
        "branch": br,
    }
    text = json.dumps(res, indent=1)
    if a.json:
        with open(a.json, "w") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
