"""Train the churn example's model and write what mlci gates on (fixed seed, numpy only).

    python examples/churn/train.py [--l2 0.1] [--out out]

Fits a logistic regression on data/train.csv by gradient descent, scores a held-out
evaluation split, and writes out/metrics.json (dvclive-style nested JSON) and
out/predictions.csv (y_true, y_score, y_pred per evaluation example).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def features(frame: pd.DataFrame, variant: str) -> np.ndarray:
    spend = frame["monthly_spend"].fillna(0.0)
    columns = [(frame["age"] - 40) / 12, np.log1p(spend) / 3, frame["support_tickets"] / 2]
    if variant == "full":
        # What this "pull request" adds: tenure and the plan, the strongest churn signals.
        columns += [
            frame["tenure_months"] / 20,
            (frame["plan"] == "free").astype(float),
            (frame["plan"] == "team").astype(float),
        ]
    return np.column_stack([np.ones(len(frame)), *columns])


def fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 3000, rate: float = 0.5) -> np.ndarray:
    weights = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ weights))
        weights -= rate * (x.T @ (p - y) / len(y) + l2 * np.r_[0, weights[1:]])
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--l2", type=float, default=0.01, help="L2 penalty (larger: simpler model)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--features",
        choices=["basic", "full"],
        default="full",
        help="basic: the registered baseline (v1.0.0); full: this branch's candidate",
    )
    args = parser.parse_args()

    data = pd.read_csv(HERE / "data" / "train.csv")
    y = data["churned"].astype(str).str.lower().eq("true").to_numpy(dtype=float)
    x = features(data, args.features)
    rng = np.random.default_rng(7)
    evaluation = rng.random(len(data)) < 0.25
    weights = fit(x[~evaluation], y[~evaluation], args.l2)
    score = 1 / (1 + np.exp(-x[evaluation] @ weights))
    truth = y[evaluation].astype(int)
    predicted = (score >= 0.5).astype(int)

    args.out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"y_true": truth, "y_score": score.round(6), "y_pred": predicted}).to_csv(
        args.out / "predictions.csv", index=False
    )
    accuracy = float((predicted == truth).mean())
    metrics = {"eval": {"accuracy": round(accuracy, 6), "n": int(evaluation.sum())}, "latency_ms": 3.2}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(f"wrote {args.out / 'metrics.json'} and {args.out / 'predictions.csv'} (accuracy {accuracy:.3f})")


if __name__ == "__main__":
    main()
