"""Per relation-word test accuracy of a saved FusionNet state_dict.

Usage: python evalwords.py CKPT.pt TEST.h5 [model options as in run.py, e.g. --fusion xattn --head flat --coords add]
"""
import argparse

import numpy as np
import torch

from common import load, to_batch
from models import FusionNet

p = argparse.ArgumentParser()
p.add_argument("ckpt"); p.add_argument("test")
for k, v in dict(fusion="xattn", head="flat", coords="add").items():
    p.add_argument("--" + k, default=v)
for k, v in dict(d=64, heads=4, ff=256, layers=4, lv=2, lt=1, lx=2, head_hidden=128).items():
    p.add_argument("--" + k.replace("_", "-"), type=int, default=v)
a = p.parse_args()
torch.set_num_threads(1)
m = FusionNet(d=a.d, heads=a.heads, ff=a.ff, fusion=a.fusion, layers=a.layers, lv=a.lv, lt=a.lt, lx=a.lx,
              head=a.head, coords=a.coords, head_hidden=a.head_hidden)
m.load_state_dict(torch.load(a.ckpt)); m.eval()
d = load(a.test, relation_only=True)
img, tok, lab = to_batch(d, np.arange(len(d["labels"])))
with torch.no_grad():
    ok = (m(img, tok).argmax(-1) == lab).numpy()
for w in ("left", "right", "above", "below"):
    sel = (d["tokens"] == d["vocab"].index(w)).any(1)
    print(f"{w:6s} {ok[sel].mean()*100:.1f}% (n={sel.sum()})")
