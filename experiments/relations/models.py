"""Model designs for the relation experiments, built only from stock PyTorch modules
(nn.Linear, nn.LayerNorm, nn.Embedding, nn.TransformerEncoderLayer / nn.TransformerDecoderLayer
with norm_first=True, activation="gelu", batch_first=True) plus plain tensor ops.

FusionNet(fusion=..., head=..., coords=...):
  fusion "early":  ViLT-style: [CLS, question tokens, 64 patch tokens] -> L encoder layers.
  fusion "xattn":  patches -> Lv encoder layers; question -> Lt encoder layers; question tokens
                   then cross-attend over the patches in Lx decoder layers (self-attn over the
                   question, cross-attn to the patches, MLP).
  head "cls":  MLP on the CLS output (early only).
  head "mean": MLP on the mean of the question tokens' outputs.
  head "flat": MLP on the question tokens' outputs of positions 0..T-1 flattened ([T*D]).
  head "rn":   relation network on pooled patch features (see RNHead).
  coords "none" | "input" (x,y in [-1,1] appended to each patch's 48 pixel values before the
         patch Linear) | "add" (fixed 2-D sinusoidal code added to the patch embedding, on top of
         the learned position embedding).
"""
import math

import torch
import torch.nn as nn

PATCH = 4
GRID = 8  # 32 / 4
NP = GRID * GRID


def enc_layer(d, heads, ff):
    return nn.TransformerEncoderLayer(d, heads, ff, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)


def dec_layer(d, heads, ff):
    return nn.TransformerDecoderLayer(d, heads, ff, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)


def patch_coords():
    ys, xs = torch.meshgrid(torch.arange(GRID), torch.arange(GRID), indexing="ij")
    x = (xs.float() + 0.5) / GRID * 2 - 1
    y = (ys.float() + 0.5) / GRID * 2 - 1
    return torch.stack([x.flatten(), y.flatten()], -1)  # [64, 2] row-major patches


def sincos_2d(d):
    c = patch_coords()  # [64,2]
    nf = d // 4
    freqs = torch.arange(1, nf + 1).float() * math.pi / 2
    parts = []
    for k in range(2):
        a = c[:, k:k + 1] * freqs
        parts += [torch.sin(a), torch.cos(a)]
    return torch.cat(parts, -1)  # [64, 4*nf]


def patchify(img):
    # img [B,3,32,32] -> [B,64,48]
    B = img.shape[0]
    x = img.reshape(B, 3, GRID, PATCH, GRID, PATCH).permute(0, 2, 4, 1, 3, 5)
    return x.reshape(B, NP, 3 * PATCH * PATCH)


