"""Byte-level GPT trained on a small English corpus for a fixed wall-clock budget.

A CPU-sized analogue of karpathy/autoresearch: train for TIME_BUDGET seconds on
train.txt, then write the weights to $AR_OUTPUT_DIR/model.npz. The trusted
scorer (score.py, in a separate sandbox) rebuilds model.py's GPT from the
parameters, loads them and reports validation bits per byte (`val_bpb`, lower is
better) on text this run never sees.

Hyper-parameters come from $AR_PARAMS_FILE (params.json); the training budget
from params.json key "time_budget", else $AR_TIME_BUDGET, else 60 seconds.

Everything below the line "PROTOCOL -- DO NOT EDIT" (data, budget, weights
file) is the fixed protocol and must stay as it is.
"""

import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from model import GPT, VOCAB_SIZE, encode, evaluate_bpb, model_config, save_weights

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

def init_weights(m):
    if isinstance(m, (nn.Linear, nn.Embedding)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    if isinstance(m, nn.Linear) and m.bias is not None:
        nn.init.zeros_(m.bias)


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
    model = GPT(**model_config(params))  # the architecture is fixed in model.py (the scorer rebuilds it)
    model.apply(init_weights)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"METRIC num_params={n_params}")
    opt = make_optimizer(model, params)
    clock = TrainingClock(budget)
    step, next_report = 0, 0.0
    while not clock.done():
        lr = lr_at(clock.progress(), params)
        for group in opt.param_groups:
            group["lr"] = lr
        x, y = data.batch(params["batch_size"], params["seq_len"], gen)
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
                print(f"METRIC train_bpb={evaluate_bpb(model, data.monitor, params['seq_len']):.4f} step={step}",
                      flush=True)
    return model, step, clock.elapsed()


# ----------------------------------------------------------------------------
# PROTOCOL -- DO NOT EDIT (data, budget, weights file)
# ----------------------------------------------------------------------------

MONITOR_BYTES = 2048


class ByteData:
    """train.txt as token ids; `monitor` is its last 2 KiB (trained on too), for the progress lines."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.ids = encode(f.read())
        self.vocab_size = VOCAB_SIZE
        self.monitor = self.ids[-(MONITOR_BYTES + 1):]

    def batch(self, batch_size, seq_len, gen):
        ids = self.ids
        starts = torch.randint(0, len(ids) - seq_len - 1, (batch_size,), generator=gen)
        x = torch.stack([ids[s:s + seq_len] for s in starts])
        y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts])
        return x, y


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
    data = ByteData("train.txt")
    print(f"tiny-lm: vocab {data.vocab_size}, train {len(data.ids)} B, budget {budget:.0f}s, threads {threads}, "
          f"seed {seed}, params {json.dumps(params, sort_keys=True)}")
    model, steps, trained = train(params, data, budget, seed)
    print(f"METRIC steps={steps}", flush=True)
    out_dir = os.environ.get("AR_OUTPUT_DIR", "out")
    os.makedirs(out_dir, exist_ok=True)
    save_weights(model, os.path.join(out_dir, "model.npz"))
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump({"steps": steps, "train_seconds": trained, "params": params}, f, indent=1)
    print(f"tiny-lm: {steps} steps, weights written for the scorer, {time.time() - started:.1f}s total")


if __name__ == "__main__":
    main()
