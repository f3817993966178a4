"""Independent NumPy forward pass of a condenser checkpoint, written from the PyTorch
definitions (nn.TransformerEncoderLayer(norm_first=True, activation="gelu"), nn.MultiheadAttention,
nn.LayerNorm, exact-erf GELU) in float64. Reads weights by name with h5py.
Pruned checkpoints: each attention's head count is its q/k/v width over `*_head_dim` (default
dim / heads), MLP widths come from the weights, and `vision_token_keep` keeps the patches that
receive most attention (mean over heads and queries) in layer `after_layer` — or, with
"by": "text", most attention from the question's tokens through the fusion's projections — in grid order.

int8 checkpoints (docs/checkpoint-format.md) run as their scheme says, in float64: weights are
codes × weight_scale, and every weight product's input is first rounded to its 7-bit codes (the
stored input_scale / input_zero_point, or per row from its min and max when there are none); an
attention whose in-projection is int8 runs its heads in int8 too (int8_head), and an int8 product's
GELU takes its short form (short_gelu).

usage: reference_forward.py CHECKPOINT.h5 DATA.h5  → prints JSON {"logits": [[...], ...]}
"""
import json
import math
import sys

import h5py
import numpy as np

erf = np.vectorize(math.erf)


def load(path):
    tensors = {}
    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["model_config"])
        f["model"].visititems(lambda name, obj: tensors.__setitem__(name.replace("/", "."), obj[()])
                              if isinstance(obj, h5py.Dataset) else None)
    for name in [n for n, t in tensors.items() if t.dtype == np.int8]:
        tensors[name] = tensors[name].astype(np.float64) * tensors[name + "_scale"].astype(np.float64)[:, None]
    return config, {name: t.astype(np.float64) for name, t in tensors.items()}


def fake_quantize(x, scale, zero_point):
    """x rounded to its 7-bit codes (0…127 with the zero point) and back. The codes are round(x · (1/scale)) in float32, ties
    to even, as the scheme defines them: inputs such as pixels / 255 land exactly on ties, where
    any other arithmetic would round some of them the other way."""
    scale = np.asarray(scale, dtype=np.float32)
    codes = np.round(np.clip(x.astype(np.float32) * (np.float32(1) / scale), -zero_point, 127 - zero_point))
    return codes.astype(np.float64) * scale.astype(np.float64)


def product(p, weight, bias, x, rows=slice(None)):
    """x @ W[rows].T + b[rows], with x quantized first when W is an int8 product."""
    stem = weight[: -len("weight")] + "input_"
    if stem + "scale" in p:
        x = fake_quantize(x, p[stem + "scale"][0], p[stem + "zero_point"][0])
    elif weight + "_scale" in p:
        # Dynamic: each row's scale and zero point, computed in float32 as the scheme defines them
        # (a zero point rounded the other way would shift the whole row).
        x32 = x.astype(np.float32)
        low = np.minimum(x32.min(-1, keepdims=True), np.float32(0))
        high = np.maximum(x32.max(-1, keepdims=True), np.float32(0))
        scale = np.where(high > low, (high - low) / np.float32(127), np.float32(1)).astype(np.float32)
        x = fake_quantize(x, scale, np.clip(np.round(-low / scale), 0, 127))
    return x @ p[weight][rows].T + p[bias][rows]


def layer_norm(x, w, b):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-5) * w + b


def gelu(x):
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


