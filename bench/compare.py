#!/usr/bin/python3
"""losslab trace versus two baselines, side by side (issues 2 and 5).

What is measured, and why
-------------------------
Issue 2 set two time goals for `losslab trace` on the built-in problem of
MATH.md section 4 (d = 5, N = 500, alpha = 4e-3, tanh, v = linspace(.5,1.5,m)):
<= 0.2 s wall for m = 10 and <= 2 s for m = 100 on the 2-core machine, and
asked for the approach researchers use today (bench/baseline_scipy.py:
L-BFGS-B warm-started on a 1/200 grid, finite-difference Hessian, eigh).
Issue 5 adds the baseline a researcher would write with exact derivatives
(bench/baseline_torch.py: PyTorch autograd Hessian, torch.linalg, the same
pseudo-arclength continuation as losslab) and larger problems: m in
{10, 100, 1000} at d = 5 and m = 100 at d = 50 (data by `losslab gen --dim D
--samples 500 --seed 0`, one file per d, read by all three).

For each problem, in ONE run:
  * losslab trace --data FILE: wall time of the whole process (from here,
    time.perf_counter() around it, so process start, CSV and JSON count);
    best of --repeats runs at P <= 500, one run above (the median is shown
    too). The issue-2 goals are checked on the built-in generator.
  * the scipy baseline with scipy's default tolerances (and tight ones,
    gtol 1e-10 ftol 1e-15, at m <= 100 and d = 5 unless --no-tight). At
    P = 5000 the whole sweep takes hours (2P gradient calls per grid point
    for the FD Hessian, plus a 5000 x 5000 eigh): it runs with --max-time
    (stops after the first grid point past --scipy-cap seconds, at least
    2 points) and the table shows the estimate (measured seconds per grid
    point) x (grid + 1), marked "estimated".
  * the torch baseline, whole run at P <= 500. At P = 5000 an autograd
    Hessian alone takes minutes (m = 1000: ~3 min), so it runs --probe (one
    Hessian + F_p, one eigvalsh, one bordered solve) and the table shows the
    estimate: the number of each part per accepted point, measured in the
    largest whole torch run (the same algorithm and step control as
    losslab's), times losslab's number of accepted points on the problem,
    times the measured cost of each part; marked "estimated".
Peak memory: ru_maxrss of each subprocess (os.wait4), in MB. Gradient norms
are ||grad L||_2 (unscaled) at the accepted points of each path. Event
lambdas: losslab's located first event; the baselines' first sign change of
the smallest eigenvalue (torch: bisection to 1e-10; scipy: linear
interpolation on the grid). Threads: one (OPENBLAS_NUM_THREADS=1 for numpy,
torch.set_num_threads(1), losslab's default), stated in the report.

Output: a Markdown table on stdout and in bench/results.md (with the machine
and the date), raw numbers in bench/results.json.
    bench/run.sh [--losslab build/losslab] [--quick] [--repeats 5]
"""
import argparse
import math
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import signal
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GOALS = {10: 0.2, 100: 2.0}  # seconds, issue 2 (d = 5, built-in data)
ALPHA = 4e-3
TIGHT = ["--gtol", "1e-10", "--ftol", "1e-15"]
PROBLEMS = [(5, 10), (5, 100), (5, 1000), (50, 100)]  # (d, m)
QUICK_PROBLEMS = [(5, 10), (5, 100)]
SMALL_P = 500  # whole baseline runs up to this P


class _Popen(subprocess.Popen):
    """Popen that keeps the child's own ru_maxrss (os.wait4; RUSAGE_CHILDREN
    would give the largest of all children so far)."""

    maxrss_mb = float("nan")

    def _try_wait(self, wait_flags):
        try:
            pid, sts, ru = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return (self.pid, 0)
        if pid == self.pid:
            self.maxrss_mb = ru.ru_maxrss / 1024.0
        return (pid, sts)


