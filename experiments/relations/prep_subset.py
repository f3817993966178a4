"""Keep only relation questions whose relation word is in a given set (a curriculum stage).

Usage: python prep_subset.py IN.h5 OUT.h5 left [right above below] [--keep-other]
  --keep-other also keeps every non-relation question (full task with a reduced relation set).
"""
import json
import sys

import h5py
import numpy as np

keep_other = '--keep-other' in sys.argv
src, out, words = sys.argv[1], sys.argv[2], [w for w in sys.argv[3:] if w != '--keep-other']
with h5py.File(src, "r") as f:
    vocab = json.loads(f.attrs["vocab"])
    t = f["tokens"][:]
    ids = [vocab.index(w) for w in words]
    m = np.isin(t, ids).any(1)
    if keep_other:
        rel = np.isin(t, [vocab.index(w) for w in ('left', 'right', 'above', 'below')]).any(1)
        m |= ~rel
    sel = np.nonzero(m)[0]
    with h5py.File(out, "w") as g:
        g.create_dataset("images", data=f["images"][:][sel])
        g.create_dataset("tokens", data=t[sel])
        g.create_dataset("labels", data=f["labels"][:][sel])
        g.attrs["vocab"] = f.attrs["vocab"]
        g.attrs["answers"] = f.attrs["answers"]
print(out, len(sel))
