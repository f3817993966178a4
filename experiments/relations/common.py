"""Shared helpers for the relation experiments: loading shapes HDF5 files, question kinds,
per-kind evaluation and a generic training loop (AdamW, linear warm-up, cosine decay).

Used by the experiment scripts in this folder; not runnable on its own.
"""
import json
import math
import time

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

KINDS = ["colour", "shape", "size", "count_colour", "count_shape", "exists", "relation"]


def load(path, relation_only=False, limit=None):
    """Return dict with images uint8 [N,32,32,3], tokens int64 [N,16], labels int64 [N], kinds int64 [N], vocab, answers."""
    with h5py.File(path, "r") as f:
        vocab = json.loads(f.attrs["vocab"])
        answers = json.loads(f.attrs["answers"])
        tokens = f["tokens"][:].astype(np.int64)
        kinds = question_kinds(tokens, vocab)
        sel = np.nonzero(kinds == 6)[0] if relation_only else np.arange(len(tokens))
        if limit is not None:
            sel = sel[:limit]
        images = f["images"][:][sel] if len(sel) != len(tokens) else f["images"][:]
        labels = f["labels"][:].astype(np.int64)[sel]
    return dict(images=images, tokens=tokens[sel], labels=labels, kinds=kinds[sel], vocab=vocab, answers=answers)


def question_kinds(tokens, vocab):
    w = {word: i for i, word in enumerate(vocab)}
    t = tokens
    kinds = np.full(len(t), -1, dtype=np.int64)
    has = lambda word: (t == w[word]).any(1)
    rel = has("left") | has("right") | has("above") | has("below")
    kinds[(t[:, 0] == w["what"]) & (t[:, 1] == w["color"])] = 0
    kinds[(t[:, 0] == w["what"]) & (t[:, 1] == w["shape"])] = 1
    kinds[(t[:, 0] == w["what"]) & (t[:, 1] == w["size"])] = 2
    kinds[(t[:, 0] == w["how"]) & has("objects")] = 3
    kinds[(t[:, 0] == w["how"]) & ~has("objects")] = 4
    kinds[(t[:, 0] == w["is"]) & (t[:, 1] == w["there"])] = 5
    kinds[rel] = 6
    assert (kinds >= 0).all()
    return kinds


def to_batch(data, idx):
    img = torch.from_numpy(data["images"][idx]).float().div_(255.0).permute(0, 3, 1, 2).contiguous()  # [B,3,32,32]
    tok = torch.from_numpy(data["tokens"][idx])
    lab = torch.from_numpy(data["labels"][idx])
    return img, tok, lab


@torch.no_grad()
def evaluate(model, data, batch=500):
    model.eval()
    n = len(data["labels"])
    correct = np.zeros(n, dtype=bool)
    loss_sum = np.zeros(n)
    for s in range(0, n, batch):
        idx = np.arange(s, min(n, s + batch))
        img, tok, lab = to_batch(data, idx)
        logits = model(img, tok)
        correct[idx] = (logits.argmax(-1) == lab).numpy()
        loss_sum[idx] = F.cross_entropy(logits, lab, reduction="none").numpy()
    model.train()
    res = {"acc": correct.mean(), "loss": loss_sum.mean()}
    for k, name in enumerate(KINDS):
        m = data["kinds"] == k
        if m.any():
            res[name] = correct[m].mean()
            res[name + "_loss"] = loss_sum[m].mean()
    return res


def fmt(res):
    s = f"acc {res['acc']*100:.1f} loss {res['loss']:.3f}"
    for name in KINDS:
        if name in res:
            s += f" | {name} {res[name]*100:.1f}"
    if "relation_loss" in res:
        s += f" (rel loss {res['relation_loss']:.3f})"
    return s


def count_params(model):
    return sum(p.numel() for p in model.parameters())


def train(model, train_data, test_data, presentations, batch=64, lr=1e-3, warmup=1000, wd=0.01,
          eval_every=20000, seed=0, clip=1.0, log=print, stop_fn=None, sample_weights=None):
    """Train for `presentations` samples drawn (with reshuffling) from train_data."""
    g = np.random.default_rng(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    steps = presentations // batch
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps))))
    n = len(train_data["labels"])
    perm = g.permutation(n)
    pos = 0
    t0 = time.time()
    run_loss, run_cnt = 0.0, 0
    history = []
    for step in range(steps):
        if pos + batch > n:
            perm = g.permutation(n)
            pos = 0
        idx = np.sort(perm[pos:pos + batch])
        pos += batch
        img, tok, lab = to_batch(train_data, idx)
        logits = model(img, tok)
        loss = F.cross_entropy(logits, lab)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        sched.step()
        run_loss += loss.item()
        run_cnt += 1
        seen = (step + 1) * batch
        if seen % eval_every < batch or step == steps - 1:
            res = evaluate(model, test_data)
            res["seen"] = seen
            res["time"] = time.time() - t0
            res["train_loss"] = run_loss / max(1, run_cnt)
            run_loss, run_cnt = 0.0, 0
            history.append(res)
            log(f"seen {seen:7d} t {res['time']:6.0f}s train_loss {res['train_loss']:.3f} | test {fmt(res)}")
            if stop_fn is not None and stop_fn(history):
                log("early stop")
                break
    return history
