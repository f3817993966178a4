"""Distil a trained FusionNet teacher into a smaller FusionNet student (same family).

Loss = alpha * CE(student, labels) + (1 - alpha) * T^2 * KL(softmax(teacher/T) || softmax(student/T)).
AdamW, linear warm-up then cosine decay, batch 64, gradient clipping 1.0; 1 thread.

Example (stage 1 of the curriculum, then stage 2 with --init):
  python distill.py --teacher T.pt --train la_s10.h5 ... --test test.h5 --presentations 200000 --save S1.pt
  python distill.py --teacher T.pt --train s16.h5 ... --test test.h5 --presentations 400000 --init S1.pt --save S2.pt
Teacher options: --t-d --t-lv --t-lt --t-lx --t-ff --t-heads; student: --d --lv --lt --lx --ff --heads --head-hidden.
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import load, to_batch, evaluate, fmt, count_params
from models import FusionNet

p = argparse.ArgumentParser()
p.add_argument("--teacher", required=True)
p.add_argument("--train", nargs="+", required=True)
p.add_argument("--test", required=True)
p.add_argument("--coords", default="add")
for k, v in dict(d=32, heads=4, ff=128, lv=1, lt=1, lx=1, head_hidden=64,
                 t_d=64, t_heads=4, t_ff=256, t_lv=2, t_lt=1, t_lx=2, t_head_hidden=128).items():
    p.add_argument("--" + k.replace("_", "-"), type=int, default=v)
p.add_argument("--presentations", type=int, default=200000)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--warmup", type=int, default=500)
p.add_argument("--alpha", type=float, default=0.5)
p.add_argument("--T", type=float, default=2.0)
p.add_argument("--eval-every", type=int, default=25000)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--init", default="")
p.add_argument("--save", default="")
a = p.parse_args()
torch.set_num_threads(1)
torch.manual_seed(a.seed)
print(json.dumps(vars(a)), flush=True)

teacher = FusionNet(d=a.t_d, heads=a.t_heads, ff=a.t_ff, fusion="xattn", lv=a.t_lv, lt=a.t_lt, lx=a.t_lx, head="flat",
                    coords=a.coords, head_hidden=a.t_head_hidden)
teacher.load_state_dict(torch.load(a.teacher))
teacher.eval()
student = FusionNet(d=a.d, heads=a.heads, ff=a.ff, fusion="xattn", lv=a.lv, lt=a.lt, lx=a.lx, head="flat",
                    coords=a.coords, head_hidden=a.head_hidden)
if a.init:
    student.load_state_dict(torch.load(a.init))
tr = [load(f) for f in a.train]
data = {k: (np.concatenate([d[k] for d in tr]) if k not in ("vocab", "answers") else tr[0][k]) for k in tr[0]}
test = load(a.test)
print(f"student params {count_params(student)} teacher params {count_params(teacher)} train {len(data['labels'])}", flush=True)

g = np.random.default_rng(a.seed)
opt = torch.optim.AdamW(student.parameters(), lr=a.lr, weight_decay=0.01)
steps = a.presentations // a.batch
sched = torch.optim.lr_scheduler.LambdaLR(
    opt, lambda s: min(1.0, (s + 1) / a.warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps))))
n = len(data["labels"]); perm = g.permutation(n); pos = 0; t0 = time.time(); run = []
for step in range(steps):
    if pos + a.batch > n:
        perm = g.permutation(n); pos = 0
    idx = np.sort(perm[pos:pos + a.batch]); pos += a.batch
    img, tok, lab = to_batch(data, idx)
    with torch.no_grad():
        tl = teacher(img, tok)
    sl = student(img, tok)
    kd = F.kl_div(F.log_softmax(sl / a.T, -1), F.log_softmax(tl / a.T, -1), log_target=True, reduction="batchmean")
    loss = a.alpha * F.cross_entropy(sl, lab) + (1 - a.alpha) * a.T ** 2 * kd
    opt.zero_grad(set_to_none=True); loss.backward()
    torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0); opt.step(); sched.step()
    run.append(loss.item())
    seen = (step + 1) * a.batch
    if seen % a.eval_every < a.batch or step == steps - 1:
        r = evaluate(student, test)
        print(f"seen {seen:7d} t {time.time()-t0:6.0f}s train_loss {np.mean(run):.3f} | test {fmt(r)}", flush=True)
        run = []
print(f"FINAL seen {seen} wall {time.time()-t0:.0f}s params {count_params(student)} | {fmt(r)}")
if a.save:
    torch.save(student.state_dict(), a.save)
