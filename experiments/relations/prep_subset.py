"""Keep only relation questions whose relation word is in a given set (a curriculum stage).

Usage: python prep_subset.py IN.h5 OUT.h5 left [right above below]
"""
import json
import sys

import h5py
import numpy as np

src, out, words = sys.argv[1], sys.argv[2], sys.argv[3:]
with h5py.File(src, "r") as f:
    vocab = json.loads(f.attrs["vocab"])
    t = f["tokens"][:]
    ids = [vocab.index(w) for w in words]
    sel = np.nonzero(np.isin(t, ids).any(1))[0]
    with h5py.File(out, "w") as g:
        g.create_dataset("images", data=f["images"][:][sel])
        g.create_dataset("tokens", data=t[sel])
        g.create_dataset("labels", data=f["labels"][:][sel])
        g.attrs["vocab"] = f.attrs["vocab"]
        g.attrs["answers"] = f.attrs["answers"]
print(out, len(sel))