def run_measured(cmd, cap=None):
    """Wall time and peak RSS (MB) of one process, one BLAS/OpenMP thread;
    raises on failure. cap: seconds after which the process gets SIGINT
    (losslab then writes what it has and exits 130, accepted here)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    t0 = time.perf_counter()
    with _Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, env=env) as p:
        try:
            _, err = p.communicate(timeout=cap)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGINT)
            _, err = p.communicate()
    t = time.perf_counter() - t0
    if cap is not None and p.returncode == 130:
        return t, p.maxrss_mb
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n"
                           f"{err.strip()}")
    return t, p.maxrss_mb


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
            "status": r.get("status"),
            "reached_lambda": r["branch"]["lambda"][-1],
            "lambda1_prime0": r.get("lambda1_prime0"),
            "lambda_star_predicted": r.get("lambda_star_predicted")}


def time_runs(cmd, repeats, cap=None):
    runs = [run_measured(cmd, cap) for _ in range(repeats)]
    times = [t for t, _ in runs]
    return {"best": min(times), "median": statistics.median(times),
            "all": times, "maxrss_mb": max(r for _, r in runs)}


def run_losslab(exe, data, d, m, work, repeats, cap=None):
    out = os.path.join(work, f"losslab_d{d}_m{m}.json")
    cmd = [exe, "trace", "--data", data, "--width", str(m),
           "--alpha", repr(ALPHA), "--json", out, "--quiet"]
    res = {"time": time_runs(cmd, repeats, cap)}
    res.update(losslab_summary(out))
    res["capped"] = cap if res.get("status") == "LL_STOP_CANCEL" else None
    if d == 5 and m in GOALS:
        builtin = os.path.join(work, f"losslab_builtin_m{m}.json")
        cmd = [exe, "trace", "--width", str(m), "--alpha", repr(ALPHA),
               "--json", builtin, "--quiet"]
        res["time_builtin"] = time_runs(cmd, repeats)
        b = losslab_summary(builtin)
        # The CSV is written with 17 digits, so both runs must agree.
        res["builtin_events_match"] = (
            [e["type"] for e in b["events"]] ==
            [e["type"] for e in res["events"]]
            and all(abs(x["lambda"] - c["lambda"]) <= 1e-9
                    for x, c in zip(b["events"], res["events"])))
    return res


def run_scipy(data, d, m, grid, work, extra, tag, cap):
    out = os.path.join(work, f"scipy_{tag}_d{d}_m{m}.json")
    cmd = [sys.executable, os.path.join(HERE, "baseline_scipy.py"),
           "--data", data, "--width", str(m), "--alpha", repr(ALPHA),
           "--grid", str(grid), "--json", out] + extra
    if cap:
        cmd += ["--max-time", repr(cap)]
    t, rss = run_measured(cmd)
    with open(out) as fh:
        r = json.load(fh)
    r.pop("branch")
    r["process_wall_time"], r["maxrss_mb"] = t, rss
    if r.get("truncated"):
        per = r["wall_time"] / r["points"]
        r["estimated_wall_time"] = per * (grid + 1)
        r["seconds_per_point"] = per
    return r


def run_torch(data, d, m, work, probe):
    out = os.path.join(work, f"torch_d{d}_m{m}.json")
    cmd = [sys.executable, os.path.join(HERE, "baseline_torch.py"),
           "--data", data, "--width", str(m), "--alpha", repr(ALPHA),
           "--threads", "1", "--json", out] + (["--probe"] if probe else [])
    t, rss = run_measured(cmd)
    with open(out) as fh:
        r = json.load(fh)
    r.pop("branch", None)
    r["process_wall_time"], r["maxrss_mb"] = t, rss
    return r


def torch_estimate(probe, ref, points):
    """Whole-run estimate from one probe: parts per accepted point of the
    reference (a whole torch run, same algorithm) x losslab's number of
    points on the problem x the probe's cost of each part."""
    pts = ref["points"]
    n_h, n_s, n_e = (ref["hessians"] / pts, ref["solves"] / pts,
                     ref["eigs"] / pts)
    est = points * (n_h * probe["t_hessian"] + n_s * probe["t_solve"] +
                    n_e * probe["t_eig"])
    return {"estimated_wall_time": est, "hessians_per_point": n_h,
            "solves_per_point": n_s, "eigs_per_point": n_e, "points": points,
            "reference": f"d = {ref['config']['d']}, m = "
                         f"{ref['config']['width']}"}


def gen_data(exe, work, d):
    data = os.path.join(work, f"data_d{d}.csv")
    run_measured([exe, "gen", "--out", data, "--dim", str(d), "--samples",
                  "500", "--seed", "0"])
    return data


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
    tv = subprocess.run([sys.executable, "-c",
                         "import torch; print(torch.__version__)"],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                        text=True).stdout.strip() or "?"
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
            "torch": tv,
            "git": git,
            "date": datetime.datetime.now().astimezone().isoformat(
                timespec="seconds")}


