#!/usr/bin/python3
"""Benchmark of issue 3: `losslab paper` end to end and `losslab widths`
with the default widths, beside the scipy baseline extended to the same
widths, all measured in one run on this machine.

What is measured
----------------
  * losslab paper --jobs J (every experiment of seed 000 appendix B and the
    report folder), median wall time of R runs; goal <= 10 s on 2 cores;
  * losslab widths --jobs J, default widths 3,5,8,10,15,20,30,50,75,100,
    median of R runs; goal <= 3 s;
  * the approach researchers use today, bench/baseline_scipy.py (warm-
    started L-BFGS-B with default tolerances on a 1/200 grid, central-
    difference Hessian, eigh), once per width on the same data (written by
    `losslab gen`, i.e. the built-in data set). At large m one width takes
    minutes, so each run is capped (--scipy-cap seconds, the script's
    --max-time): a capped width is extrapolated from its measured cost per
    grid point, time x (grid + 1) / points, and marked "estimated". The
    baseline runs one width at a time on one BLAS thread; its total is
    divided by J (the best a J-process pool could do, favourable to scipy)
    for the ratio against losslab's J-thread wall time.

Output: a table on stdout and JSON (--json, default bench/paper_results.json).
    /usr/bin/python3 bench/paper_bench.py [--losslab build/losslab]
        [--jobs 2] [--repeats 3] [--scipy-cap 20] [--grid 200]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WIDTHS = [3, 5, 8, 10, 15, 20, 30, 50, 75, 100]


def wall(cmd, env=None):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def median_wall(cmd, repeats):
    times = [wall(cmd) for _ in range(repeats)]
    return statistics.median(times), times


def scipy_width(data, m, grid, cap, tmp):
    out = os.path.join(tmp, f"scipy-{m}.json")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    cmd = ["/usr/bin/python3", os.path.join(HERE, "baseline_scipy.py"),
           "--data", data, "--width", str(m), "--grid", str(grid),
           "--json", out, "--max-time", str(cap)]
    t = wall(cmd, env)
    with open(out) as fh:
        r = json.load(fh)
    pts = r["points"]
    full = r["wall_time"] * (grid + 1) / pts if r["truncated"] else t
    return {"width": m, "measured_s": t, "points": pts,
            "truncated": r["truncated"], "time_s": full,
            "event": r["event"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--losslab", default=os.path.join(HERE, "..", "build",
                                                      "losslab"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scipy-cap", type=float, default=20.0)
    ap.add_argument("--grid", type=int, default=200)
    ap.add_argument("--json", default=os.path.join(HERE,
                                                   "paper_results.json"))
    a = ap.parse_args()
    ll = os.path.abspath(a.losslab)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data.csv")
        subprocess.run([ll, "gen", "--out", data], check=True,
                       stdout=subprocess.DEVNULL)
        j = str(a.jobs)
        t_paper, paper_runs = median_wall(
            [ll, "paper", "--out", os.path.join(tmp, "paper"), "--quiet",
             "--jobs", j], a.repeats)
        t_widths, widths_runs = median_wall(
            [ll, "widths", "--quiet", "--jobs", j], a.repeats)
        scipy = []
        for m in WIDTHS:
            scipy.append(scipy_width(data, m, a.grid, a.scipy_cap, tmp))
            s = scipy[-1]
            print(f"  scipy m = {m:3d}: {s['time_s']:9.1f} s"
                  f"{' (estimated from ' + str(s['points']) + ' points)' if s['truncated'] else ''}",
                  file=sys.stderr)
    total = sum(s["time_s"] for s in scipy)
    res = {
        "machine": {"cpus": os.cpu_count(),
                    "loadavg_at_end": os.getloadavg()},
        "jobs": a.jobs, "repeats": a.repeats, "grid": a.grid,
        "scipy_cap_s": a.scipy_cap,
        "losslab_paper_s": t_paper, "losslab_paper_runs": paper_runs,
        "losslab_widths_s": t_widths, "losslab_widths_runs": widths_runs,
        "scipy_widths_serial_s": total,
        "scipy_widths_per_jobs_s": total / a.jobs,
        "scipy_widths_estimated": [s["width"] for s in scipy
                                   if s["truncated"]],
        "ratio_widths": total / a.jobs / t_widths,
        "ratio_paper": total / a.jobs / t_paper,
        "scipy": scipy,
    }
    with open(a.json, "w") as fh:
        json.dump(res, fh, indent=1)
        fh.write("\n")
    print(f"losslab paper  (jobs {a.jobs}, median of {a.repeats}): "
          f"{t_paper:7.2f} s   goal <= 10 s")
    print(f"losslab widths (jobs {a.jobs}, median of {a.repeats}): "
          f"{t_widths:7.2f} s   goal <= 3 s")
    est = res["scipy_widths_estimated"]
    print(f"scipy baseline, same widths, grid 1/{a.grid}: {total:9.1f} s "
          f"serial, {total / a.jobs:9.1f} s / {a.jobs} processes"
          + (f" (m = {', '.join(map(str, est))} estimated from the cost "
             f"per grid point, cap {a.scipy_cap:g} s)" if est else ""))
    print(f"ratio scipy / losslab widths: {res['ratio_widths']:.0f}x; "
          f"scipy widths / losslab paper (all experiments): "
          f"{res['ratio_paper']:.0f}x")
    print(f"machine: {os.cpu_count()} CPUs, load average at the end "
          f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
