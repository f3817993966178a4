"""Filter relation questions (left/right/above/below) out of shapes HDF5 files into one HDF5 file
with the same layout and attributes.

Usage: python prep_relations.py OUT.h5 IN1.h5 [IN2.h5 ...]
"""
import json
import sys

import h5py
import numpy as np

from common import question_kinds

out, ins = sys.argv[1], sys.argv[2:]
imgs, toks, labs = [], [], []
for p in ins:
    with h5py.File(p, "r") as f:
        vocab, answers = f.attrs["vocab"], f.attrs["answers"]
        t = f["tokens"][:]
        sel = np.nonzero(question_kinds(t.astype(np.int64), json.loads(vocab)) == 6)[0]
        imgs.append(f["images"][:][sel]); toks.append(t[sel]); labs.append(f["labels"][:][sel])
with h5py.File(out, "w") as f:
    f.create_dataset("images", data=np.concatenate(imgs))
    f.create_dataset("tokens", data=np.concatenate(toks))
    f.create_dataset("labels", data=np.concatenate(labs))
    f.attrs["vocab"] = vocab
    f.attrs["answers"] = answers
print(out, sum(len(l) for l in labs))
