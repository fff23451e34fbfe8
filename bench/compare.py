#!/usr/bin/python3
"""losslab trace versus the scipy baseline, side by side (issue 2, Benchmarks).

What is measured, and why
-------------------------
The issue sets two time goals for `losslab trace` on the built-in problem of
MATH.md section 4 (d = 5, N = 500, alpha = 4e-3, tanh, v = linspace(.5,1.5,m)):
the whole run (branch on [0, 1], events located, coefficients) in <= 0.2 s
wall for m = 10 and <= 2 s for m = 100, on the 2-core machine. It also asks
for the approach researchers use today (bench/baseline_scipy.py: L-BFGS-B
warm-started on a 1/200 grid, finite-difference Hessian, eigh) on the same
problems, with the speed ratio and both methods' gradient norms and event
locations side by side.

For each width m (10 and 100), on ONE data file written by `losslab gen`:
  * losslab trace --data FILE: wall time of the whole process, measured from
    here with time.perf_counter() around subprocess.run (so it includes
    process start, reading the CSV and writing the JSON); best of --repeats
    runs (the best is the least disturbed by other load; the median is shown
    too). The time goal is checked on `losslab trace` without --data (the
    built-in generator), timed the same way.
  * the baseline, once (it is slow), with scipy's default tolerances, and
    once more with tight ones (gtol 1e-10, ftol 1e-15) unless --no-tight:
    loosening or tightening the minimiser changes what it reports, which is
    the point the issue makes.
Gradient norms are ||grad L||_2 (unscaled) at the accepted points of each
method's path; event lambdas are losslab's located events and, for the
baseline, the linearly interpolated sign change of the smallest
finite-difference eigenvalue, plus its largest jump between grid points.

Output: a Markdown table on stdout and in bench/results.md (with the machine
and the date), raw numbers in bench/results.json.
    bench/run.sh [--losslab build/losslab] [--quick] [--repeats 5]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GOALS = {10: 0.2, 100: 2.0}  # seconds, issue 2
ALPHA = 4e-3
TIGHT = ["--gtol", "1e-10", "--ftol", "1e-15"]


def run_timed(cmd):
    """Wall time of one process, from outside; raises on failure."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    t = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n"
                           f"{p.stderr.strip()}")
    return t


def time_losslab(cmd, repeats):
    times = [run_timed(cmd) for _ in range(repeats)]
    return {"best": min(times), "median": statistics.median(times),
            "all": times}


def losslab_summary(path):
    with open(path) as fh:
        r = json.load(fh)
    gn = r["branch"]["grad_norm"]
    ev = [{"type": e["type"], "lambda": e["lambda"],
           "index": [e.get("index_before"), e.get("index_after")],
           "grad_norm": e.get("grad_norm")} for e in r.get("events", [])]
    return {"events": ev, "grad_norm_max": max(gn),
            "grad_norm_median": statistics.median(gn),
            "points": len(gn),
            "lambda1_prime0": r.get("lambda1_prime0"),
            "lambda_star_predicted": r.get("lambda_star_predicted")}


def run_losslab(exe, data, m, work, repeats):
    out = os.path.join(work, f"losslab_m{m}.json")
    cmd = [exe, "trace", "--data", data, "--width", str(m),
           "--alpha", repr(ALPHA), "--json", out, "--quiet"]
    res = {"time": time_losslab(cmd, repeats)}
    res.update(losslab_summary(out))
    builtin = os.path.join(work, f"losslab_builtin_m{m}.json")
    cmd = [exe, "trace", "--width", str(m), "--alpha", repr(ALPHA),
           "--json", builtin, "--quiet"]
    res["time_builtin"] = time_losslab(cmd, repeats)
    b = losslab_summary(builtin)
    # The CSV is written with 17 digits, so both runs must agree.
    res["builtin_events_match"] = (
        [e["type"] for e in b["events"]] == [e["type"] for e in res["events"]]
        and all(abs(a["lambda"] - c["lambda"]) <= 1e-9
                for a, c in zip(b["events"], res["events"])))
    return res


