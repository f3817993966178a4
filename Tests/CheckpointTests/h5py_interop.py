"""h5py side of the CheckpointTests interop tests: an independent reader and writer of the
checkpoint and dataset formats (docs/checkpoint-format.md).

    h5py_interop.py dump-checkpoint PATH      print JSON: attributes (value + Python type), and per
                                              tensor its dtype, shape and float32 bit patterns
    h5py_interop.py copy-checkpoint SRC DST   re-write SRC with h5py from its state dict
    h5py_interop.py write-dataset PATH        write the small dataset that the Swift test expects
"""
import json
import sys

import h5py
import numpy as np


def load_state_dict(path):
    """PyTorch-style name -> numpy array; the snippet in docs/checkpoint-format.md."""
    with h5py.File(path, "r") as f:
        if f.attrs.get("format") != "condenser-checkpoint" or f.attrs["format_version"] != 1:
            raise ValueError(f"{path}: not a version 1 condenser checkpoint")
        state = {}

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                state[name.replace("/", ".")] = obj[()]

        f["model"].visititems(visit)
        return state, dict(f.attrs)


def dump_checkpoint(path):
    state, attributes = load_state_dict(path)
    print(json.dumps({
        "attributes": {
            name: {"type": type(value).__name__,
                   "value": value if isinstance(value, str) else int(value)}
            for name, value in attributes.items()
        },
        "tensors": {
            name: {"dtype": str(array.dtype), "shape": list(array.shape),
                   "bits": array.astype("<f4").view("<u4").ravel().tolist()}
            for name, array in state.items()
        },
    }))


def copy_checkpoint(source, destination):
    state, attributes = load_state_dict(source)
    with h5py.File(destination, "w") as f:
        for name, value in attributes.items():
            f.attrs[name] = value
        for name, array in state.items():
            f.create_dataset("model/" + name.replace(".", "/"), data=array.astype(np.float32))


def write_dataset(path):
    """N=5 images of 4x6, questions of length 3; each value a formula the Swift test recomputes."""
    n, h, w, length = 5, 4, 6, 3
    vocab = ["<pad>", "what", "colour", "is", "the", "café"]
    answers = ["red", "green", "blue", "naïve"]
    index = np.indices((n, h, w, 3))
    images = ((index[0] * 7 + index[1] * 5 + index[2] * 3 + index[3]) % 256).astype(np.uint8)
    sample, position = np.indices((n, length))
    tokens = np.where(position == 2, 0, (sample + position) % len(vocab)).astype(np.int32)
    labels = (np.arange(n) % len(answers)).astype(np.int32)
    with h5py.File(path, "w") as f:
        f.create_dataset("images", data=images)
        f.create_dataset("tokens", data=tokens)
        f.create_dataset("labels", data=labels)
        f.attrs["vocab"] = json.dumps(vocab)  # variable-length str
        f.attrs["answers"] = np.bytes_(json.dumps(answers, ensure_ascii=False).encode("utf-8"))  # fixed-length


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {"dump-checkpoint": dump_checkpoint,
     "copy-checkpoint": copy_checkpoint,
     "write-dataset": write_dataset}[command](*arguments)
