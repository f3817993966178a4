"""Staged training against end-to-end training, and an initialised student against a random one.

Three comparisons, each over seeds 7, 8 and 9, every run one `condenser` process on one thread
(two at a time):
- student: the default recipe's distillation (shipped teacher, default losses and curriculum, no
  scratch baseline, prune, quantize, cascade or bench), end to end (20 task epochs) against
  staged (vision 3, text 2, align 3 epochs, then 14 task epochs: about the same wall time).
- init: a student of the teacher's width with half its depth (student-wide.json) under a short
  distillation, from random weights against `student.init` from the shipped teacher (its first
  layers: DistilBERT's and TinyCLIP's start).
- teacher: the default teacher trained from scratch on a short budget, end to end (12 epochs) against
  staged (vision 2, text 1, align 2, then 10 task epochs).
- teacher-30: the same on a 30-epoch budget (the recipe's own curriculum), one seed.
- scratch: the default student on labels alone (the recipe's scratch baseline), end to end against
  staged, with the student comparison's schedules.
For each run it reads train-log.csv (test accuracy after each epoch against cumulative wall time)
and the cross-modal consistency score `condenser monitor` reports on the test set, and writes
experiments/staged/results.json, results.md and curves.svg. Runs go to experiments/staged/out/
(git-ignored) and are resumed when the script is run again.

Results of other groups already in results.json are kept.

usage: python3 experiments/staged/compare.py [--condenser .build/release/condenser] [--groups student,init,teacher,teacher-30,scratch]
"""
import argparse
import concurrent.futures
import csv
import json
import os
import subprocess

OUT = "experiments/staged/out"
SEEDS = [7, 8, 9]


def base_recipe():
    with open("recipes/shapes-vqa.json") as f:
        recipe = json.load(f)
    for key in ("prune", "quantize", "bench", "cascade"):
        recipe.pop(key, None)
    recipe["distill"]["baseline"] = False
    recipe["distill"].pop("baseline_seeds", None)
    return recipe


def staged(settings, stages, task_epochs):
    """`settings` with its epochs replaced by `stages` and a task stage of `task_epochs`."""
    settings = dict(settings)
    settings.pop("epochs")
    settings["stages"] = stages + [{"kind": "task", "epochs": task_epochs}]
    return settings


def runs():
    """(group, variant, seed, command, recipe) for every run."""
    out = []
    for seed in SEEDS:
        for variant in ("end-to-end", "staged"):
            recipe = base_recipe()
            if variant == "staged":
                recipe["distill"] = staged(recipe["distill"], [{"kind": "vision", "epochs": 3}, {"kind": "text", "epochs": 2},
                                                               {"kind": "align", "epochs": 3}], 14)
            out.append(("student", variant, seed, "distill", recipe))
            scratch = json.loads(json.dumps(recipe))
            scratch["distill"]["losses"] = {"hard": 1.0}
            out.append(("scratch", variant, seed, "distill", scratch))
    for seed in SEEDS:
        for variant in ("random", "teacher-init"):
            recipe = base_recipe()
            recipe["student"] = {"model": "experiments/staged/student-wide.json"}
            recipe["distill"].update(epochs=6, curriculum=[{"epochs": 10, "questions": ["relation"], "relations": ["left"]},
                                                          {"epochs": 5, "questions": ["relation"]}])
            if variant == "teacher-init":
                recipe["student"]["init"] = {"checkpoint": recipe["teacher"]["checkpoint"]}
            out.append(("init", variant, seed, "distill", recipe))
    # The teacher on a 12-epoch budget (curriculum 2 + 3 + 2), three seeds; on a 30-epoch budget
    # (the recipe's own curriculum, 6 + 8 + 6), one seed.
    for group, epochs, curriculum, seeds in (("teacher", 12, [2, 3, 2], SEEDS), ("teacher-30", 30, [6, 8, 6], SEEDS[:1])):
        for seed in seeds:
            for variant in ("end-to-end", "staged"):
                recipe = base_recipe()
                train = recipe["teacher"]["train"]
                train.update(epochs=epochs, warmup_steps=300)
                for stage, length in zip(train["data"]["curriculum"], curriculum):
                    stage["epochs"] = length
                if variant == "staged":
                    recipe["teacher"]["train"] = staged(train, [{"kind": "vision", "epochs": 2}, {"kind": "text", "epochs": 1},
                                                                {"kind": "align", "epochs": 2}], epochs - 2)
                out.append((group, variant, seed, "train", recipe))
    return out