def fmt_ll_event(res):
    pre = ""
    if res.get("capped"):
        pre = (f"(interrupted after {res['capped']:.0f} s at lambda = "
               f"{res['reached_lambda']:.4g}, {res['points']} points, "
               f"{len(res['events'])} events) ")
    if not res["events"]:
        return pre + "none on [0, 1]"
    e = res["events"][0]
    return pre + (f"{e['lambda']:.10f} ({e['type']}, index "
                  f"{e['index'][0]}->{e['index'][1]})")


def fmt_scipy_event(r):
    if r.get("estimated_wall_time"):
        return (f"(not run to the end: {r['points']} grid points in "
                f"{r['wall_time']:.0f} s)")
    e = r["event"]
    s = f"{e['lambda']:.4f} (mu1 sign change)" if e else "none (mu1 > 0 on grid)"
    j = r["largest_jump"]
    return s + f"; largest jump {j['norm']:.2g} at {j['lambda']:.3f}"


def fmt_torch_event(r):
    if r.get("probe"):
        return "(probe only)"
    if not r["events"]:
        return "none on [0, 1]"
    e = r["events"][0]
    kind = "fold" if e["fold"] else "index change"
    return (f"{e['lambda']:.10f} (mu1 sign change, {kind}, index "
            f"{e['index_before']}->{e['index_after']})")


def fmt_time(t):
    if t >= 3600:
        return f"{t / 3600:.1f} h"
    return f"{t:.3g}" if t < 100 else f"{t:.0f}"


def rows_for(key, r, tl):
    """Table rows of one problem: losslab, scipy (default, tight), torch."""
    d, m = key
    P = d * m
    ll = r["losslab"]
    pre = f"| {d} | {m} | {P} "
    rows = [pre + f"| losslab trace (best of {len(ll['time']['all'])}, "
            f"median {fmt_time(ll['time']['median'])} s) | "
            f"{fmt_time(tl)} | {ll['time']['maxrss_mb']:.0f} | "
            f"{ll['grad_norm_max']:.1e} / {ll['grad_norm_median']:.1e} | "
            f"{fmt_ll_event(ll)} | 1 |"]
    for tag, label in (("default", "scipy L-BFGS-B + FD Hessian + eigh, "
                                   "default tol"),
                       ("tight", "scipy L-BFGS-B + FD Hessian + eigh, "
                                 "gtol 1e-10 ftol 1e-15")):
        if tag not in r:
            continue
        b = r[tag]
        est = b.get("estimated_wall_time")
        t = est if est else b["process_wall_time"]
        tt = (f"estimated {fmt_time(t)} ({b['seconds_per_point']:.0f} s per "
              f"grid point x {r['grid'] + 1})" if est else fmt_time(t))
        gn = (f"{b['grad_norm_max']:.1e} / {b['grad_norm_median']:.1e}"
              + (" (first points)" if est else ""))
        rows.append(pre + f"| {label}, grid 1/{r['grid']} | {tt} | "
                    f"{b['maxrss_mb']:.0f} | {gn} | {fmt_scipy_event(b)} | "
                    f"{'~' if est else ''}{t / tl:.0f}x |")
    if "torch" in r:
        b = r["torch"]
        if b.get("probe"):
            e = b["estimate"]
            t = e["estimated_wall_time"]
            tt = (f"estimated {fmt_time(t)} ({b['t_hessian']:.3g} s per "
                  f"Hessian x {e['hessians_per_point']:.1f} per point x "
                  f"{e['points']} points)")
            gn, mem = "-", f"{b['maxrss_mb']:.0f} (probe)"
        else:
            t = b["process_wall_time"]
            tt, mem = fmt_time(t), f"{b['maxrss_mb']:.0f}"
            gn = f"{b['grad_norm_max']:.1e} / {b['grad_norm_median']:.1e}"
        rows.append(pre + f"| PyTorch autograd Hessian + same continuation "
                    f"| {tt} | {mem} | {gn} | {fmt_torch_event(b)} | "
                    f"{'~' if b.get('probe') else ''}{t / tl:.0f}x |")
    return rows


