"""Train one FusionNet design (see models.py) on a shapes HDF5 file and report per-kind test accuracy.

Example:
  python run.py --train rel_train.h5 --test rel_test.h5 --fusion early --head cls --presentations 200000
Options are listed by --help. Uses 1 thread. Logs one line per --eval-every presentations.
"""
import argparse
import json
import time

import numpy as np
import torch

from common import load, train, count_params, fmt
from models import FusionNet

p = argparse.ArgumentParser()
p.add_argument("--train", nargs="+", required=True)
p.add_argument("--test", required=True)
p.add_argument("--relation-only", action="store_true")
p.add_argument("--fusion", default="early")
p.add_argument("--head", default="flat")
p.add_argument("--coords", default="none")
p.add_argument("--d", type=int, default=64)
p.add_argument("--heads", type=int, default=4)
p.add_argument("--ff", type=int, default=256)
p.add_argument("--layers", type=int, default=4)
p.add_argument("--lv", type=int, default=2)
p.add_argument("--lt", type=int, default=1)
p.add_argument("--lx", type=int, default=2)
p.add_argument("--head-hidden", type=int, default=128)
p.add_argument("--presentations", type=int, default=200000)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--warmup", type=int, default=500)
p.add_argument("--wd", type=float, default=0.01)
p.add_argument("--eval-every", type=int, default=20000)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--stop-at-chance", type=int, default=0,
               help="stop if relation test loss is still > 0.68 after this many presentations (0 = never)")
p.add_argument("--save", default="")
p.add_argument("--init", default="", help="start from this state_dict (curriculum stages)")
a = p.parse_args()

torch.set_num_threads(1)
torch.manual_seed(a.seed)
np.random.seed(a.seed)
tr = [load(f, relation_only=a.relation_only) for f in a.train]
train_data = {k: (np.concatenate([d[k] for d in tr]) if k not in ("vocab", "answers") else tr[0][k]) for k in tr[0]}
test_data = load(a.test, relation_only=a.relation_only)
model = FusionNet(d=a.d, heads=a.heads, ff=a.ff, fusion=a.fusion, layers=a.layers, lv=a.lv, lt=a.lt, lx=a.lx,
                  head=a.head, coords=a.coords, head_hidden=a.head_hidden)
if a.init:
    model.load_state_dict(torch.load(a.init))
print(json.dumps(vars(a)))
print(f"params {count_params(model)}  train {len(train_data['labels'])}  test {len(test_data['labels'])}", flush=True)


def stop_fn(h):
    r = h[-1]
    return a.stop_at_chance and r["seen"] >= a.stop_at_chance and r.get("relation_loss", 0) > 0.68


t0 = time.time()
hist = train(model, train_data, test_data, a.presentations, batch=a.batch, lr=a.lr, warmup=a.warmup, wd=a.wd,
             eval_every=a.eval_every, seed=a.seed, log=lambda s: print(s, flush=True), stop_fn=stop_fn)
print(f"FINAL seen {hist[-1]['seen']} wall {time.time()-t0:.0f}s params {count_params(model)} | {fmt(hist[-1])}")
if a.save:
    torch.save(model.state_dict(), a.save)
