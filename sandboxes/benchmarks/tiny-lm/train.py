"""Byte-level GPT trained on a small English corpus for a fixed wall-clock budget.

A CPU-sized analogue of karpathy/autoresearch: train for TIME_BUDGET seconds,
then report validation bits per byte (`METRIC val_bpb=...`, lower is better).

Hyper-parameters come from $AR_PARAMS_FILE (params.json); the training budget
from params.json key "time_budget", else $AR_TIME_BUDGET, else 60 seconds.

Everything below the line "EVALUATION -- DO NOT EDIT" (data, split, budget,
metric) is the fixed protocol and must stay as it is.
"""

import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DEFAULTS = {
    "lr": 0.001,
    "d_model": 64,
    "n_layer": 2,
    "n_head": "4",
    "dropout": 0.0,
    "batch_size": 16,
    "seq_len": 64,
    "weight_decay": 0.01,
    "warmup_frac": 0.05,
}


def load_params():
    params = dict(DEFAULTS)
    path = os.environ.get("AR_PARAMS_FILE", "params.json")
    if os.path.exists(path):
        with open(path) as f:
            params.update(json.load(f))
    for key in ("d_model", "n_layer", "n_head", "batch_size", "seq_len"):
        params[key] = int(params[key])
    # d_model must be a multiple of n_head: round up.
    params["d_model"] = -(-params["d_model"] // params["n_head"]) * params["n_head"]
    return params


# ----------------------------------------------------------------------------
# Model and training (free to change)
# ----------------------------------------------------------------------------

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
    def __init__(self, vocab_size, d_model, n_layer, n_head, seq_len, dropout):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(seq_len, d_model)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(
            [Block(d_model, n_head, seq_len, dropout) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.tok.weight  # weight tying
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.drop(self.tok(idx) + self.pos(torch.arange(t, device=idx.device)))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def make_optimizer(model, params):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": params["weight_decay"]},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=params["lr"], betas=(0.9, 0.95))


def lr_at(progress, params):
    """Linear warm-up, then cosine decay to 10%, as a function of budget used."""
    warm = params["warmup_frac"]
    if progress < warm:
        return params["lr"] * progress / warm
    p = min(1.0, (progress - warm) / max(1e-9, 1.0 - warm))
    return params["lr"] * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * p)))


def train(params, data, budget, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = GPT(data.vocab_size, params["d_model"], params["n_layer"], params["n_head"],
                params["seq_len"], params["dropout"])
    n_params = sum(p.numel() for p in model.parameters())
    print(f"METRIC num_params={n_params}")
    opt = make_optimizer(model, params)
    clock = TrainingClock(budget)
    step, next_report = 0, 0.0
    while not clock.done():
        lr = lr_at(clock.progress(), params)
        for group in opt.param_groups:
            group["lr"] = lr
        x, y = data.batch("train", params["batch_size"], params["seq_len"], gen)
        model.train()
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
        if not torch.isfinite(loss):
            raise FloatingPointError(f"training diverged at step {step}")
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        clock.tick()
        if clock.elapsed() >= next_report:
            next_report += max(1.0, budget / 6.0)
            print(f"METRIC train_loss={loss.item():.4f} step={step}")
            with clock.paused():
                print(f"METRIC val_bpb={evaluate_bpb(model, data, params['seq_len'], quick=True):.4f} step={step}",
                      flush=True)
    return model, step, clock.elapsed()


# ----------------------------------------------------------------------------
# EVALUATION -- DO NOT EDIT (data, split, budget, metric)
# ----------------------------------------------------------------------------

VAL_FRACTION = 0.1


class ByteData:
    """input.txt as bytes; the last 10% is the validation split."""

    def __init__(self, path):
        with open(path, "rb") as f:
            raw = f.read()
        vocab = sorted(set(raw))
        self.vocab_size = len(vocab)
        table = torch.zeros(256, dtype=torch.long)
        table[torch.tensor(vocab)] = torch.arange(len(vocab))
        ids = table[torch.frombuffer(bytearray(raw), dtype=torch.uint8).long()]
        n_val = int(len(ids) * VAL_FRACTION)
        self.split = {"train": ids[:-n_val], "val": ids[-n_val:]}

    def batch(self, split, batch_size, seq_len, gen):
        ids = self.split[split]
        starts = torch.randint(0, len(ids) - seq_len - 1, (batch_size,), generator=gen)
        x = torch.stack([ids[s:s + seq_len] for s in starts])
        y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts])
        return x, y


@torch.no_grad()
def evaluate_bpb(model, data, seq_len, quick=False):
    """Bits per byte on the validation split (every byte predicted once,
    non-overlapping windows of seq_len). quick=True uses the first 2 KiB only."""
    model.eval()
    ids = data.split["val"]
    if quick:
        ids = ids[:2048 + 1]
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
    model.train()
    return total_nats / total / math.log(2.0)


class TrainingClock:
    """Counts training time only; evaluation inside paused() is not charged."""

    def __init__(self, budget):
        self.budget = budget
        self.spent = 0.0
        self.mark = time.perf_counter()

    def tick(self):
        now = time.perf_counter()
        self.spent += now - self.mark
        self.mark = now

    def elapsed(self):
        return self.spent

    def progress(self):
        return min(1.0, self.spent / self.budget)

    def done(self):
        return self.spent >= self.budget

    def paused(self):
        clock = self

        class _Paused:
            def __enter__(self):
                clock.tick()

            def __exit__(self, *exc):
                clock.mark = time.perf_counter()

        return _Paused()


def time_budget(params):
    if "time_budget" in params:
        return float(params["time_budget"])
    return float(os.environ.get("AR_TIME_BUDGET", "60"))


def main():
    started = time.time()
    params = load_params()
    seed = int(os.environ.get("AR_SEED", "0"))
    threads = int(os.environ.get("AR_THREADS", os.environ.get("OMP_NUM_THREADS", "1")))
    torch.set_num_threads(max(1, threads))
    budget = time_budget(params)
    data = ByteData("input.txt")
    print(f"tiny-lm: vocab {data.vocab_size}, train {len(data.split['train'])} B, "
          f"val {len(data.split['val'])} B, budget {budget:.0f}s, threads {threads}, "
          f"seed {seed}, params {json.dumps(params, sort_keys=True)}")
    model, steps, trained = train(params, data, budget, seed)
    val_bpb = evaluate_bpb(model, data, params["seq_len"])
    print(f"METRIC steps={steps}")
    print(f"METRIC val_bpb={val_bpb:.6f} step={steps}", flush=True)
    out_dir = os.environ.get("AR_OUTPUT_DIR")
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "summary.json"), "w") as f:
            json.dump({"val_bpb": val_bpb, "steps": steps, "train_seconds": trained,
                       "params": params}, f, indent=1)
    print(f"tiny-lm: val_bpb {val_bpb:.4f} after {steps} steps, {time.time() - started:.1f}s total")


if __name__ == "__main__":
    main()