# GELU's short form: per unit interval of [0, 8), the coefficients of D(a) = Φ(a) − 1/2 as a degree-5
# polynomial in u = a − (i + 1/2) (condenser_gelu_short's table, Sources/CKernels/Gelu.c).
SHORT_GELU_TABLE = np.array([
    [0.191461027, 0.433193088, 0.493790597, 0.499767274, 0.499996603, 0.49999997, 0.5, 0.5],
    [0.352064788, 0.129518524, 0.0175278652, 0.000872714387, 1.60007439e-05, 1.08317579e-07, 2.72465328e-10, 2.58024342e-13],
    [-0.0879129693, -0.0971590132, -0.0219287779, -0.0015209862, -3.51397393e-05, -2.75591702e-07, -7.23720861e-10, -5.96621656e-13],
    [-0.0439906046, 0.0269529149, 0.0153512126, 0.00163524854, 5.07387958e-05, 5.05409332e-07, 1.66247394e-09, 1.78878537e-12],
    [0.019055767, 0.00629922282, -0.00573869189, -0.00124380691, -6.03705448e-05, -8.8545471e-07, -4.29793978e-09, -7.19404441e-12],
    [0.00444313372, -0.00562827149, 0.000554013182, 0.000587135437, 4.3147309e-05, 8.14466773e-07, 4.74236073e-09, 9.14897498e-12]
], dtype=np.float32)


def short_gelu(x):
    """GELU's short form, which int8 products apply before their outputs become the next product's
    codes: x/2 + |x|·D(|x|), in float32 as it runs (each fused multiply-add exact in float64 and
    rounded once). It is within 1.5e-6 of GELU, but the rows that set their own scales from their
    minimum and maximum pass even that on."""
    f32 = np.float32
    x = x.astype(f32)
    a = np.abs(x)
    clamped = np.minimum(a, f32(7.99999952))
    i = clamped.astype(np.int32)
    u = (clamped - (i.astype(f32) + f32(0.5))).astype(np.float64)
    p = SHORT_GELU_TABLE[5, i].astype(np.float64)
    for k in range(4, -1, -1):
        p = (p * u + SHORT_GELU_TABLE[k, i]).astype(f32).astype(np.float64)
    p = np.where(a < 8, p, 0.5)
    return (a.astype(np.float64) * p + (f32(0.5) * x)).astype(f32).astype(np.float64)


def activation(p, prefix, x):
    """GELU of linear `prefix`'s outputs: its short form when that product is int8."""
    return short_gelu(x) if prefix + ".weight_scale" in p else gelu(x)


def softmax(x):
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


