"""NumPy reference for Condenser's certainty signals (Tests/DeploymentTests/CertaintyTests.swift).

Reads a JSON file with "vision" [B, P, D], "text" [B, L, D] and "logits" [B, C] (nested lists)
and prints the signals as JSON, computed as the design essay's compute_modality_certainty does
(torch.std is Bessel-corrected: ddof=1).
"""
import json
import sys

import numpy as np


def log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    vision = np.array(data["vision"], dtype=np.float64)
    text = np.array(data["text"], dtype=np.float64)
    logits = np.array(data["logits"], dtype=np.float64)
    v_std = vision.std(axis=1, ddof=1).mean(axis=-1)
    text_log = log_softmax(text)
    t_entropy = -(np.exp(text_log) * text_log).sum(axis=-1).mean(axis=1)
    answer_log = log_softmax(logits)
    p = np.exp(answer_log)
    top = np.sort(p, axis=-1)[:, ::-1]
    print(json.dumps({
        "vision": (1 / (1 + v_std)).tolist(),
        "text": (1 / (1 + t_entropy)).tolist(),
        "confidence": top[:, 0].tolist(),
        "margin": (top[:, 0] - top[:, 1]).tolist(),
        "entropy": (-(p * answer_log).sum(axis=-1)).tolist(),
    }))


if __name__ == "__main__":
    main()
