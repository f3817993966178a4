"""What the seed fusion's gate does in a trained checkpoint: its softmax weight on v_global (the
mean projected image) by question kind, and the accuracy with the gated vector zeroed before
`head.norm`. Uses python/condenser_torch.py (torch, h5py, numpy).

  python experiments/gate/readout.py checkpoints/shapes-vqa/teacher.h5 test.h5
"""
import sys

import numpy as np
import torch

sys.path.insert(0, "python")
sys.path.insert(0, "experiments/relations")
import condenser_torch  # noqa: E402
from common import question_kinds, KINDS  # noqa: E402
import h5py, json  # noqa: E402,E401

model = condenser_torch.load(sys.argv[1])
images, tokens, labels = condenser_torch.read_dataset(sys.argv[2])
with h5py.File(sys.argv[2], "r") as f:
    vocab = json.loads(f.attrs["vocab"])
kinds = question_kinds(tokens.numpy(), vocab)
weights = []
model.fusion.gate_net.register_forward_hook(lambda m, i, o: weights.append(torch.softmax(o, -1)[:, 0]))
with torch.no_grad():
    logits = torch.cat([model(images[i:i + 250], tokens[i:i + 250]) for i in range(0, len(images), 250)])
    gate = torch.cat(weights).numpy()
    accuracy = (logits.argmax(1) == labels).double().mean().item()
    head = model.head
    original = type(head).forward
    head.forward = lambda fused, refined, keep: original(head, torch.zeros_like(fused), refined, keep)
    zeroed = torch.cat([model(images[i:i + 250], tokens[i:i + 250]) for i in range(0, len(images), 250)])
    zeroed_accuracy = (zeroed.argmax(1) == labels).double().mean().item()
print("| kind | weight on v_global, mean | std |\n|---|---|---|")
for k, name in enumerate(KINDS):
    w = gate[kinds == k]
    print(f"| {name} | {w.mean():.3f} | {w.std():.3f} |")
print(f"accuracy {100 * accuracy:.2f}%, with the gated vector zeroed before head.norm {100 * zeroed_accuracy:.2f}%")
