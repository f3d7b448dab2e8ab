"""mlp-wine: a one-hidden-layer numpy network on scikit-learn's wine data; val_loss (cross-entropy, minimize).

Fixed stratified split (118 train / 60 validation), features standardised on the training part. Parameters:
optimizer, activation (categorical), lr, weight_decay, init_scale (log scale), hidden, batch_size (int, log
scale), epochs (int), momentum (used only with optimizer=sgd), beta1 (used only with optimizer=adam).
Seed noise: initialisation and shuffling draw from AR_SEED. Failing region: a large learning rate or init scale
makes the loss blow up (over 100, or not finite) and the run fails; just below it the loss jumps (a cliff).
"""
import json
import os

import numpy as np

SPLIT_SEED = 20240521


def load():
    from sklearn.datasets import load_wine
    x, y = load_wine(return_X_y=True)
    rng = np.random.default_rng(SPLIT_SEED)
    tr, va = [], []
    for c in range(3):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = len(idx) // 3
        va.extend(idx[:k])
        tr.extend(idx[k:])
    tr, va = np.array(tr), np.array(va)
    mu, sd = x[tr].mean(axis=0), x[tr].std(axis=0)
    return (x[tr] - mu) / sd, y[tr], (x[va] - mu) / sd, y[va]


def act(name, a):
    if name == "relu":
        return np.maximum(a, 0.0)
    if name == "tanh":
        return np.tanh(a)
    return 1.0 / (1.0 + np.exp(-np.clip(a, -500, 500)))


def act_grad(name, a, z):
    if name == "relu":
        return (a > 0).astype(a.dtype)
    if name == "tanh":
        return 1.0 - z * z
    return z * (1.0 - z)


def forward(w, x, activation):
    a = x @ w["W0"] + w["b0"]
    z = act(activation, a)
    return a, z, z @ w["W1"] + w["b1"]


def cross_entropy(logits, y):
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean(), logp


def evaluate(params, seed):
    x_tr, y_tr, x_va, y_va = load()
    rng = np.random.default_rng(seed)
    h, act_name = int(params["hidden"]), params["activation"]
    s = params["init_scale"]
    w = {"W0": rng.normal(0, s / np.sqrt(13), (13, h)), "b0": np.zeros(h),
         "W1": rng.normal(0, s / np.sqrt(h), (h, 3)), "b1": np.zeros(3)}
    m = {k: np.zeros_like(v) for k, v in w.items()}
    v2 = {k: np.zeros_like(v) for k, v in w.items()}
    lr, wd, bs = params["lr"], params["weight_decay"], int(params["batch_size"])
    adam = params["optimizer"] == "adam"
    mom, b1, b2, t = params["momentum"], params["beta1"], 0.999, 0
    with np.errstate(all="ignore"):
        for epoch in range(int(params["epochs"])):
            order = rng.permutation(len(y_tr))
            for start in range(0, len(order), bs):
                idx = order[start:start + bs]
                a, z, logits = forward(w, x_tr[idx], act_name)
                loss, logp = cross_entropy(logits, y_tr[idx])
                if not np.isfinite(loss) or loss > 100.0:
                    raise FloatingPointError(f"training diverged at epoch {epoch + 1} (loss {loss:.3g})")
                d = np.exp(logp)
                d[np.arange(len(idx)), y_tr[idx]] -= 1.0
                d /= len(idx)
                g = {"W1": z.T @ d, "b1": d.sum(axis=0)}
                dz = (d @ w["W1"].T) * act_grad(act_name, a, z)
                g["W0"], g["b0"] = x_tr[idx].T @ dz, dz.sum(axis=0)
                t += 1
                for k in w:
                    gk = g[k] + (wd * w[k] if k.startswith("W") else 0.0)
                    if adam:
                        m[k] = b1 * m[k] + (1 - b1) * gk
                        v2[k] = b2 * v2[k] + (1 - b2) * gk * gk
                        w[k] -= lr * (m[k] / (1 - b1 ** t)) / (np.sqrt(v2[k] / (1 - b2 ** t)) + 1e-8)
                    else:
                        m[k] = mom * m[k] - lr * gk
                        w[k] += m[k]
        val_loss = cross_entropy(forward(w, x_va, act_name)[2], y_va)[0]
    if not np.isfinite(val_loss) or val_loss > 100.0:
        raise FloatingPointError(f"diverged: validation loss {val_loss:.3g}")
    return float(val_loss)


def main():
    with open(os.environ.get("AR_PARAMS_FILE", "params.json")) as f:
        params = json.load(f)
    print(f"METRIC val_loss={evaluate(params, int(os.environ.get('AR_SEED', '0'))):.10g}")


if __name__ == "__main__":
    main()