def attention(p, prefix, query, key_value, hd, key_mask=None):
    """→ (output, weights of each head [n, Tq, Tk]); the attention width a = heads · hd."""
    w, b = prefix + ".in_proj_weight", prefix + ".in_proj_bias"
    a = p[w].shape[0] // 3
    q = product(p, w, b, query, slice(0, a))
    k = product(p, w, b, key_value, slice(a, 2 * a))
    v = product(p, w, b, key_value, slice(2 * a, 3 * a))
    out, weights = np.zeros_like(q), []
    for h in range(a // hd):
        s = slice(h * hd, (h + 1) * hd)
        if w + "_scale" in p:
            weights.append(int8_head(q[:, :, s], k[:, :, s], v[:, :, s], hd, key_mask, out[:, :, s]))
            continue
        scores = q[:, :, s] @ k[:, :, s].transpose(0, 2, 1) / math.sqrt(hd)
        if key_mask is not None:
            scores = np.where(key_mask[:, None, :], scores, -np.inf)
        weights.append(softmax(scores))
        out[:, :, s] = weights[-1] @ v[:, :, s]
    return linear(p, prefix + ".out_proj", out), weights


def symmetric(x, limit, axis):
    """x rounded to codes −limit…limit with one scale over `axis` (max |x| / limit), and back."""
    largest = np.abs(x).max(axis=axis, keepdims=True)
    scale = np.where(largest > 0, largest / limit, 1.0)
    return np.clip(np.round(x / scale), -limit, limit) * scale


def int8_head(q, k, v, hd, key_mask, out):
    """One head of an int8 attention, per batch element: queries coded to ±63 and keys to ±127 with
    one scale each, values to ±127 with a scale per feature, the numerators e = exp(s − max) (the
    kernel's short exponential) to round(127·e); weights e / Σe, context (codes · values) / (127 · Σe).
    Writes out; → weights."""
    q = symmetric(q, 63, (1, 2))
    k = symmetric(k, 127, (1, 2))
    v = symmetric(v, 127, 1)
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
    if key_mask is not None:
        scores = np.where(key_mask[:, None, :], scores, -np.inf)
    e = short_exp(scores - scores.max(-1, keepdims=True))
    total = e.sum(-1, keepdims=True)
    codes = np.round((e.astype(np.float32) * np.float32(127)).astype(np.float64))
    out[...] = (codes @ v) / (127 * total)
    return e / total


def short_exp(x):
    """The kernel's exponential for x ≤ 0 (fast_exp_kernel in ExpKernel.h), in float32 as it runs:
    2ⁿ · p(f) with n = round(x·log₂e), f = x·log₂e − n and p a degree-3 polynomial, each fused
    multiply-add exact in float64 and rounded once. exp itself differs by up to 1.1e-4, which would
    move numerator codes across their rounding boundaries."""
    f32 = np.float32
    x = np.maximum(x.astype(f32), f32(-87.3)).astype(np.float64)
    masked = np.isneginf(x)
    x = np.where(masked, 0.0, x)
    log2e, magic = float(f32(1.44269504)), 12582912.0
    n = (x * log2e + magic).astype(f32).astype(np.float64) - magic
    f = (x * log2e - n).astype(f32).astype(np.float64)
    p = np.full_like(f, float(f32(0.0550088473)))
    for c in (0.242210612, 0.693282902, 1.0):
        p = (p * f + float(f32(c))).astype(f32).astype(np.float64)
    return np.where(masked, 0.0, (p * np.exp2(n)).astype(f32).astype(np.float64))


def block(p, prefix, x, hd, key_mask=None):
    h = layer_norm(x, p[prefix + ".norm1.weight"], p[prefix + ".norm1.bias"])
    attended, weights = attention(p, prefix + ".self_attn", h, h, hd, key_mask)
    x = x + attended
    h = layer_norm(x, p[prefix + ".norm2.weight"], p[prefix + ".norm2.bias"])
    h = activation(p, prefix + ".linear1", linear(p, prefix + ".linear1", h))
    return x + linear(p, prefix + ".linear2", h), weights


def decoder_block(p, prefix, x, memory, hd, key_mask):
    """nn.TransformerDecoderLayer(norm_first=True): self-attention over the question's real tokens,
    cross-attention over the memory (not normalised inside the block), MLP."""
    h = layer_norm(x, p[prefix + ".norm1.weight"], p[prefix + ".norm1.bias"])
    x = x + attention(p, prefix + ".self_attn", h, h, hd, key_mask)[0]
    h = layer_norm(x, p[prefix + ".norm2.weight"], p[prefix + ".norm2.bias"])
    x = x + attention(p, prefix + ".multihead_attn", h, memory, hd)[0]
    h = layer_norm(x, p[prefix + ".norm3.weight"], p[prefix + ".norm3.bias"])
    return x + linear(p, prefix + ".linear2", activation(p, prefix + ".linear1", linear(p, prefix + ".linear1", h)))


def sincos_code(grid, d):
    """vision_coordinates "sincos": [sin(x f), cos(x f), sin(y f), cos(y f)], f_k = k pi / 2, k = 1..d/4,
    at patch centres x = (c + 1/2) / grid * 2 - 1, y likewise from the row; patches in row-major order."""
    centres = (np.arange(grid) + 0.5) / grid * 2 - 1
    y, x = np.meshgrid(centres, centres, indexing="ij")
    f = np.arange(1, d // 4 + 1) * math.pi / 2
    x, y = x.reshape(-1, 1) * f, y.reshape(-1, 1) * f
    return np.concatenate([np.sin(x), np.cos(x), np.sin(y), np.cos(y)], -1)


def head_dim(config, part):
    return config.get(part + "_head_dim") or config[part + "_dim"] // config[part + "_heads"]


def linear(p, prefix, x):
    return product(p, prefix + ".weight", prefix + ".bias", x)


def masked_mean(x, mask):
    m = mask[:, :, None].astype(np.float64)
    return (x * m).sum(1) / m.sum(1)


def forward(config, p, images, tokens):
    n, size = images.shape[0], config["image_size"]
    ps, grid = config["patch_size"], config["image_size"] // config["patch_size"]
    x = images.astype(np.float64) / 255
    patches = x.reshape(n, grid, ps, grid, ps, 3).transpose(0, 1, 3, 2, 4, 5).reshape(n, grid * grid, ps * ps * 3)
    mask = tokens != 0
    t = p["text.token_embed.weight"][tokens] + p["text.pos_embed"][: tokens.shape[1]]
    for i in range(config["text_depth"]):
        t, _ = block(p, f"text.layers.{i}", t, head_dim(config, "text"), mask)
    t = layer_norm(t, p["text.norm.weight"], p["text.norm.bias"])

    v = linear(p, "vision.patch_embed", patches) + p["vision.pos_embed"]
    if config.get("vision_coordinates", "learned") == "sincos":
        v = v + sincos_code(grid, config["vision_dim"])
    keep, weights = config.get("vision_token_keep"), None
    for i in range(config["vision_depth"] + 1):
        if keep and i == keep["after_layer"]:
            if keep.get("by", "attention") == "text":
                # The question's cross-attention over the current patch states, through the fusion's projections.
                _, cross = attention(p, "fusion.cross_attn", linear(p, "fusion.text_proj", t), linear(p, "fusion.vision_proj", v),
                                     head_dim(config, "fusion"))
                received = sum((w * mask[:, :, None]).sum(1) for w in cross)
            else:
                received = sum(w.sum(1) for w in weights)   # [n, P]: summed over heads and queries
            kept = [np.sort(np.argsort(-row, kind="stable")[: keep["keep"]]) for row in received]
            v = np.stack([v[b, idx] for b, idx in enumerate(kept)])
        if i < config["vision_depth"]:
            v, weights = block(p, f"vision.layers.{i}", v, head_dim(config, "vision"))
    v = layer_norm(v, p["vision.norm.weight"], p["vision.norm.bias"])

    vp, tp = linear(p, "fusion.vision_proj", v), linear(p, "fusion.text_proj", t)
    v_global, t_global = vp.mean(1), masked_mean(tp, mask)
    hidden = np.maximum(linear(p, "fusion.gate_net.0", np.concatenate([v_global, t_global], -1)), 0)
    gates = softmax(linear(p, "fusion.gate_net.2", hidden))
    cross, _ = attention(p, "fusion.cross_attn", tp, vp, head_dim(config, "fusion"))
    fused = gates[:, :1] * v_global + gates[:, 1:] * masked_mean(cross, mask)
    fused = layer_norm(fused, p["head.norm.weight"], p["head.norm.bias"])
    if config.get("head", "fused") == "fused":
        return linear(p, "head.fc", fused)
    r = tp
    for i in range(config.get("fusion_depth", 0)):
        r = decoder_block(p, f"fusion.layers.{i}", r, vp, head_dim(config, "fusion"), mask)
    r = layer_norm(r, p["fusion.norm.weight"], p["fusion.norm.bias"]) * mask[:, :, None]
    flat = np.zeros((n, config["max_text_len"] * config["fusion_dim"]))
    flat[:, : r.shape[1] * r.shape[2]] = r.reshape(n, -1)
    return linear(p, "head.fc", activation(p, "head.hidden", linear(p, "head.hidden", np.concatenate([flat, fused], -1))))


if __name__ == "__main__":
    config, params = load(sys.argv[1])
    with h5py.File(sys.argv[2], "r") as data:
        logits = forward(config, params, data["images"][()], data["tokens"][()])
    print(json.dumps({"logits": logits.tolist()}))
