"""forest-cancer: random forest / extra trees on scikit-learn's breast-cancer data; cv_logloss (minimize).

3-fold stratified cross-validation with fixed folds; the mean log loss of the predicted probabilities (clipped
to [0.001, 0.999]) is the result. Parameters: algorithm, criterion, bootstrap (categorical), n_estimators and
min_samples_leaf (int, log scale), max_depth (int), max_features (float), max_samples (used only with
bootstrap=yes). Seed noise: the trees draw from AR_SEED.
"""
import json
import os

import numpy as np

SPLIT_SEED = 20240521


def evaluate(params, seed):
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
    from sklearn.model_selection import StratifiedKFold
    x, y = load_breast_cancer(return_X_y=True)
    cls = RandomForestClassifier if params["algorithm"] == "random_forest" else ExtraTreesClassifier
    bootstrap = params["bootstrap"] == "yes"
    losses = []
    for k, (tr, va) in enumerate(StratifiedKFold(3, shuffle=True, random_state=SPLIT_SEED).split(x, y)):
        model = cls(n_estimators=int(params["n_estimators"]), criterion=params["criterion"],
                    max_depth=int(params["max_depth"]), min_samples_leaf=int(params["min_samples_leaf"]),
                    max_features=float(params["max_features"]), bootstrap=bootstrap,
                    max_samples=float(params["max_samples"]) if bootstrap else None,
                    random_state=(seed * 7 + k) % 2**32, n_jobs=1)
        model.fit(x[tr], y[tr])
        prob = np.clip(model.predict_proba(x[va])[:, 1], 0.001, 0.999)
        losses.append(-np.mean(y[va] * np.log(prob) + (1 - y[va]) * np.log(1 - prob)))
    return float(np.mean(losses))


def main():
    import warnings
    warnings.simplefilter("ignore")
    with open(os.environ.get("AR_PARAMS_FILE", "params.json")) as f:
        params = json.load(f)
    print(f"METRIC cv_logloss={evaluate(params, int(os.environ.get('AR_SEED', '0'))):.10g}")


if __name__ == "__main__":
    main()
