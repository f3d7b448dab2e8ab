"""knn-digits: PCA then k-nearest neighbours on scikit-learn's 8x8 digits; val_error on a fixed split (minimize).

Parameters: n_components and n_neighbors (int, log scale), whiten, weights, metric (categorical), p (float,
used only with metric=minkowski). Failing region: scikit-learn refuses a Minkowski p below 1, so those runs
fail. Deterministic: AR_SEED is read but nothing here is random (full SVD), so repeats are identical.
"""
import json
import os

import numpy as np

SPLIT_SEED = 20240521


def evaluate(params, seed):
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA
    from sklearn.neighbors import KNeighborsClassifier
    d = load_digits()
    x, y = d.data / 16.0, d.target
    idx = np.random.default_rng(SPLIT_SEED).permutation(len(y))
    tr, va = idx[:500], idx[500:]
    pca = PCA(n_components=int(params["n_components"]), whiten=params["whiten"] == "yes", svd_solver="full")
    z_tr = pca.fit_transform(x[tr])
    z_va = pca.transform(x[va])
    kw = {"p": params["p"]} if params["metric"] == "minkowski" else {}
    model = KNeighborsClassifier(n_neighbors=int(params["n_neighbors"]), weights=params["weights"],
                                 metric=params["metric"], algorithm="brute", **kw)
    model.fit(z_tr, y[tr])
    return float(np.mean(model.predict(z_va) != y[va]))


def main():
    import warnings
    warnings.simplefilter("ignore")
    with open(os.environ.get("AR_PARAMS_FILE", "params.json")) as f:
        params = json.load(f)
    print(f"METRIC val_error={evaluate(params, int(os.environ.get('AR_SEED', '0'))):.10g}")


if __name__ == "__main__":
    main()
