"""Branin-Hoo function, a classic 2-D test function for global optimisation.

    f(x1, x2) = a (x2 - b x1^2 + c x1 - r)^2 + s (1 - t) cos(x1) + s
    a = 1, b = 5.1 / (4 pi^2), c = 5 / pi, r = 6, s = 10, t = 1 / (8 pi)

Domain x1 in [-5, 10], x2 in [0, 15]. Global minimum f = 0.397887 at three points:
(-pi, 12.275), (pi, 2.275), (9.42478, 2.475).

Reads x1, x2 from $AR_PARAMS_FILE (params.json) and prints `METRIC value=<f>`.
"""

import json
import math
import os

DEFAULTS = {"x1": 0.0, "x2": 0.0}
BOUNDS = {"x1": (-5.0, 10.0), "x2": (0.0, 15.0)}


def branin(x1, x2):
    a, b, c = 1.0, 5.1 / (4.0 * math.pi ** 2), 5.0 / math.pi
    r, s, t = 6.0, 10.0, 1.0 / (8.0 * math.pi)
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1.0 - t) * math.cos(x1) + s


def main():
    params = dict(DEFAULTS)
    path = os.environ.get("AR_PARAMS_FILE", "params.json")
    if os.path.exists(path):
        with open(path) as f:
            params.update(json.load(f))
    x1, x2 = float(params["x1"]), float(params["x2"])
    for name, value in (("x1", x1), ("x2", x2)):
        lo, hi = BOUNDS[name]
        if not lo <= value <= hi:
            raise SystemExit(f"branin: {name}={value} is outside [{lo}, {hi}]")
    value = branin(x1, x2)
    print(f"branin: x1={x1:.6f} x2={x2:.6f}")
    print(f"METRIC value={value:.6f}")


if __name__ == "__main__":
    main()
