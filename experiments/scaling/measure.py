#!/usr/bin/env python3
"""Teacher-training and distillation throughput of `condenser distill` on one machine, three ways,
interleaved in one run: 1 process x 2 threads, 2 MPI ranks x 1 thread, 1 process x 1 thread.

Usage: python3 experiments/scaling/measure.py [--repeats 2] [--samples 4096]
Writes experiments/scaling/results.json and results.md. Every run starts from an empty output
folder, so each trains its own teacher and distils its own student (the teacher-output cache is
computed in each run, sharded over the ranks under mpirun)."""
import argparse, csv, json, os, re, shutil, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONDENSER = os.path.join(ROOT, ".build/release/condenser")
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2"]
LAYOUTS = {"1 process x 2 threads": ([], 2), "2 ranks x 1 thread": (MPIRUN, 1), "1 process x 1 thread": ([], 1)}


def recipe(folder, samples):
    return {"name": "scaling", "seed": 7, "output": folder,
            "data": {"train": {"generator": "shapes", "count": samples, "seed": 1},
                     "test": {"generator": "shapes", "count": 512, "seed": 2}},
            "teacher": {"checkpoint": os.path.join(folder, "teacher.h5"),
                        "model": os.path.join(ROOT, "recipes/models/teacher.json"),
                        "train": {"epochs": 2, "batch_size": 64, "lr": 1e-3, "weight_decay": 0.01, "warmup_steps": 50}},
            "student": {"model": os.path.join(ROOT, "recipes/models/student.json")},
            "distill": {"epochs": 3, "batch_size": 64, "lr": 2e-3, "weight_decay": 0.01, "warmup_steps": 50,
                        "temperature": 4.0, "losses": {"hard": 0.5, "logits": 0.5, "attention": 0.5, "contrastive": 0.1},
                        "baseline": False}}


def run(layout, samples, scratch):
    launcher, threads = LAYOUTS[layout]
    folder = os.path.join(scratch, "out")
    shutil.rmtree(folder, ignore_errors=True)
    path = os.path.join(scratch, "recipe.json")
    json.dump(recipe(folder, samples), open(path, "w"))
    out = subprocess.run(launcher + [CONDENSER, "distill", path, "--threads", str(threads)],
                         capture_output=True, text=True, check=True).stdout
    rows = list(csv.DictReader(open(os.path.join(folder, "train-log.csv"))))
    result = {}
    for phase in ("teacher", "student"):
        own = [r for r in rows if r["phase"] == phase]
        # Epoch 1 pays the warm-up of caches and thread pools; the later epochs are the steady rate.
        result[phase] = statistics.mean(float(r["samples_per_second"]) for r in own[1:])
        shares = [float(m) for m in re.findall(rf"^{phase} epoch \d+/\d+: .*allreduce ([\d.]+)% of it", out, re.M)][1:]
        if shares:
            result[phase + "_allreduce_percent"] = statistics.mean(shares)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--samples", type=int, default=4096)
    args = parser.parse_args()
    probe = subprocess.run([CONDENSER, "inspect", "--help"], capture_output=True, text=True,
                           env={**os.environ, "OPENBLAS_VERBOSE": "2"})
    core = (probe.stdout + probe.stderr).splitlines()
    runs = {layout: [] for layout in LAYOUTS}
    with tempfile.TemporaryDirectory() as scratch:
        for repeat in range(args.repeats):
            for layout in LAYOUTS:
                runs[layout].append(run(layout, args.samples, scratch))
                print(repeat + 1, layout, runs[layout][-1], flush=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    summary = {layout: {key: statistics.median(r[key] for r in results) for key in results[0]}
               for layout, results in runs.items()}
    json.dump({"cpu": cpu, "openblas_core": [l for l in core if "Core" in l], "samples": args.samples, "runs": runs,
               "median": summary}, open(os.path.join(ROOT, "experiments/scaling/results.json"), "w"), indent=1)
    base = summary["1 process x 1 thread"]
    lines = [f"CPU: {cpu}; {args.repeats} interleaved runs per layout, medians.", "",
             "| layout | teacher samples/s | × 1 thread | distillation samples/s | × 1 thread | allreduce share (teacher, student) |",
             "|---|---:|---:|---:|---:|---|"]
    for layout, s in summary.items():
        share = (f"{s['teacher_allreduce_percent']:.1f}%, {s['student_allreduce_percent']:.1f}%"
                 if "teacher_allreduce_percent" in s else "")
        lines.append(f"| {layout} | {s['teacher']:.0f} | {s['teacher'] / base['teacher']:.2f} | {s['student']:.0f} | "
                     f"{s['student'] / base['student']:.2f} | {share} |")
    open(os.path.join(ROOT, "experiments/scaling/results.md"), "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
