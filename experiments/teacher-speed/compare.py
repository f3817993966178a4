"""Same data, same loop, two architectures: does Condenser's teacher family (python/condenser_torch.py,
the exact module structure of the Swift model) learn the whole shapes task as fast per sample as the
relation probe's FusionNet (experiments/relations/models.py, xattn + flat head + sincos)?

  python compare.py --design condenser --config ../../recipes/models/teacher.json --train s10.h5 s11.h5 --test test.h5
  python compare.py --design probe --train ... --test ...

One thread, batch 64, AdamW (lr 1e-3, wd 0.01), warm-up 500 then cosine to 0, clip 1.0: the probe's loop.
The model's inputs are converted to what each design expects (uint8 NHWC images for condenser_torch).
"""
import argparse
import json
import sys
import time

import numpy as np
import torch

sys.path.insert(0, "../relations")
sys.path.insert(0, "../../python")
from common import load, train, count_params, fmt  # noqa: E402
from models import FusionNet  # noqa: E402
import condenser_torch  # noqa: E402


class FromNCHW(torch.nn.Module):
    """Adapts the probe loop's float NCHW [0, 1] images back to uint8 NHWC for condenser_torch."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, img, tok):
        return self.model((img * 255).round().permute(0, 2, 3, 1), tok)


p = argparse.ArgumentParser()
p.add_argument("--design", choices=["condenser", "probe"], required=True)
p.add_argument("--config", default="../../recipes/models/teacher.json")
p.add_argument("--train", nargs="+", required=True)
p.add_argument("--test", required=True)
p.add_argument("--presentations", type=int, default=160000)
p.add_argument("--eval-every", type=int, default=40000)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--variant", default="", help="condenser only: 'direct' (decoder blocks read the normed encoder states, "
               "not the fusion's projections), 'nofused' (the token head without the gated vector), or both, comma-separated")
a = p.parse_args()
torch.set_num_threads(1)
torch.manual_seed(a.seed)
tr = [load(f) for f in a.train]
train_data = {k: (np.concatenate([d[k] for d in tr]) if k not in ("vocab", "answers") else tr[0][k]) for k in tr[0]}
test_data = load(a.test)
if a.design == "condenser":
    config = json.load(open(a.config))
    inner = condenser_torch.FusionModel(config)
    for name, prm in inner.named_parameters():   # the Swift model's N(0, 0.02) position embeddings
        if name.endswith("pos_embed"):
            torch.nn.init.normal_(prm, std=0.02)
    variants = set(filter(None, a.variant.split(",")))
    if "direct" in variants:
        fusion = inner.fusion

        def direct(v, t, keep, fusion=fusion):
            fused, _ = type(fusion).forward(fusion, v, t, keep)
            r = t
            for layer in fusion.layers:
                r = layer(r, v, tgt_key_padding_mask=~keep)
            return fused, fusion.norm(r)
        fusion.forward = direct
    if "nofused" in variants:
        head = inner.head

        def nofused(fused, tokens, keep, head=head):
            return type(head).forward(head, torch.zeros_like(fused), tokens, keep)
        head.forward = nofused
    model = FromNCHW(inner)
else:
    model = FusionNet(vocab=64, classes=32, fusion="xattn", head="flat", coords="add", lv=2, lt=1, lx=2, head_hidden=128)
print(json.dumps(vars(a)), f"params {count_params(model)}", flush=True)
t0 = time.time()
hist = train(model, train_data, test_data, a.presentations, lr=1e-3, warmup=500, wd=0.01, eval_every=a.eval_every,
             seed=a.seed, log=lambda s: print(s, flush=True))
print(f"FINAL {a.design} seen {hist[-1]['seen']} wall {time.time() - t0:.0f}s | {fmt(hist[-1])}", flush=True)
