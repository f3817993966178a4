#!/usr/bin/env python3
"""A scaling model on paper for data-parallel training over N nodes, from the compute time per
sample measured by measure.py (experiments/scaling/results.json).

Each node is a machine like the measured one running 2 ranks x 1 thread with a per-node batch of
64 (the global batch grows with N). Per step a node computes for T_c = 64 / R x (1 - s), R its
measured samples/s and s the share the local allreduce took; then the gradients (P float32
parameters) cross the network in a ring allreduce: 2(N-1)/N x 4P bytes per node and 2(N-1)
latencies alpha. The step's small collectives (loss terms, gradient presence, stop vote) take
2 log2(N) latencies each (recursive doubling). Distillation with a contrastive term also gathers
the whole batch's embeddings (student and teacher, 64N x (2 x 32 + 2 x 64) floats) by a summed
allreduce, which sends 2(N-1)/N of that table and grows with N. Our steps do not overlap the
allreduce with the backward pass, so a step takes T_c + T_a and the efficiency is T_c / (T_c + T_a).

Usage: python3 experiments/scaling/model.py  (prints Markdown; writes experiments/scaling/model.md)"""
import json, math, os

HERE = os.path.dirname(os.path.abspath(__file__))
PARAMETERS = {"teacher": 473_186, "student": 81_794}  # recipes/models/*.json (`condenser inspect`)
# Small collectives per step besides the gradients: loss terms, gradient presence, stop vote, and for
# distillation the attention term's count of valid queries.
SMALL = {"teacher": 3, "student": 4}
# Floats per sample gathered for the contrastive term: student vision and text globals (32 each), the
# teacher's (64 each), as 4 more collectives.
GATHERED = {"teacher": 0, "student": 2 * 32 + 2 * 64}
ALPHA = 20e-6  # seconds per message and hop: TCP over Ethernet; InfiniBand is nearer 2 us
BATCH = 64


def main():
    measured = json.load(open(os.path.join(HERE, "results.json")))["median"]["2 ranks x 1 thread"]
    lines = [f"Per-node batch {BATCH}, alpha {ALPHA * 1e6:.0f} us per message and hop, no overlap of communication with compute.", ""]
    for phase, name in (("teacher", "teacher training"), ("student", "distillation")):
        rate, share = measured[phase], measured[phase + "_allreduce_percent"] / 100
        compute = BATCH / rate * (1 - share)
        size = 4 * PARAMETERS[phase]
        lines += [f"**{name}**: {PARAMETERS[phase]:,} parameters ({size / 1e6:.2f} MB of gradients), "
                  f"{compute * 1e3:.1f} ms of compute per node and step ({rate:.0f} samples/s measured on one node).", "",
                  "| nodes | MB sent per node and step | 10 Gb/s step, efficiency | 25 Gb/s | 100 Gb/s | samples/s at 25 Gb/s |",
                  "|---:|---:|---|---|---|---:|"]
        for nodes in (2, 4, 8, 16, 32, 64):
            ring = 2 * (nodes - 1) / nodes
            sent = ring * (size + 4 * GATHERED[phase] * BATCH * nodes)
            rings = 1 + (4 if GATHERED[phase] else 0)
            latency = (rings * 2 * (nodes - 1) + SMALL[phase] * 2 * math.log2(nodes)) * ALPHA
            cells, rate25 = [], 0
            for gbps in (10, 25, 100):
                step = compute + sent * 8 / (gbps * 1e9) + latency
                cells.append(f"{step * 1e3:.1f} ms, {100 * compute / step:.0f}%")
                if gbps == 25:
                    rate25 = nodes * BATCH / step
            lines.append(f"| {nodes} | {sent / 1e6:.2f} | " + " | ".join(cells) + f" | {rate25:,.0f} |")
        lines.append("")
    text = "\n".join(lines)
    open(os.path.join(HERE, "model.md"), "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
