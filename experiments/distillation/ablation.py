"""Loss ablation of the default recipe's distillation: hard labels only, then each loss added in turn.

Each variant is the default recipe (recipes/shapes-vqa.json) with only `distill.losses` changed, no
scratch baseline and no prune / quantize / bench sections, reusing the shipped teacher and its
cached outputs. Writes into experiments/distillation/out/<variant>/ (git-ignored) and prints a
Markdown table of test accuracy, overall and per question kind (`condenser eval --by-kind`).

usage: python3 experiments/distillation/ablation.py [--condenser .build/release/condenser] [--threads 2]
"""
import argparse
import json
import os
import subprocess

VARIANTS = [
    ("hard", {"hard": 1.0}),
    ("+ logits", {"hard": 0.5, "logits": 0.5}),
    ("+ features", {"hard": 0.5, "logits": 0.5, "features": 1.0}),
    ("+ attention", {"hard": 0.5, "logits": 0.5, "features": 1.0, "attention": 0.5}),
    ("+ contrastive", {"hard": 0.5, "logits": 0.5, "features": 1.0, "attention": 0.5, "contrastive": 0.1}),
    ("hard + attention", {"hard": 0.5, "attention": 0.5}),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--condenser", default=".build/release/condenser")
    parser.add_argument("--threads", default="2")
    args = parser.parse_args()
    with open("recipes/shapes-vqa.json") as f:
        base = json.load(f)
    for key in ("prune", "quantize", "bench"):
        base.pop(key, None)
    base["distill"]["baseline"] = False
    base["distill"].pop("baseline_seeds", None)
    test = "experiments/distillation/out/test.h5"
    os.makedirs(os.path.dirname(test), exist_ok=True)
    if not os.path.exists(test):
        data = base["data"]["test"]
        subprocess.run([args.condenser, "data", "shapes", "--count", str(data["count"]), "--seed", str(data["seed"]), "--out", test],
                       check=True, stdout=subprocess.DEVNULL)
    rows = []
    for name, losses in VARIANTS:
        slug = name.replace("+ ", "plus-").replace(" ", "-")
        recipe = dict(base, name=f"ablation-{slug}", output=f"experiments/distillation/out/{slug}")
        recipe["distill"] = dict(base["distill"], losses=losses)
        path = f"experiments/distillation/out/{slug}.json"
        with open(path, "w") as f:
            json.dump(recipe, f, indent=1)
        subprocess.run([args.condenser, "distill", path, "--threads", args.threads, "--resume"], check=True)
        out = subprocess.run([args.condenser, "eval", f"{recipe['output']}/student.h5", "--data", test, "--by-kind"],
                             check=True, capture_output=True, text=True).stdout.split("\n")
        overall = float(out[0].split()[1])
        kinds = {line.split()[0]: float(line.split()[1]) for line in out[1:] if line.strip()}
        rows.append((name, losses, overall, kinds))
    names = list(rows[0][3])
    print("| losses | weights | test | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for name, losses, overall, kinds in rows:
        weights = ", ".join(f"{k} {v:g}" for k, v in losses.items())
        print(f"| {name} | {weights} | {100 * overall:.2f}% | " + " | ".join(f"{100 * kinds[k]:.1f}%" for k in names) + " |")


if __name__ == "__main__":
    main()
