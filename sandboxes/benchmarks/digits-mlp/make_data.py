"""Writes train_data.npz (maintainers only; not part of any run).

    docker run --rm -u $(id -u) -v "$PWD":/b -w /b autoresearch/sklearn:latest python3 make_data.py

x_train, y_train: the training split (pixel values 0..16, labels); x_eval: the evaluation pool's
images without labels, in the order score.py expects predictions. The split lives in score.py.
"""

import numpy as np

from score import load_digits, splits

x, y = load_digits()
train_idx, pool, _ = splits(y)
np.savez_compressed("train_data.npz", x_train=x[train_idx], y_train=y[train_idx].astype(np.uint8), x_eval=x[pool])
print(f"train_data.npz: {len(train_idx)} training images, {len(pool)} unlabelled evaluation images")
