#!/usr/bin/env python3
"""`make bench-compare`: forward latency of the shipped teacher and student in Condenser, PyTorch and
ONNX Runtime, and the distillation step in Condenser and PyTorch, measured in one interleaved run on
this machine.

Each round times Condenser (`condenser bench`, a child process), then PyTorch (the same checkpoint
loaded by python/condenser_torch.py, under torch.inference_mode), then ONNX Runtime (the PyTorch
module exported to ONNX), at batch 1 and 32 with the same thread count; the table gives the median
over rounds of each p50 and Condenser's time over each of the others'.

The distillation step (batch 64, the teacher's forward pass every step, the default recipe's five
terms: hard labels 0.5, logits at T = 4 0.5, projected fused features 1, the fusion's cross-attention
maps over valid queries 0.5, contrastive alignment of the pooled globals with similarity matching
at τ = 0.07 0.1; then backward, clipping at norm 1 and AdamW) is `CoreBench --distillation-only` on
Condenser's side and the same terms on the PyTorch modules. The weights are random
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


def distillation_outputs(model, images, tokens):
    """(logits, fused, vision and text globals, the fusion's cross-attention averaged over heads [B, L, P])."""
    import torch
    from condenser_torch import masked_mean
    keep = tokens != 0
    f = model.fusion
    vp, tp = f.vision_proj(model.vision(images)), f.text_proj(model.text(tokens))
    vg, tg = vp.mean(1), masked_mean(tp, keep)
    gates = torch.softmax(f.gate_net(torch.cat([vg, tg], -1)), -1)
    cross, attention = f.cross_attn(tp, vp, vp, need_weights=True, average_attn_weights=True)
    fused = gates[:, :1] * vg + gates[:, 1:] * masked_mean(cross, keep)
    refined = None
    if f.norm is not None:
        refined = tp
        for layer in f.layers:
            refined = layer(refined, vp, tgt_key_padding_mask=~keep)
        refined = f.norm(refined)
    return model.head(fused, refined, keep), fused, vg, tg, attention


def torch_distillation_step(teacher, student, projection, optimizer, images, tokens, labels):
    import torch
    import torch.nn.functional as F
    keep = tokens != 0
    with torch.no_grad():
        t_logits, t_fused, t_v, t_t, t_att = distillation_outputs(teacher, images, tokens)
    s_logits, s_fused, s_v, s_t, s_att = distillation_outputs(student, images, tokens)

    def cross_logits(v, t, tau=0.07):
        v, t = F.normalize(v, dim=-1), F.normalize(t, dim=-1)
        logits = v @ t.T / tau
        return torch.cat([logits, logits.T])

    student_cross = cross_logits(s_v, s_t)
    targets = torch.arange(s_v.shape[0]).repeat(2)
    similarity = F.kl_div(F.log_softmax(student_cross, -1), F.softmax(cross_logits(t_v, t_t), -1), reduction="batchmean")
    rows = keep.unsqueeze(-1)
    attention = (t_att * (torch.log(t_att + 1e-8) - torch.log(s_att + 1e-8)) * rows).sum() / keep.sum()
    loss = (0.5 * F.cross_entropy(s_logits, labels)
            + 0.5 * 16 * F.kl_div(F.log_softmax(s_logits / 4, -1), F.softmax(t_logits / 4, -1), reduction="batchmean")
            + F.mse_loss(projection(s_fused), t_fused)
            + 0.5 * attention
            + 0.1 * (F.cross_entropy(student_cross, targets) + similarity))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for group in optimizer.param_groups for p in group["params"]], 1.0)
    optimizer.step()


def condenser_distillation_ms(args):
    out = subprocess.run([os.path.join(ROOT, ".build/release/CoreBench"), "--distillation-only", "--threads", str(args.threads)],
                         check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return float(next(line for line in out.splitlines() if "teacher forward every step" in line).split(":")[1].split("ms")[0])


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
    # The distillation step: a fresh student in training mode, its feature projection, AdamW.
    distill_teacher = condenser_torch.load(checkpoints[0])
    distill_student = condenser_torch.load(checkpoints[1]).train()
    projection = torch.nn.Linear(distill_student.config["fusion_dim"], distill_teacher.config["fusion_dim"])
    optimizer = torch.optim.AdamW(list(distill_student.parameters()) + list(projection.parameters()), lr=2e-3, weight_decay=0.05)
    batch_data = condenser_torch.read_dataset(data)
    step_inputs = (batch_data[0][:64], batch_data[1][:64], batch_data[2][:64])
    distillation = {"condenser": [], "pytorch": []}
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
        distillation["condenser"].append(condenser_distillation_ms(args))
        distillation["pytorch"].append(p50(lambda: torch_distillation_step(distill_teacher, distill_student, projection, optimizer,
                                                                           *step_inputs), max(args.iterations // 5, 10)))
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
    c, p = statistics.median(distillation["condenser"]), statistics.median(distillation["pytorch"])
    lines += ["", "| distillation step, batch 64, teacher forward every step | Condenser | PyTorch | Condenser samples/s | "
              "PyTorch samples/s | Condenser / PyTorch throughput |", "|---|---:|---:|---:|---:|---:|",
              f"| five terms, backward, clipping, AdamW | {c:.2f} ms | {p:.2f} ms | {64e3 / c:,.0f} | {64e3 / p:,.0f} | {p / c:.2f}× |"]
    text = "\n".join(lines) + "\n"
    open(args.out, "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