def run_baseline(data, m, grid, work, extra, tag):
    out = os.path.join(work, f"baseline_{tag}_m{m}.json")
    cmd = [sys.executable, os.path.join(HERE, "baseline_scipy.py"),
           "--data", data, "--width", str(m), "--alpha", repr(ALPHA),
           "--grid", str(grid), "--json", out] + extra
    t = run_timed(cmd)
    with open(out) as fh:
        r = json.load(fh)
    r.pop("branch")
    r["process_wall_time"] = t
    return r


def machine(exe, load_before):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = "?"
    for pkg in ("libopenblas0-pthread", "libopenblas0", "libopenblas0-openmp"):
        p = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
        if p.returncode == 0 and p.stdout:
            blas = f"{pkg} {p.stdout}"
            break
    git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout.strip() or "?"
    import numpy
    import scipy
    ver = subprocess.run([exe, "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "openblas": blas,
            "losslab": f"{exe}: {ver or '?'}",
            # Other work on the machine inflates every time: say how much.
            "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS",
                                                   "unset"),
            "kernel": platform.release(), "python": platform.python_version(),
            "numpy": numpy.__version__, "scipy": scipy.__version__,
            "git": git,
            "date": datetime.datetime.now().astimezone().isoformat(
                timespec="seconds")}


def fmt_ll_event(res):
    if not res["events"]:
        return "none on [0, 1]"
    e = res["events"][0]
    return f"{e['lambda']:.10f} ({e['type']}, index {e['index'][0]}->{e['index'][1]})"


def fmt_bl_event(r):
    e = r["event"]
    s = f"{e['lambda']:.4f} (mu1 sign change)" if e else "none (mu1 > 0 on grid)"
    j = r["largest_jump"]
    s += f"; largest jump {j['norm']:.2g} at {j['lambda']:.3f}"
    return s


def table(results, grid):
    rows = ["| method | m | wall time (s) | first event: lambda (type) "
            "| max grad norm | median grad norm | time / losslab |",
            "|---|---|---|---|---|---|---|"]
    for m, r in results.items():
        ll = r["losslab"]
        tb = ll["time"]["best"]
        rows.append(f"| losslab trace (best of {len(ll['time']['all'])}; "
                    f"median {ll['time']['median']:.3f} s) | {m} | {tb:.3f} | "
                    f"{fmt_ll_event(ll)} | {ll['grad_norm_max']:.1e} | "
                    f"{ll['grad_norm_median']:.1e} | 1 |")
        for tag, label in (("default", "scipy L-BFGS-B, default tol"),
                           ("tight", "scipy L-BFGS-B, gtol 1e-10 ftol 1e-15")):
            if tag not in r:
                continue
            b = r[tag]
            rows.append(f"| {label}, grid 1/{grid}, FD Hessian + eigh | {m} | "
                        f"{b['process_wall_time']:.2f} | {fmt_bl_event(b)} | "
                        f"{b['grad_norm_max']:.1e} | "
                        f"{b['grad_norm_median']:.1e} | "
                        f"{b['process_wall_time'] / tb:.0f}x |")
    return "\n".join(rows)


def goals_text(results):
    lines = []
    for m, r in results.items():
        if m not in GOALS:
            continue
        t = r["losslab"]["time_builtin"]["best"]
        ok = "PASS" if t <= GOALS[m] else "FAIL"
        lines.append(f"- m = {m}: built-in problem, best {t:.3f} s "
                     f"(median {r['losslab']['time_builtin']['median']:.3f} s)"
                     f" vs goal {GOALS[m]} s: **{ok}**"
                     + ("" if r["losslab"]["builtin_events_match"] else
                        " (warning: events differ from the CSV run)"))
    return "\n".join(lines)


