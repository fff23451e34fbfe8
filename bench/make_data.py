#!/usr/bin/python3
"""Stand-in for `losslab gen`: the data of MATH.md section 4 (Exp. 2-3) in numpy.

    x ~ N(0, I_d),  y = x . wl + 0.4 tanh(1.5 x . wnl) + noise * eps
    wl = (1, .5, -.3, .2, -.1),  wnl = (.3, -.7, .5, -.2, .4)   (d = 5)

Same formula as losslab's generator but not the same random stream (losslab
uses GSL's mt19937), so the numbers differ; the benchmark proper uses
`losslab gen`. This file exists to test the baseline on its own.
    /usr/bin/python3 bench/make_data.py --out data.csv [--samples 500 --seed 0]
"""
import argparse

import numpy as np

WL = np.array([1.0, 0.5, -0.3, 0.2, -0.1])
WNL = np.array([0.3, -0.7, 0.5, -0.2, 0.4])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", type=float, default=0.05)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    X = rng.standard_normal((a.samples, 5))
    y = X @ WL + 0.4 * np.tanh(1.5 * X @ WNL) + a.noise * rng.standard_normal(a.samples)
    header = ",".join([f"x{i + 1}" for i in range(5)] + ["y"])
    np.savetxt(a.out, np.column_stack([X, y]), delimiter=",", header=header,
               comments="", fmt="%.17g")


if __name__ == "__main__":
    main()
