"""Load a Condenser checkpoint into PyTorch.

Builds the `nn.Module` of a checkpoint's `model_config` from stock PyTorch modules
(nn.Linear, nn.LayerNorm, nn.Embedding, nn.MultiheadAttention, nn.TransformerEncoderLayer and
nn.TransformerDecoderLayer with norm_first=True, exact GELU, batch_first=True) and loads its
weights by name: the checkpoint's tensor names are the module's state_dict keys. The module
structure and the forward pass follow Tests/CLITests/reference_forward.py, the NumPy reference
the test suite checks `condenser predict` against, step for step.

Needs torch, h5py and numpy only. Supports float32 checkpoints of any architecture of the family;
pruned checkpoints (attention narrower than the model, or vision-token policies) and int8
checkpoints are refused with a message, because nn.MultiheadAttention cannot hold them.

    import condenser_torch
    model = condenser_torch.load("checkpoints/shapes-vqa/teacher.h5")   # eval mode
    images, tokens = condenser_torch.read_dataset("test.h5")            # uint8 [N, H, W, 3], int64 [N, L]
    logits = model(images[:32], tokens[:32])                            # [32, classes]

Export to ONNX (opset 17 or later has LayerNormalization):

    torch.onnx.export(model, (images[:2], tokens[:2]), "teacher.onnx",
                      input_names=["images", "tokens"], output_names=["logits"],
                      dynamic_axes={"images": {0: "batch"}, "tokens": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=17, dynamo=False)   # the TorchScript exporter keeps the batch dynamic

Command line: `python condenser_torch.py CHECKPOINT.h5 DATA.h5 [--onnx OUT.onnx]` prints the
accuracy (and the largest difference from a logits file given with --compare LOGITS.h5, as
written by `condenser predict`).
"""
import argparse
import json
import math

import h5py
import numpy as np
import torch
import torch.nn as nn


def encoder_layer(width, heads, hidden):
    return nn.TransformerEncoderLayer(width, heads, hidden, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)


def decoder_layer(width, heads, hidden):
    return nn.TransformerDecoderLayer(width, heads, hidden, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)