def table(results):
    rows = ["| d | m | P | method | wall time (s) | peak memory (MB) | "
            "grad norm max / median | first event: lambda | time / losslab |",
            "|---|---|---|---|---|---|---|---|---|"]
    for key, r in results.items():
        rows += rows_for(key, r, r["losslab"]["time"]["best"])
    return "\n".join(rows)


def goals_text(results):
    lines = []
    for (d, m), r in results.items():
        ll = r["losslab"]
        if "time_builtin" not in ll:
            continue
        t = ll["time_builtin"]["best"]
        ok = "PASS" if t <= GOALS[m] else "FAIL"
        lines.append(f"- m = {m}: built-in problem, best {t:.3f} s "
                     f"(median {ll['time_builtin']['median']:.3f} s)"
                     f" vs goal {GOALS[m]} s: **{ok}**"
                     + ("" if ll["builtin_events_match"] else
                        " (warning: events differ from the CSV run)"))
    return "\n".join(lines)


def details_text(results):
    lines = []
    for (d, m), r in results.items():
        ll = r["losslab"]
        evs = ", ".join(f"{e['type']} at {e['lambda']:.10f} "
                        f"(index {e['index'][0]}->{e['index'][1]})"
                        for e in ll["events"]) or "none"
        lines.append(f"- d = {d}, m = {m}, losslab: {ll['points']} branch "
                     f"points; events: {evs}; lambda1'(0) = "
                     f"{ll['lambda1_prime0']:.6g}, predicted lambda* = "
                     f"{ll['lambda_star_predicted']:.6g}")
        for tag in ("default", "tight"):
            if tag not in r:
                continue
            b = r[tag]
            ch = ", ".join(f"{c['from']}->{c['to']} at {c['lambda']:.3f}"
                           for c in b["index_changes"]) or "none"
            lines.append(
                f"- d = {d}, m = {m}, scipy ({tag}): {b['points']} grid "
                f"points{' (truncated by the time cap)' if b.get('truncated') else ''}"
                f"; minimiser {b['time_minimize']:.2f} s, FD Hessian + eigh "
                f"{b['time_hessian']:.2f} s; {b['iterations_total']} L-BFGS-B "
                f"iterations, {b['points_not_converged']} not converged; min "
                f"mu1 = {b['mu1_min']['value']:.3g} at "
                f"{b['mu1_min']['lambda']:.3f}; FD index changes: {ch}")
        if "torch" in r:
            b = r["torch"]
            if b.get("probe"):
                e = b["estimate"]
                lines.append(
                    f"- d = {d}, m = {m}, torch probe: Hessian + F_p "
                    f"{b['t_hessian']:.1f} s, eigvalsh {b['t_eig']:.2f} s, "
                    f"bordered solve {b['t_solve']:.2f} s; per accepted point "
                    f"(from the whole run at {e['reference']}): "
                    f"{e['hessians_per_point']:.2f} Hessians, "
                    f"{e['solves_per_point']:.2f} solves, "
                    f"{e['eigs_per_point']:.2f} eigvalsh")
            else:
                ch = ", ".join(f"{c['from']}->{c['to']} at {c['lambda']:.4f}"
                               for c in b["index_changes"]) or "none"
                lines.append(
                    f"- d = {d}, m = {m}, torch: {b['points']} points, "
                    f"{b['hessians']} Hessians ({b['time_hessian']:.2f} s), "
                    f"{b['solves']} solves ({b['time_solve']:.2f} s), "
                    f"{b['eigs']} eigvalsh ({b['time_eig']:.2f} s), "
                    f"{b['newton_iters']} Newton iterations, "
                    f"{b['steps_rejected']} rejected steps; index changes: "
                    f"{ch}")
    return "\n".join(lines)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--losslab", default=os.path.join(ROOT, "build", "losslab"))
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: d = 5, m = 10 and 100, scipy grid 50, "
                         "2 repeats, no tight scipy run, torch probe at m = 100")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-tight", action="store_true",
                    help="skip the tight-tolerance scipy run")
    ap.add_argument("--scipy-cap", type=float, default=60.0,
                    help="at P > 500: stop scipy after this many seconds "
                         "(>= 2 grid points) and estimate the whole sweep")
    ap.add_argument("--losslab-cap", type=float, default=300.0,
                    help="at P > 500: interrupt losslab after this many "
                         "seconds (SIGINT; the row says where it got)")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    return ap.parse_args()


