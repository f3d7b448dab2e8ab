"""The tiny-lm model and its evaluation (not editable: the training run and the trusted scorer both import it).

The scorer rebuilds this GPT from the run's parameters (`model_config`), loads the weights the training
run wrote ($AR_OUTPUT_DIR/model.npz, numpy arrays named as in `state_dict()`, no pickles), and measures
bits per byte with `evaluate_bpb` on text the training run never sees.
"""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# The 86 byte values of the corpus (train, validation and held-out text together); token id = index here.
VOCAB = bytes.fromhex(
    "090a0c202122252728292a2c2d2e2f303132333435363738393a3b3c3d3e4142434445464748494a4b4c4d4e4f50515253545556"
    "5758595a5b5d5f606162636465666768696a6b6c6d6e6f707172737475767778797a")
VOCAB_SIZE = len(VOCAB)
WEIGHTS_FILE = "model.npz"


def encode(raw):
    """Bytes to token ids (a LongTensor); bytes outside VOCAB are an error."""
    table = torch.full((256,), -1, dtype=torch.long)
    table[torch.tensor(list(VOCAB))] = torch.arange(VOCAB_SIZE)
    ids = table[torch.frombuffer(bytearray(raw), dtype=torch.uint8).long()]
    if (ids < 0).any():
        raise ValueError("text has bytes outside the vocabulary")
    return ids


def model_config(params):
    """The architecture from the run's parameters; d_model is rounded up to a multiple of n_head."""
    n_head = int(params["n_head"])
    d_model = -(-int(params["d_model"]) // n_head) * n_head
    return {"d_model": d_model, "n_layer": int(params["n_layer"]), "n_head": n_head,
            "seq_len": int(params["seq_len"]), "dropout": float(params["dropout"])}


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_head, seq_len, dropout):
        super().__init__()
        self.n_head = n_head
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.drop = nn.Dropout(dropout)
        mask = torch.tril(torch.ones(seq_len, seq_len, dtype=torch.bool))
        self.register_buffer("mask", mask.view(1, 1, seq_len, seq_len), persistent=False)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, t, self.n_head, c // self.n_head).transpose(1, 2)
        k = k.view(b, t, self.n_head, c // self.n_head).transpose(1, 2)
        v = v.view(b, t, self.n_head, c // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
        att = att.masked_fill(~self.mask[:, :, :t, :t], float("-inf"))
        att = self.drop(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.drop(self.proj(y))


class Block(nn.Module):
    def __init__(self, d_model, n_head, seq_len, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_head, seq_len, dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(),
            nn.Linear(4 * d_model, d_model), nn.Dropout(dropout))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    """Token + position embeddings, pre-LayerNorm blocks, tied output head."""

    def __init__(self, d_model, n_layer, n_head, seq_len, dropout, vocab_size=VOCAB_SIZE):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(seq_len, d_model)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(
            [Block(d_model, n_head, seq_len, dropout) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.tok.weight  # weight tying

    def forward(self, idx):
        t = idx.shape[1]
        x = self.drop(self.tok(idx) + self.pos(torch.arange(t, device=idx.device)))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def save_weights(model, path):
    np.savez(path, **{k: v.detach().cpu().float().numpy() for k, v in model.state_dict().items()})


def load_weights(model, path):
    """Loads numpy arrays (no pickles) into the model; names, shapes and finiteness must match exactly."""
    expected = model.state_dict()
    with np.load(path, allow_pickle=False) as arrays:
        names = set(arrays.files)
        if names != set(expected):
            missing, extra = sorted(set(expected) - names), sorted(names - set(expected))
            raise ValueError(f"weights do not match the model: missing {missing[:5]}, unexpected {extra[:5]}")
        state = {}
        for name, tensor in expected.items():
            array = arrays[name]
            if array.shape != tuple(tensor.shape) or array.dtype.kind != "f":
                raise ValueError(f"{name}: expected float {tuple(tensor.shape)}, got {array.dtype} {array.shape}")
            if not np.isfinite(array).all():
                raise ValueError(f"{name} holds NaN or infinite values")
            state[name] = torch.from_numpy(array.astype(np.float32))
    model.load_state_dict(state, strict=True)


@torch.no_grad()
def evaluate_bpb(model, ids, seq_len):
    """Bits per byte of `ids` (every byte after the first predicted once, non-overlapping windows of seq_len)."""
    was_training = model.training
    model.eval()
    total_nats, total = 0.0, 0
    windows = [(s, min(s + seq_len, len(ids) - 1)) for s in range(0, len(ids) - 1, seq_len)]
    for i in range(0, len(windows), 64):
        chunk = windows[i:i + 64]
        full = [w for w in chunk if w[1] - w[0] == seq_len]
        rest = [w for w in chunk if w[1] - w[0] != seq_len]
        for group in (full, rest):
            if not group:
                continue
            x = torch.stack([ids[a:b] for a, b in group])
            y = torch.stack([ids[a + 1:b + 1] for a, b in group])
            logits = model(x)
            total_nats += F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1),
                                          reduction="sum").item()
            total += y.numel()
    model.train(was_training)
    return total_nats / total / math.log(2.0)
