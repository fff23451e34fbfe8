"""The scale benchmark of issue 5, item 5: `losslab widths` up to m = 10,000
at d = 5 (P = 50,000) and one `losslab trace` at m = 1,000, d = 100
(P = 100,000), each with its wall time and peak memory (the child's
maximum resident set, from wait4), against the goal of 10 minutes and 4 GB
on the 2-core machine. The widths figure (log-log lambda* and
|lambda_1'(0)| against m) is copied to bench/scale/ for the README.

    bench/scale.py [--losslab PATH] [--widths LIST] [--quick]

--quick: widths up to 1,000 and the trace at m = 200, d = 100 (a smoke
run of the same code, ~1 minute). Standard library only. Results:
bench/scale_results.json and .md (the table printed on stdout).
"""
import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GOAL_S, GOAL_GB = 600.0, 4.0


def run(cmd, timeout=None):
    """Wall time (s), peak RSS (GB) and exit status of one command. After
    timeout seconds it gets SIGINT (losslab then writes what it has, with
    status "cancelled", and exits 130)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    sent = False
    while True:  # wait4 (not Popen.wait): it also gives the child's rusage
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            break
        if timeout is not None and not sent and \
                time.monotonic() - t0 > timeout:
            proc.send_signal(signal.SIGINT)
            sent = True
        time.sleep(0.2)
    wall = time.monotonic() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    rc = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux
    return wall, ru.ru_maxrss / 1e6, rc, err


def machine():
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "load": os.getloadavg()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--losslab", default=os.path.join(ROOT, "build",
                                                      "losslab"))
    ap.add_argument("--widths", default=None)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--timeout", type=float, default=900.0,
                    help="seconds before a run is interrupted (SIGINT)")
    ap.add_argument("--skip-widths", action="store_true")
    ap.add_argument("--skip-trace", action="store_true")
    a = ap.parse_args()
    widths = a.widths or ("10,30,100,300,1000" if a.quick else
                          "10,30,100,300,1000,3000,10000")
    tm, td = (200, 100) if a.quick else (1000, 100)
    out = os.path.join(HERE, "scale")
    os.makedirs(out, exist_ok=True)
    env_note = "OPENBLAS_NUM_THREADS=%s" % os.environ.get(
        "OPENBLAS_NUM_THREADS", "1 per job (losslab's default)")
    jobs = [
        ("widths", "widths m = %s, d = 5" % widths,
         [a.losslab, "widths", "--widths", widths, "--out",
          os.path.join(out, "widths"), "--quiet"]),
        ("trace", "trace m = %d, d = %d (P = %d)" % (tm, td, tm * td),
         [a.losslab, "trace", "--width", str(tm), "--dim", str(td),
          "--out", os.path.join(out, "trace"), "--quiet"]),
    ]
    jobs = [j for j in jobs if not (j[0] == "widths" and a.skip_widths)
            and not (j[0] == "trace" and a.skip_trace)]
    rows = []
    for key, label, cmd in jobs:
        print("running %s ..." % label, file=sys.stderr, flush=True)
        wall, gb, rc, err = run(cmd, a.timeout)
        rows.append({"job": key, "what": label, "wall_s": wall,
                     "peak_gb": gb, "exit": rc, "stderr": err[-2000:],
                     "meets_goal": rc == 0 and wall < GOAL_S and gb < GOAL_GB})
    trace_json = os.path.join(out, "trace", "trace.json")
    if os.path.exists(trace_json):
        with open(trace_json) as f:
            t = json.load(f)
        br = t.get("branch") or {}
        lam = br.get("lambda") or []
        for r in rows:
            if r["job"] == "trace":
                r["reached_lambda"] = lam[-1] if lam else None
                r["steps"] = len(lam)
                r["status"] = t.get("status")
                r["events"] = [(e.get("type"), e.get("lambda"))
                               for e in t.get("events") or []]
                r["lambda1_prime0"] = t.get("lambda1_prime0")
                r["lambda_star_predicted"] = t.get("lambda_star_predicted")
    widths_json = os.path.join(out, "widths", "widths.json")
    per_width = []
    if os.path.exists(widths_json):
        with open(widths_json) as f:
            w = json.load(f)
        for it in w.get("items", []):
            ev = it.get("events") or []
            per_width.append({
                "m": it.get("width"), "P": (it.get("width") or 0) * 5,
                "lambda1_prime0": it.get("lambda1_prime0"),
                "lambda_star_predicted": it.get("lambda_star_predicted"),
                "first_event": ev[0].get("lambda") if ev else None,
                "steps": it.get("steps"), "status": it.get("status")})
        for ext in ("png", "svg"):
            src = os.path.join(out, "widths", "widths." + ext)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(out, "widths_scale." + ext))
    res = {"machine": machine(), "env": env_note, "goal": {
        "seconds": GOAL_S, "gb": GOAL_GB}, "runs": rows,
        "per_width": per_width}
    with open(os.path.join(HERE, "scale_results.json"), "w") as f:
        json.dump(res, f, indent=1)
    lines = ["| run | wall | peak memory | goal (< 10 min, < 4 GB) |",
             "|---|---:|---:|---|"]
    for r in rows:
        extra = ""
        if r.get("reached_lambda") is not None:
            extra = "; reached lambda = %.6g in %d points, events %s" % (
                r["reached_lambda"], r["steps"], r["events"])
        lines.append("| %s | %.1f s | %.2f GB | %s%s |" % (
            r["what"], r["wall_s"], r["peak_gb"],
            "met" if r["meets_goal"] else "NOT met (exit %d)" % r["exit"],
            extra))
    if per_width:
        lines += ["", "| m | P | lambda_1'(0) | predicted lambda* | "
                  "first event | steps |", "|---:|---:|---:|---:|---:|---:|"]
        for p in per_width:
            def num(x, fmt):
                return fmt % x if isinstance(x, (int, float)) else "-"
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                p["m"], p["P"], num(p["lambda1_prime0"], "%.4g"),
                num(p["lambda_star_predicted"], "%.4g"),
                num(p["first_event"], "%.10f"), p["steps"]))
    md = "\n".join(lines) + "\n\nMachine: %s, %s cores, load %s; %s.\n" % (
        res["machine"]["cpu"], res["machine"]["cores"],
        " ".join("%.2f" % x for x in res["machine"]["load"]), env_note)
    with open(os.path.join(HERE, "scale_results.md"), "w") as f:
        f.write(md)
    print(md)
    return 0 if all(r["exit"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