def details_text(results):
    lines = []
    for m, r in results.items():
        ll = r["losslab"]
        evs = ", ".join(f"{e['type']} at {e['lambda']:.10f} "
                        f"(index {e['index'][0]}->{e['index'][1]})"
                        for e in ll["events"]) or "none"
        lines.append(f"- m = {m}, losslab: {ll['points']} branch points; "
                     f"events: {evs}; lambda1'(0) = {ll['lambda1_prime0']:.6g},"
                     f" predicted lambda* = {ll['lambda_star_predicted']:.6g}")
        for tag in ("default", "tight"):
            if tag not in r:
                continue
            b = r[tag]
            ch = ", ".join(f"{c['from']}->{c['to']} at {c['lambda']:.3f}"
                           for c in b["index_changes"]) or "none"
            lines.append(
                f"- m = {m}, baseline ({tag}): minimiser {b['time_minimize']:.2f}"
                f" s, FD Hessian + eigh {b['time_hessian']:.2f} s; "
                f"{b['iterations_total']} L-BFGS-B iterations, "
                f"{b['points_with_zero_iterations']} grid points with none, "
                f"{b['points_not_converged']} not converged; min mu1 = "
                f"{b['mu1_min']['value']:.3g} at {b['mu1_min']['lambda']:.3f}; "
                f"FD index changes: {ch}")
    return "\n".join(lines)


def gen_data(exe, work):
    data = os.path.join(work, "data.csv")
    run_timed([exe, "gen", "--out", data, "--dim", "5", "--samples", "500",
               "--seed", "0"])
    return data


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--losslab", default=os.path.join(ROOT, "build", "losslab"))
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: grid 50, 2 repeats")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--widths", type=int, nargs="+", default=[10, 100])
    ap.add_argument("--no-tight", action="store_true",
                    help="skip the tight-tolerance baseline")
    ap.add_argument("--data", help="use this CSV instead of `losslab gen`")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    return ap.parse_args()


def main():
    a = parse_args()
    grid, repeats = (50, min(a.repeats, 2)) if a.quick else (200, a.repeats)
    exe = os.path.abspath(a.losslab)
    if not os.access(exe, os.X_OK):
        sys.exit(f"compare: no losslab binary at {exe} (make build, or "
                 "pass --losslab PATH)")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="losslab-bench-") as work:
        data = a.data or gen_data(exe, work)
        results = {}
        for m in a.widths:
            print(f"bench: m = {m}: losslab ...", file=sys.stderr)
            r = {"losslab": run_losslab(exe, data, m, work, repeats)}
            print(f"bench: m = {m}: baseline (slow) ...", file=sys.stderr)
            r["default"] = run_baseline(data, m, grid, work, [], "default")
            if not a.no_tight:
                r["tight"] = run_baseline(data, m, grid, work, TIGHT, "tight")
            results[m] = r
    write_report(a, results, grid, machine(exe, load_before))


def fmt_load(la):
    return "/".join(f"{x:.2f}" for x in la)


def write_report(a, results, grid, mach):
    md = [f"# losslab benchmark ({'quick smoke run' if a.quick else 'full run'})",
          "",
          f"{mach['date']}, git {mach['git']}; {mach['nproc']} cores, "
          f"{mach['cpu']}; {mach['openblas']} (OPENBLAS_NUM_THREADS "
          f"{mach['OPENBLAS_NUM_THREADS']}); Python {mach['python']}, numpy "
          f"{mach['numpy']}, scipy {mach['scipy']}.",
          f"Binary {mach['losslab']}. Load average (1, 5, 15 min) before "
          f"{fmt_load(mach['loadavg_before'])}, after "
          f"{fmt_load(mach['loadavg_after'])} (above {mach['nproc']} means "
          "other work shared the cores and the times are pessimistic).",
          "",
          f"Data: {'`' + a.data + '`' if a.data else '`losslab gen --dim 5 --samples 500 --seed 0`'}"
          f" (MATH.md section 4), alpha = {ALPHA}, tanh, v = linspace(0.5, 1.5, m).",
          "Wall times are whole processes timed from Python. Gradient norms are "
          "||grad L||_2 at the accepted points of each path.",
          "",
          table(results, grid), "",
          "Time goals of issue 2 (information):", goals_text(results), "",
          "Details:", details_text(results), ""]
    text = "\n".join(md)
    print(text)
    with open(a.out, "w") as fh:
        fh.write(text)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as fh:
        json.dump({"machine": mach, "grid": grid, "results": results}, fh,
                  indent=1)


if __name__ == "__main__":
    main()