class RNHead(nn.Module):
    """Relation network: objects = patch features pooled 2x2 (16 tokens) with their (x,y); for every
    ordered pair (i,j): g([o_i, o_j, q]) (MLP), summed over pairs, then f (MLP) -> logits."""

    def __init__(self, d, dq, classes, hidden=128, pool=2):
        super().__init__()
        self.pool = pool
        g = GRID // pool
        ys, xs = torch.meshgrid(torch.arange(g), torch.arange(g), indexing="ij")
        c = torch.stack([(xs.float() + 0.5) / g * 2 - 1, (ys.float() + 0.5) / g * 2 - 1], -1).reshape(-1, 2)
        self.register_buffer("coords", c)
        self.g = nn.Sequential(nn.Linear(2 * (d + 2) + dq, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(),
                               nn.Linear(hidden, hidden), nn.GELU())
        self.f = nn.Sequential(nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, classes))

    def forward(self, patches, q):
        B, N, D = patches.shape
        p = self.pool
        x = patches.reshape(B, GRID // p, p, GRID // p, p, D).mean((2, 4)).reshape(B, -1, D)
        x = torch.cat([x, self.coords.expand(B, -1, -1)], -1)
        n = x.shape[1]
        xi = x.unsqueeze(2).expand(B, n, n, D + 2)
        xj = x.unsqueeze(1).expand(B, n, n, D + 2)
        qq = q[:, None, None, :].expand(B, n, n, q.shape[-1])
        h = self.g(torch.cat([xi, xj, qq], -1)).sum((1, 2))
        return self.f(h)


class FusionNet(nn.Module):
    def __init__(self, vocab=37, classes=19, d=64, heads=4, ff=256, fusion="early", layers=4, lv=2, lt=1, lx=2,
                 head="flat", coords="none", text_len=10, head_hidden=128):
        super().__init__()
        self.fusion, self.head_kind, self.coords, self.T = fusion, head, coords, text_len
        pin = 3 * PATCH * PATCH + (2 if coords == "input" else 0)
        self.patch = nn.Linear(pin, d)
        self.pos_img = nn.Parameter(torch.randn(1, NP, d) * 0.02)
        self.register_buffer("cin", patch_coords())
        if coords == "add":
            self.register_buffer("sincos", sincos_2d(d))
        self.tok = nn.Embedding(vocab, d)
        self.pos_txt = nn.Parameter(torch.randn(1, 16, d) * 0.02)
        if fusion == "early":
            self.type_emb = nn.Embedding(2, d)
            self.cls = nn.Parameter(torch.randn(1, 1, d) * 0.02)
            self.layers = nn.ModuleList([enc_layer(d, heads, ff) for _ in range(layers)])
        else:
            self.vis = nn.ModuleList([enc_layer(d, heads, ff) for _ in range(lv)])
            self.txt = nn.ModuleList([enc_layer(d, heads, ff) for _ in range(lt)])
            self.vnorm = nn.LayerNorm(d)
            self.xl = nn.ModuleList([dec_layer(d, heads, ff) for _ in range(lx)])
        self.norm = nn.LayerNorm(d)
        if head == "flat":
            self.head = nn.Sequential(nn.Linear(text_len * d, head_hidden), nn.GELU(), nn.Linear(head_hidden, classes))
        elif head in ("cls", "mean"):
            self.head = nn.Sequential(nn.Linear(d, head_hidden), nn.GELU(), nn.Linear(head_hidden, classes))
        elif head == "rn":
            self.head = RNHead(d, d, classes, hidden=head_hidden)

    def embed_patches(self, img):
        x = patchify(img)
        if self.coords == "input":
            x = torch.cat([x, self.cin.expand(x.shape[0], -1, -1)], -1)
        x = self.patch(x) + self.pos_img
        if self.coords == "add":
            x = x + self.sincos
        return x

    def forward(self, img, tok):
        B = img.shape[0]
        tok = tok[:, :self.T] if self.head_kind == "flat" else tok
        pad = tok == 0
        v = self.embed_patches(img)
        t = self.tok(tok) + self.pos_txt[:, :tok.shape[1]]
        if self.fusion == "early":
            v = v + self.type_emb.weight[1]
            t = t + self.type_emb.weight[0]
            x = torch.cat([self.cls.expand(B, -1, -1), t, v], 1)
            mask = torch.cat([torch.zeros(B, 1, dtype=torch.bool), pad, torch.zeros(B, NP, dtype=torch.bool)], 1)
            for l in self.layers:
                x = l(x, src_key_padding_mask=mask)
            x = self.norm(x)
            c, t, v = x[:, 0], x[:, 1:1 + tok.shape[1]], x[:, 1 + tok.shape[1]:]
        else:
            for l in self.vis:
                v = l(v)
            v = self.vnorm(v)
            for l in self.txt:
                t = l(t, src_key_padding_mask=pad)
            for l in self.xl:
                t = l(t, v, tgt_key_padding_mask=pad)
            t = self.norm(t)
            c = None
        if self.head_kind == "cls":
            return self.head(c)
        if self.head_kind == "mean":
            keep = (~pad).float().unsqueeze(-1)
            return self.head((t * keep).sum(1) / keep.sum(1))
        if self.head_kind == "flat":
            t = t.masked_fill(pad.unsqueeze(-1), 0.0)
            return self.head(t.reshape(B, -1))
        if self.head_kind == "rn":
            keep = (~pad).float().unsqueeze(-1)
            q = (t * keep).sum(1) / keep.sum(1)
            return self.head(v, q)
