"""Train a two-hidden-layer MLP (pure numpy) on the 8x8 handwritten digits.

Reads hyper-parameters from $AR_PARAMS_FILE (default params.json), trains with
mini-batch SGD + momentum and optional random affine augmentation on the
training split in train_data.npz, prints `METRIC train_loss=<loss> step=<epoch>`
after every epoch, and writes its predictions for the unlabelled evaluation
images (x_eval) to $AR_OUTPUT_DIR/predictions.json. The trusted scorer
(score.py, which this run never sees) computes val_error from them.

Everything below the line "PROTOCOL -- DO NOT EDIT" (data loading, the
predictions file) must stay as it is, or the scorer has nothing to score.
"""

import json
import os
import time

import numpy as np

DEFAULTS = {
    "lr": 0.0005,
    "momentum": 0.0,
    "hidden": 256,
    "epochs": 150,
    "batch_size": 16,
    "weight_decay": 1e-6,
    "init_scale": 1.0,
    "activation": "tanh",
    "augment": 0.0,
}


def load_params():
    params = dict(DEFAULTS)
    path = os.environ.get("AR_PARAMS_FILE", "params.json")
    if os.path.exists(path):
        with open(path) as f:
            params.update(json.load(f))
    params["hidden"] = int(params["hidden"])
    params["epochs"] = int(params["epochs"])
    params["batch_size"] = int(params["batch_size"])
    return params


# ----------------------------------------------------------------------------
# Model and training (free to change)
# ----------------------------------------------------------------------------

HIDDEN_LAYERS = 2


def activate(name, a):
    if name == "relu":
        return np.maximum(a, 0.0)
    if name == "tanh":
        return np.tanh(a)
    raise ValueError(f"unknown activation {name!r}")


def activate_grad(name, a, z):
    if name == "relu":
        return (a > 0.0).astype(a.dtype)
    return 1.0 - z * z


