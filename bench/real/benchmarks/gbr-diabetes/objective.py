"""gbr-diabetes: gradient-boosted regression trees on scikit-learn's diabetes data; cv_rmse (minimize).

3-fold cross-validation with fixed folds; the mean root-mean-square error on the held-out folds is the result.
Parameters: loss (categorical), learning_rate (log scale), n_estimators and min_samples_leaf (int, log scale),
max_depth (int), subsample, max_features (float), alpha (used only with loss=huber or quantile). Cliff: the
quantile loss with alpha far from 0.5 predicts a quantile, not the mean, and the RMSE jumps. Seed noise:
subsampling and feature sampling draw from AR_SEED.
"""
import json
import os

import numpy as np

SPLIT_SEED = 20240521


def evaluate(params, seed):
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.model_selection import KFold
    x, y = load_diabetes(return_X_y=True)
    errors = []
    for k, (tr, va) in enumerate(KFold(3, shuffle=True, random_state=SPLIT_SEED).split(x)):
        model = GradientBoostingRegressor(loss=params["loss"], learning_rate=params["learning_rate"],
                                          n_estimators=int(params["n_estimators"]), max_depth=int(params["max_depth"]),
                                          min_samples_leaf=int(params["min_samples_leaf"]),
                                          subsample=float(params["subsample"]),
                                          max_features=float(params["max_features"]), alpha=float(params["alpha"]),
                                          random_state=(seed * 7 + k) % 2**32)
        model.fit(x[tr], y[tr])
        errors.append(np.sqrt(np.mean((model.predict(x[va]) - y[va]) ** 2)))
    return float(np.mean(errors))


def main():
    import warnings
    warnings.simplefilter("ignore")
    with open(os.environ.get("AR_PARAMS_FILE", "params.json")) as f:
        params = json.load(f)
    print(f"METRIC cv_rmse={evaluate(params, int(os.environ.get('AR_SEED', '0'))):.10g}")


if __name__ == "__main__":
    main()
