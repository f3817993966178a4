#!/usr/bin/env python3
"""`make bench-compare`: forward latency of the shipped teacher and student in Condenser, PyTorch and
ONNX Runtime, measured in one interleaved run on this machine.

Each round times Condenser (`condenser bench`, a child process), then PyTorch (the same checkpoint
loaded by python/condenser_torch.py, under torch.inference_mode), then ONNX Runtime (the PyTorch
module exported to ONNX), at batch 1 and 32 with the same thread count; the table gives the median
over rounds of each p50 and Condenser's time over each of the others'. The weights are random
(`condenser init`): latency does not depend on them. Never part of CI: it needs torch and
onnx and onnxruntime, which `make bench-compare` installs into the git-ignored .venv on request.

Usage: python Benchmarks/compare/compare.py [--rounds 3] [--iterations 100] [--threads 2] [--out bench-compare.md]
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
CONDENSER = os.path.join(ROOT, ".build/release/condenser")
MODELS = ("teacher", "student")
BATCHES = (1, 32)


def condenser_p50(checkpoints, data, args, folder):
    subprocess.run([CONDENSER, "bench", *checkpoints, "--data", data, "--batch-sizes", ",".join(map(str, BATCHES)),
                    "--warmup", "10", "--iterations", str(args.iterations), "--threads", str(args.threads),
                    "--report", folder], check=True, capture_output=True)
    report = json.load(open(os.path.join(folder, "report.json")))
    return report, {(m["name"], b): m["latency_ms"][str(b)]["p50"] for m in report["models"] for b in BATCHES}


def p50(run, iterations):
    for _ in range(10):
        run()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default="bench-compare.md")
    args = parser.parse_args()
    import numpy as np
    import onnxruntime as ort
    import torch
    import condenser_torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    scratch = tempfile.mkdtemp(prefix="bench-compare-")
    data = os.path.join(scratch, "data.h5")
    subprocess.run([CONDENSER, "data", "shapes", "--count", "64", "--seed", "2", "--out", data], check=True, capture_output=True)
    images, tokens, _ = condenser_torch.read_dataset(data)
    checkpoints, torch_models, sessions = [], {}, {}
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = args.threads, 1
    for name in MODELS:
        path = os.path.join(scratch, f"{name}.h5")
        subprocess.run([CONDENSER, "init", "--model", os.path.join(ROOT, f"recipes/models/{name}.json"), "--seed", "1", "--out", path],
                       check=True, capture_output=True)
        checkpoints.append(path)
        torch_models[name] = condenser_torch.load(path)
        onnx = os.path.join(scratch, f"{name}.onnx")
        torch.onnx.export(torch_models[name], (images[:2], tokens[:2]), onnx, input_names=["images", "tokens"],
                          output_names=["logits"], opset_version=17, dynamo=False,
                          dynamic_axes={"images": {0: "batch"}, "tokens": {0: "batch"}, "logits": {0: "batch"}})
        sessions[name] = ort.InferenceSession(onnx, options, providers=["CPUExecutionProvider"])

    timings = {key: [] for key in [(engine, m, b) for engine in ("condenser", "pytorch", "onnxruntime") for m in MODELS for b in BATCHES]}
    report = None
    for round in range(args.rounds):
        report, measured = condenser_p50(checkpoints, data, args, os.path.join(scratch, f"report{round}"))
        for (model, batch), value in measured.items():
            timings[("condenser", model, batch)].append(value)
        for model in MODELS:
            for batch in BATCHES:
                x, t = images[:batch], tokens[:batch]
                with torch.inference_mode():
                    timings[("pytorch", model, batch)].append(p50(lambda: torch_models[model](x, t), args.iterations))
                feed = {"images": x.numpy() if hasattr(x, "numpy") else np.asarray(x),
                        "tokens": t.numpy() if hasattr(t, "numpy") else np.asarray(t)}
                timings[("onnxruntime", model, batch)].append(p50(lambda: sessions[model].run(None, feed), args.iterations))
        print(f"round {round + 1}/{args.rounds} done", flush=True)

    machine = report["machine"]
    median = {key: statistics.median(values) for key, values in timings.items()}
    lines = [f"{machine['cpu']}, {machine['logical_cores']} cores; OpenBLAS core {machine['blas_core']}; int8 kernel "
             f"{machine.get('int8_kernel', '?')}; {args.threads} threads each; torch {torch.__version__}, onnxruntime "
             f"{ort.__version__}, Python {platform.python_version()}; {args.rounds} interleaved rounds of {args.iterations} "
             "timed passes, median of the p50s (ms).", "",
             "| model | batch | Condenser | PyTorch | ONNX Runtime | Condenser / PyTorch | Condenser / ORT |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for model in MODELS:
        for batch in BATCHES:
            c, p, o = (median[(engine, model, batch)] for engine in ("condenser", "pytorch", "onnxruntime"))
            lines.append(f"| {model} | {batch} | {c:.3f} | {p:.3f} | {o:.3f} | {c / p:.2f}× | {c / o:.2f}× |")
    text = "\n".join(lines) + "\n"
    open(args.out, "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