def sincos_code(grid, width):
    """vision_coordinates "sincos": [sin(x f), cos(x f), sin(y f), cos(y f)], f_k = k pi / 2 for
    k = 1..width/4, at patch centres x = (c + 1/2) / grid * 2 - 1 (y likewise from the row)."""
    centres = (torch.arange(grid, dtype=torch.float64) + 0.5) / grid * 2 - 1
    y, x = torch.meshgrid(centres, centres, indexing="ij")
    f = torch.arange(1, width // 4 + 1, dtype=torch.float64) * math.pi / 2
    x, y = x.reshape(-1, 1) * f, y.reshape(-1, 1) * f
    return torch.cat([x.sin(), x.cos(), y.sin(), y.cos()], -1).float()


class VisionEncoder(nn.Module):
    """uint8 images [B, S, S, 3] -> patch states [B, P, Dv] (module prefix `vision.`)."""

    def __init__(self, c):
        super().__init__()
        self.patch_size, grid = c["patch_size"], c["image_size"] // c["patch_size"]
        self.patch_embed = nn.Linear(c["patch_size"] ** 2 * 3, c["vision_dim"])
        self.pos_embed = nn.Parameter(torch.zeros(grid * grid, c["vision_dim"]))
        self.layers = nn.ModuleList(encoder_layer(c["vision_dim"], c["vision_heads"], c["vision_dim"] * c.get("mlp_ratio", 4))
                                    for _ in range(c["vision_depth"]))
        self.norm = nn.LayerNorm(c["vision_dim"])
        code = sincos_code(grid, c["vision_dim"]) if c.get("vision_coordinates", "learned") == "sincos" else torch.zeros(1)
        self.register_buffer("coordinates", code, persistent=False)
        self.sincos = c.get("vision_coordinates", "learned") == "sincos"

    def forward(self, images):
        n, size, p = images.shape[0], images.shape[1], self.patch_size
        grid = size // p
        x = images.float() / 255
        patches = x.reshape(n, grid, p, grid, p, 3).permute(0, 1, 3, 2, 4, 5).reshape(n, grid * grid, p * p * 3)
        v = self.patch_embed(patches) + self.pos_embed
        if self.sincos:
            v = v + self.coordinates
        for layer in self.layers:
            v = layer(v)
        return self.norm(v)


class TextEncoder(nn.Module):
    """Token ids [B, L] (0 = padding, never attended to) -> states [B, L, Dt] (prefix `text.`)."""

    def __init__(self, c):
        super().__init__()
        self.token_embed = nn.Embedding(c["vocab_size"], c["text_dim"])
        self.pos_embed = nn.Parameter(torch.zeros(c["max_text_len"], c["text_dim"]))
        self.layers = nn.ModuleList(encoder_layer(c["text_dim"], c["text_heads"], c["text_dim"] * c.get("mlp_ratio", 4))
                                    for _ in range(c["text_depth"]))
        self.norm = nn.LayerNorm(c["text_dim"])

    def forward(self, tokens):
        t = self.token_embed(tokens) + self.pos_embed[: tokens.shape[1]]
        for layer in self.layers:
            t = layer(t, src_key_padding_mask=tokens == 0)
        return self.norm(t)


def masked_mean(x, keep):
    """x [B, T, D], keep [B, T] bool -> mean over the kept positions [B, D]."""
    k = keep.unsqueeze(-1).to(x.dtype)
    return (x * k).sum(1) / k.sum(1)


class AdaptiveCrossModalFusion(nn.Module):
    """The seed's gated cross-modal fusion, plus `fusion_depth` decoder blocks that refine the
    question over the patches (prefix `fusion.`)."""

    def __init__(self, c):
        super().__init__()
        d = c["fusion_dim"]
        self.vision_proj = nn.Linear(c["vision_dim"], d)
        self.text_proj = nn.Linear(c["text_dim"], d)
        self.gate_net = nn.Sequential(nn.Linear(2 * d, d), nn.ReLU(), nn.Linear(d, 2))
        self.cross_attn = nn.MultiheadAttention(d, c["fusion_heads"], batch_first=True)
        depth = c.get("fusion_depth", 0)
        self.layers = nn.ModuleList(decoder_layer(d, c["fusion_heads"], d * c.get("mlp_ratio", 4)) for _ in range(depth))
        self.norm = nn.LayerNorm(d) if depth > 0 else None

    def forward(self, v, t, keep):
        """v [B, P, Dv], t [B, L, Dt], keep [B, L] -> (fused [B, D], refined question [B, L, D] or None)."""
        vp, tp = self.vision_proj(v), self.text_proj(t)
        v_global, t_global = vp.mean(1), masked_mean(tp, keep)
        gates = torch.softmax(self.gate_net(torch.cat([v_global, t_global], -1)), -1)
        cross, _ = self.cross_attn(tp, vp, vp, need_weights=False)
        fused = gates[:, :1] * v_global + gates[:, 1:] * masked_mean(cross, keep)
        if self.norm is None:
            return fused, None
        r = tp
        for layer in self.layers:
            r = layer(r, vp, tgt_key_padding_mask=~keep)
        return fused, self.norm(r)


class ClassifierHead(nn.Module):
    """`head: "fused"`: fc(norm(fused)). `head: "tokens"`: fc(gelu(hidden([tokens with padding
    zeroed, flattened over max_text_len positions; norm(fused)]))) (prefix `head.`)."""

    def __init__(self, c):
        super().__init__()
        d, self.length = c["fusion_dim"], c["max_text_len"]
        self.norm = nn.LayerNorm(d)
        if c.get("head", "fused") == "tokens":
            self.hidden = nn.Linear(self.length * d + d, c.get("head_hidden", 256))
            self.fc = nn.Linear(c.get("head_hidden", 256), c["num_classes"])
        else:
            self.hidden = None
            self.fc = nn.Linear(d, c["num_classes"])

    def forward(self, fused, tokens, keep):
        fused = self.norm(fused)
        if self.hidden is None:
            return self.fc(fused)
        r = tokens * keep.unsqueeze(-1).to(tokens.dtype)
        r = nn.functional.pad(r, (0, 0, 0, self.length - r.shape[1])).flatten(1)
        return self.fc(nn.functional.gelu(self.hidden(torch.cat([r, fused], -1))))


class FusionModel(nn.Module):
    """The whole model: images uint8 [B, S, S, 3], tokens int [B, L] -> logits [B, classes]."""

    def __init__(self, config):
        super().__init__()
        unsupported = [k for k in ("vision_head_dim", "text_head_dim", "fusion_head_dim", "vision_mlp_dims", "text_mlp_dims",
                                   "fusion_layer_heads", "fusion_cross_heads", "fusion_mlp_dims", "vision_token_keep")
                       if k in config]
        if unsupported:
            raise ValueError(f"pruned checkpoints are not supported (model_config has {', '.join(unsupported)}): "
                             "nn.MultiheadAttention cannot hold an attention narrower than the model")
        self.config = config
        self.vision = VisionEncoder(config)
        self.text = TextEncoder(config)
        self.fusion = AdaptiveCrossModalFusion(config)
        self.head = ClassifierHead(config)

    def forward(self, images, tokens):
        keep = tokens != 0
        fused, refined = self.fusion(self.vision(images), self.text(tokens), keep)
        return self.head(fused, refined, keep)


def load(path):
    """The checkpoint at `path` as a FusionModel in eval mode, every tensor loaded by name."""
    with h5py.File(path, "r") as f:
        if f.attrs.get("precision", "float32") != "float32":
            raise ValueError(f"{path}: only float32 checkpoints load into PyTorch; this one is {f.attrs['precision']}")
        config = json.loads(f.attrs["model_config"])
        tensors = {}
        f["model"].visititems(lambda name, obj: tensors.__setitem__(name.replace("/", "."), torch.from_numpy(obj[()]))
                              if isinstance(obj, h5py.Dataset) else None)
    model = FusionModel(config)
    model.load_state_dict(tensors, strict=True)
    return model.eval()


def read_dataset(path):
    """(images uint8 [N, H, W, 3], tokens int64 [N, L], labels int64 [N] or None) of a dataset file."""
    with h5py.File(path, "r") as f:
        labels = torch.from_numpy(f["labels"][()].astype(np.int64)) if "labels" in f else None
        return torch.from_numpy(f["images"][()]), torch.from_numpy(f["tokens"][()].astype(np.int64)), labels


def main():
    parser = argparse.ArgumentParser(description="Run a Condenser checkpoint in PyTorch.")
    parser.add_argument("checkpoint")
    parser.add_argument("data")
    parser.add_argument("--compare", help="a logits file written by `condenser predict` for the same data")
    parser.add_argument("--onnx", help="also export the model to this ONNX file")
    args = parser.parse_args()
    model = load(args.checkpoint)
    images, tokens, labels = read_dataset(args.data)
    with torch.no_grad():
        logits = torch.cat([model(images[i:i + 256], tokens[i:i + 256]) for i in range(0, len(images), 256)])
    if labels is not None:
        print(f"accuracy {(logits.argmax(1) == labels).double().mean().item():.4f} on {len(labels)} samples")
    if args.compare:
        with h5py.File(args.compare, "r") as f:
            theirs = torch.from_numpy(f["logits"][()])
        print(f"largest |logit difference| from {args.compare}: {(logits - theirs).abs().max().item():.3g}")
    if args.onnx:
        torch.onnx.export(model, (images[:2], tokens[:2]), args.onnx, input_names=["images", "tokens"], output_names=["logits"],
                          dynamic_axes={"images": {0: "batch"}, "tokens": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17,
                          dynamo=False)
        print(f"wrote {args.onnx}")


if __name__ == "__main__":
    main()
