"""svm-digits: support-vector classifier on scikit-learn's 8x8 digits; val_error on a fixed split (minimize).

Parameters (params.json): C, gamma (log scale), kernel (rbf|poly|sigmoid), degree (int, used only by poly),
coef0 (used only by poly and sigmoid). Deterministic: AR_SEED is read but the SVM has no randomness, so repeats
of one setting are identical. Large gamma (or a poly kernel with large gamma and degree) falls off a cliff to
near-chance error.
"""
import json
import os

import numpy as np

SPLIT_SEED = 20240521


def load():
    from sklearn.datasets import load_digits
    d = load_digits()
    x, y = d.data / 16.0, d.target
    idx = np.random.default_rng(SPLIT_SEED).permutation(len(y))
    tr, va = idx[:900], idx[900:]
    return x[tr], y[tr], x[va], y[va]


def evaluate(params, seed):
    from sklearn.svm import SVC
    x_tr, y_tr, x_va, y_va = load()
    model = SVC(C=params["C"], gamma=params["gamma"], kernel=params["kernel"],
                degree=int(params["degree"]), coef0=params["coef0"], max_iter=20000, random_state=seed)
    model.fit(x_tr, y_tr)
    return float(np.mean(model.predict(x_va) != y_va))


def main():
    import warnings
    warnings.simplefilter("ignore")
    with open(os.environ.get("AR_PARAMS_FILE", "params.json")) as f:
        params = json.load(f)
    print(f"METRIC val_error={evaluate(params, int(os.environ.get('AR_SEED', '0'))):.10g}")


if __name__ == "__main__":
    main()
