"""sgd-cancer: linear classifiers trained by SGD on scikit-learn's breast-cancer data; cv_error (minimize).

5-fold stratified cross-validation with fixed folds; the mean misclassification rate is the result.
Parameters: loss, penalty, learning_rate, scaling (categorical), alpha and eta0 (log scale), l1_ratio (used only
with penalty=elasticnet), eta0 (used only when learning_rate is not optimal), max_iter (int, log scale).
Seed noise: SGD shuffles with AR_SEED. Failing region: unscaled features with a large constant step overflow;
scikit-learn raises "Floating-point under-/overflow" and the run fails.
"""
import json
import os

import numpy as np

SPLIT_SEED = 20240521


def evaluate(params, seed):
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import SGDClassifier
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import MinMaxScaler, StandardScaler
    x, y = load_breast_cancer(return_X_y=True)
    errors = []
    for k, (tr, va) in enumerate(StratifiedKFold(5, shuffle=True, random_state=SPLIT_SEED).split(x, y)):
        x_tr, x_va = x[tr], x[va]
        if params["scaling"] != "none":
            scaler = StandardScaler() if params["scaling"] == "standard" else MinMaxScaler()
            x_tr, x_va = scaler.fit_transform(x_tr), scaler.transform(x_va)
        model = SGDClassifier(loss=params["loss"], penalty=params["penalty"], alpha=params["alpha"],
                              l1_ratio=params["l1_ratio"], learning_rate=params["learning_rate"],
                              eta0=params["eta0"], max_iter=int(params["max_iter"]), tol=None,
                              random_state=(seed * 7 + k) % 2**32)
        model.fit(x_tr, y[tr])
        scale = float(np.max(np.abs(model.coef_))) if np.all(np.isfinite(model.coef_)) else float("inf")
        if scale > 1e6:
            raise FloatingPointError(f"SGD diverged: weights reached {scale:.3g} (fold {k})")
        errors.append(np.mean(model.predict(x_va) != y[va]))
    return float(np.mean(errors))


def main():
    import warnings
    warnings.simplefilter("ignore")
    with open(os.environ.get("AR_PARAMS_FILE", "params.json")) as f:
        params = json.load(f)
    print(f"METRIC cv_error={evaluate(params, int(os.environ.get('AR_SEED', '0'))):.10g}")


if __name__ == "__main__":
    main()