def run_problem(a, exe, data, d, m, grid, repeats, work, torch_ref):
    P = d * m
    small = P <= SMALL_P
    print(f"bench: d = {d}, m = {m}: losslab ...", file=sys.stderr)
    r = {"grid": grid,
         "losslab": run_losslab(exe, data, d, m, work,
                                repeats if small else 1,
                                None if small else a.losslab_cap)}
    print(f"bench: d = {d}, m = {m}: scipy ...", file=sys.stderr)
    r["default"] = run_scipy(data, d, m, grid, work, [], "default",
                             None if small else a.scipy_cap)
    if small and d == 5 and not a.no_tight and not a.quick:
        r["tight"] = run_scipy(data, d, m, grid, work, TIGHT, "tight", None)
    probe = not small or (a.quick and m > 10)
    print(f"bench: d = {d}, m = {m}: torch{' probe' if probe else ''} ...",
          file=sys.stderr)
    r["torch"] = run_torch(data, d, m, work, probe)
    if probe and torch_ref:
        r["torch"]["estimate"] = torch_estimate(r["torch"], torch_ref,
                                                r["losslab"]["points"])
    elif probe:
        r["torch"]["estimate"] = {"estimated_wall_time": float("nan"),
                                  "hessians_per_point": float("nan"),
                                  "solves_per_point": float("nan"),
                                  "eigs_per_point": float("nan"),
                                  "points": r["losslab"]["points"],
                                  "reference": "none"}
    return r


def main():
    a = parse_args()
    grid, repeats = (50, min(a.repeats, 2)) if a.quick else (200, a.repeats)
    exe = os.path.abspath(a.losslab)
    if not os.access(exe, os.X_OK):
        sys.exit(f"compare: no losslab binary at {exe} (make build, or "
                 "pass --losslab PATH)")
    load_before = os.getloadavg()
    problems = QUICK_PROBLEMS if a.quick else PROBLEMS
    results, torch_ref = {}, None
    with tempfile.TemporaryDirectory(prefix="losslab-bench-") as work:
        data = {d: gen_data(exe, work, d) for d in sorted({d for d, _ in problems})}
        for d, m in problems:
            r = run_problem(a, exe, data[d], d, m, grid, repeats, work,
                            torch_ref)
            if not r["torch"].get("probe"):
                torch_ref = r["torch"]  # the largest whole run so far
            results[(d, m)] = r
    write_report(a, results, grid, machine(exe, load_before))


def fmt_load(la):
    return "/".join(f"{x:.2f}" for x in la)


def write_report(a, results, grid, mach):
    md = [f"# losslab benchmark ({'quick smoke run' if a.quick else 'full run'})",
          "",
          f"{mach['date']}, git {mach['git']}; {mach['nproc']} cores, "
          f"{mach['cpu']}; {mach['openblas']}; one thread everywhere "
          "(losslab's default, OPENBLAS_NUM_THREADS=1 for numpy/scipy, "
          f"torch.set_num_threads(1)); Python {mach['python']}, numpy "
          f"{mach['numpy']}, scipy {mach['scipy']}, torch {mach['torch']}.",
          f"Binary {mach['losslab']}. Load average (1, 5, 15 min) before "
          f"{fmt_load(mach['loadavg_before'])}, after "
          f"{fmt_load(mach['loadavg_after'])} (above {mach['nproc']} means "
          "other work shared the cores and the times are pessimistic).",
          "",
          "Data: `losslab gen --dim D --samples 500 --seed 0` (MATH.md "
          f"section 4), alpha = {ALPHA}, tanh, v = linspace(0.5, 1.5, m), "
          "only W trained (P = m d).",
          "Wall times are whole processes timed from Python; peak memory is "
          "each process's maximum resident set. Gradient norms are "
          "||grad L||_2 at the accepted points of each path. \"estimated\": "
          "the run would take hours; the estimate comes from measured costs "
          "(see bench/compare.py and the details below).",
          "",
          table(results), "",
          "Time goals of issue 2 (information):", goals_text(results), "",
          "Details:", details_text(results), ""]
    text = "\n".join(md)
    print(text)
    with open(a.out, "w") as fh:
        fh.write(text)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as fh:
        json.dump({"machine": mach, "grid": grid,
                   "results": {f"d{d}_m{m}": r
                               for (d, m), r in results.items()}}, fh,
                  indent=1)


if __name__ == "__main__":
    main()