def augment_batch(images, strength, rng):
    """Random affine warp (rotation, scale, shear, shift) of 8x8 images, bilinear.

    strength 0 returns the images unchanged; 1 means rotations up to about 15
    degrees, scale +-15%, shear +-0.15 and shifts up to 1 pixel.
    """
    if strength <= 0.0:
        return images
    n = images.shape[0]
    img = images.reshape(n, 8, 8)
    angle = rng.uniform(-1, 1, n) * np.deg2rad(15.0) * strength
    scale = 1.0 + rng.uniform(-1, 1, n) * 0.15 * strength
    shear = rng.uniform(-1, 1, n) * 0.15 * strength
    shift = rng.uniform(-1, 1, (n, 2)) * 1.0 * strength
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    # Inverse map: output pixel (r, c) samples the input at A @ (r - 3.5, c - 3.5) + 3.5 - shift.
    a00, a01 = cos, -sin + shear
    a10, a11 = sin, cos
    rr, cc = np.meshgrid(np.arange(8) - 3.5, np.arange(8) - 3.5, indexing="ij")
    rr, cc = rr.ravel()[None, :], cc.ravel()[None, :]
    src_r = a00[:, None] * rr + a01[:, None] * cc + 3.5 - shift[:, 0:1]
    src_c = a10[:, None] * rr + a11[:, None] * cc + 3.5 - shift[:, 1:2]
    r0 = np.floor(src_r).astype(np.int64)
    c0 = np.floor(src_c).astype(np.int64)
    fr, fc = src_r - r0, src_c - c0
    out = np.zeros((n, 64))
    rows = np.arange(n)[:, None]
    for dr, dc, w in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc),
                      (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r, c = r0 + dr, c0 + dc
        inside = (r >= 0) & (r < 8) & (c >= 0) & (c < 8)
        vals = img[rows, np.clip(r, 0, 7), np.clip(c, 0, 7)]
        out += np.where(inside, vals * w, 0.0)
    return out


class MLP:
    """Fully connected net: 64 -> hidden -> ... -> hidden -> 10 (softmax)."""

    def __init__(self, sizes, activation, init_scale, rng):
        gain = np.sqrt(2.0) if activation == "relu" else 1.0
        self.activation = activation
        self.params = {}
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            g = gain if i < len(sizes) - 2 else 1.0
            self.params[f"W{i}"] = rng.normal(0.0, init_scale * g / np.sqrt(n_in), (n_in, n_out))
            self.params[f"b{i}"] = np.zeros(n_out)
        self.n_layers = len(sizes) - 1

    def forward(self, x):
        """Returns the logits and, per hidden layer, (input, pre-activation, output)."""
        cache = []
        h = x
        for i in range(self.n_layers - 1):
            a = h @ self.params[f"W{i}"] + self.params[f"b{i}"]
            z = activate(self.activation, a)
            cache.append((h, a, z))
            h = z
        last = self.n_layers - 1
        return h @ self.params[f"W{last}"] + self.params[f"b{last}"], cache, h

    def predict(self, x):
        return self.forward(x)[0].argmax(axis=1)

    def loss_and_grads(self, x, y):
        logits, cache, h_last = self.forward(x)
        logits = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        n = x.shape[0]
        loss = -np.log(probs[np.arange(n), y] + 1e-12).mean()
        d = probs
        d[np.arange(n), y] -= 1.0
        d /= n
        grads = {}
        last = self.n_layers - 1
        grads[f"W{last}"] = h_last.T @ d
        grads[f"b{last}"] = d.sum(axis=0)
        for i in range(last - 1, -1, -1):
            h_in, a, z = cache[i]
            d = (d @ self.params[f"W{i + 1}"].T) * activate_grad(self.activation, a, z)
            grads[f"W{i}"] = h_in.T @ d
            grads[f"b{i}"] = d.sum(axis=0)
        return loss, grads


def train(params, x_train, y_train, seed):
    """Returns the trained model's predict function and the training curve."""
    rng = np.random.default_rng(seed)
    sizes = [x_train.shape[1]] + [params["hidden"]] * HIDDEN_LAYERS + [10]
    model = MLP(sizes, params["activation"], params["init_scale"], rng)
    velocity = {k: np.zeros_like(v) for k, v in model.params.items()}
    lr, mom, wd = params["lr"], params["momentum"], params["weight_decay"]
    n, bs = x_train.shape[0], params["batch_size"]
    curve = []
    for epoch in range(1, params["epochs"] + 1):
        order = rng.permutation(n)
        losses = []
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            xb = augment_batch(x_train[idx], params["augment"], rng)
            loss, grads = model.loss_and_grads(xb, y_train[idx])
            if not np.isfinite(loss):
                raise FloatingPointError(f"training diverged at epoch {epoch} (loss {loss})")
            losses.append(loss)
            for k, g in grads.items():
                if k.startswith("W"):
                    g = g + wd * model.params[k]
                velocity[k] = mom * velocity[k] - lr * g
                model.params[k] += velocity[k]
        curve.append({"epoch": epoch, "train_loss": float(np.mean(losses))})
        report(epoch, float(np.mean(losses)))
    return model.predict, curve


# ----------------------------------------------------------------------------
# PROTOCOL -- DO NOT EDIT (data, predictions file, reporting)
# ----------------------------------------------------------------------------

DATA_FILE = "train_data.npz"


def load_data():
    """Training images and labels, and the unlabelled evaluation images (pixels scaled to [0, 1])."""
    with np.load(DATA_FILE, allow_pickle=False) as d:
        return d["x_train"] / 16.0, d["y_train"].astype(np.int64), d["x_eval"] / 16.0


def report(epoch, train_loss):
    print(f"METRIC train_loss={train_loss:.6f} step={epoch}", flush=True)


def write_predictions(out_dir, labels):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "predictions.json"), "w") as f:
        json.dump({"labels": [int(v) for v in labels]}, f)


def main():
    params = load_params()
    seed = int(os.environ.get("AR_SEED", "0"))
    started, cpu_started = time.time(), time.process_time()
    x_train, y_train, x_eval = load_data()
    print(f"digits-mlp: {len(y_train)} train / {len(x_eval)} unlabelled eval, seed {seed}, params {json.dumps(params, sort_keys=True)}")
    predict, curve = train(params, x_train, y_train, seed)
    out_dir = os.environ.get("AR_OUTPUT_DIR", "out")
    write_predictions(out_dir, predict(x_eval))
    with open(os.path.join(out_dir, "curve.json"), "w") as f:
        json.dump(curve, f)
    print(f"digits-mlp: final train_loss {curve[-1]['train_loss']:.4f} in {time.time() - started:.1f}s "
          f"(cpu {time.process_time() - cpu_started:.1f}s); predictions written for the scorer")


if __name__ == "__main__":
    main()