def run(condenser, test, group, variant, seed, command, recipe):
    name = f"{group}-{variant}-{seed}"
    folder = f"{OUT}/{name}"
    recipe = dict(recipe, name=name, seed=seed, output=folder)
    if group.startswith("teacher"):
        recipe["teacher"] = dict(recipe["teacher"], checkpoint=f"{folder}/teacher.h5")
    path = f"{OUT}/{name}.json"
    with open(path, "w") as f:
        json.dump(recipe, f, indent=1)
    with open(f"{OUT}/{name}.log", "w") as log:
        subprocess.run([condenser, command, path, "--threads", "1", "--resume"], check=True, stdout=log, stderr=subprocess.STDOUT)
    model = f"{folder}/{'teacher' if group.startswith('teacher') else 'student'}.h5"
    subprocess.run([condenser, "monitor", model, "--reference", test, "--data", test, "--out", f"{folder}/monitor.json",
                    "--overwrite", "--threads", "1"], check=True, stdout=subprocess.DEVNULL)
    with open(f"{folder}/monitor.json") as f:
        monitor = json.load(f)
    consistency = next(s["reference"] for s in monitor["signals"] if s["name"] == "consistency")
    curve, seconds = [], 0.0
    with open(f"{folder}/train-log.csv") as f:
        for row in csv.DictReader(f):
            seconds += float(row["seconds"])
            curve.append((row["phase"], round(seconds, 2), float(row["test_accuracy"])))
    return {"group": group, "variant": variant, "seed": seed, "accuracy": curve[-1][2], "seconds": round(seconds, 1),
            "consistency": consistency, "curve": curve}


def table(results):
    lines = ["| comparison | variant | seeds | test accuracy (each seed) | mean | wall time (mean) | consistency (mean) |",
             "|---|---|---|---|---:|---:|---:|"]
    for group in dict.fromkeys(r["group"] for r in results):
        for variant in dict.fromkeys(r["variant"] for r in results if r["group"] == group):
            rows = [r for r in results if r["group"] == group and r["variant"] == variant]
            accuracies = ", ".join(f"{100 * r['accuracy']:.2f}%" for r in rows)
            mean = sum(r["accuracy"] for r in rows) / len(rows)
            seconds = sum(r["seconds"] for r in rows) / len(rows)
            consistency = sum(r["consistency"] for r in rows) / len(rows)
            lines.append(f"| {group} | {variant} | {len(rows)} | {accuracies} | {100 * mean:.2f}% | {seconds:.0f} s | {consistency:.3f} |")
    return "\n".join(lines) + "\n"


def svg(results):
    """Test accuracy against wall time, one panel per comparison, one polyline per run."""
    groups = list(dict.fromkeys(r["group"] for r in results))
    width, height, pad = 330, 240, 45
    colours = ["#1f77b4", "#d62728"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * len(groups)}" height="{height + 40}" '
             'font-family="sans-serif" font-size="11">']
    for g, group in enumerate(groups):
        rows = [r for r in results if r["group"] == group]
        variants = list(dict.fromkeys(r["variant"] for r in rows))
        longest = max(r["seconds"] for r in rows)
        x0 = g * width + pad
        def point(seconds, accuracy):
            return x0 + seconds / longest * (width - pad - 15), 20 + (1 - accuracy) * (height - pad)
        parts.append(f'<text x="{x0}" y="14" font-weight="bold">{group}</text>')
        parts.append(f'<rect x="{x0}" y="20" width="{width - pad - 15}" height="{height - pad}" fill="none" stroke="#999"/>')
        for tick in (0, 0.25, 0.5, 0.75, 1):
            _, y = point(0, tick)
            parts.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end">{int(tick * 100)}%</text>')
        parts.append(f'<text x="{x0 + (width - pad) / 2:.0f}" y="{height - 5}" text-anchor="middle">wall time (s), 0 to {longest:.0f}</text>')
        for r in rows:
            colour = colours[variants.index(r["variant"]) % 2]
            points = " ".join("%.1f,%.1f" % point(s, a) for _, s, a in r["curve"])
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.2" opacity="0.8"/>')
        for v, variant in enumerate(variants):
            parts.append(f'<text x="{x0 + 8}" y="{height + 12 + 14 * v}" fill="{colours[v % 2]}">{variant}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--condenser", default=".build/release/condenser")
    parser.add_argument("--groups", default="student,init,teacher")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    test = f"{OUT}/test.h5"
    if not os.path.exists(test):
        subprocess.run([args.condenser, "data", "shapes", "--count", "2000", "--seed", "2", "--captions", "--out", test],
                       check=True, stdout=subprocess.DEVNULL)
    groups = args.groups.split(",")
    chosen = [r for r in runs() if r[0] in groups]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda r: run(args.condenser, test, *r), chosen))
    if os.path.exists("experiments/staged/results.json"):
        with open("experiments/staged/results.json") as f:
            results = [r for r in json.load(f) if r["group"] not in groups] + results
    with open("experiments/staged/results.json", "w") as f:
        json.dump(results, f, indent=1)
    with open("experiments/staged/results.md", "w") as f:
        f.write(table(results))
    with open("experiments/staged/curves.svg", "w") as f:
        f.write(svg(results))
    print(table(results))


if __name__ == "__main__":
    main()
