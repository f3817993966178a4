"""Parameter count and forward FLOPs per sample (torch.utils.flop_counter; 1 multiply-add = 2 FLOPs)
of a FusionNet config.

Usage: python flops.py --fusion xattn --head flat --coords add --d 64 --lv 2 --lt 1 --lx 2
"""
import argparse

import torch
from torch.utils.flop_counter import FlopCounterMode

from models import FusionNet

p = argparse.ArgumentParser()
for k, v in dict(fusion="xattn", head="flat", coords="add").items():
    p.add_argument("--" + k, default=v)
for k, v in dict(d=64, heads=4, ff=256, layers=4, lv=2, lt=1, lx=2, head_hidden=128).items():
    p.add_argument("--" + k.replace("_", "-"), type=int, default=v)
a = p.parse_args()
m = FusionNet(d=a.d, heads=a.heads, ff=a.ff, fusion=a.fusion, layers=a.layers, lv=a.lv, lt=a.lt, lx=a.lx,
              head=a.head, coords=a.coords, head_hidden=a.head_hidden)  # train mode: avoids the fused fast path the counter misses
img = torch.rand(1, 3, 32, 32)
tok = torch.tensor([[5, 6, 17, 23, 33, 15, 6, 19, 24, 16, 0, 0, 0, 0, 0, 0]])
with FlopCounterMode(display=False) as fc, torch.no_grad():
    m(img, tok)
print(f"params {sum(p.numel() for p in m.parameters())}  forward MFLOPs/sample {fc.get_total_flops()/1e6:.2f}")
