"""Train the churn model and log it to MLflow, as an MLflow user's training script does.

    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python examples/mlflow/train.py [--features basic|full]
        [--register-champion]

Fits the churn example's logistic regression (numpy only) on ../churn/data/train.csv and
logs one MLflow run: params, the metrics ``accuracy`` and ``roc_auc`` of a held-out split,
the per-example ``predictions.csv`` (what mlci's paired significance tests read from the
champion's run) and the weights under ``model/``. It writes out/predictions.csv too, and
prints the run id; on GitHub Actions it also exports ``MLFLOW_RUN_ID`` for later steps.

``--register-champion`` registers the run as a new version of ``churn-mlflow`` and gives
it the alias ``champion``: the baseline the next candidate is gated against.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

HERE = Path(__file__).resolve().parent
MODEL = "churn-mlflow"


def features(frame: pd.DataFrame, variant: str) -> np.ndarray:
    spend = frame["monthly_spend"].fillna(0.0)
    columns = [(frame["age"] - 40) / 12, np.log1p(spend) / 3, frame["support_tickets"] / 2]
    if variant == "full":
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


def roc_auc(truth: np.ndarray, score: np.ndarray) -> float:
    ranks = pd.Series(score).rank().to_numpy()  # Mann-Whitney U, ties averaged
    positives = truth == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", choices=["basic", "full"], default="full")
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--register-champion", action="store_true")
    args = parser.parse_args()

    data = pd.read_csv(HERE.parent / "churn" / "data" / "train.csv")
    y = data["churned"].astype(str).str.lower().eq("true").to_numpy(dtype=float)
    x = features(data, args.features)
    evaluation = np.random.default_rng(7).random(len(data)) < 0.25
    weights = fit(x[~evaluation], y[~evaluation], args.l2)
    score = 1 / (1 + np.exp(-x[evaluation] @ weights))
    truth = y[evaluation].astype(int)
    predicted = (score >= 0.5).astype(int)

    out = HERE / "out"
    out.mkdir(exist_ok=True)
    predictions = out / "predictions.csv"
    pd.DataFrame({"y_true": truth, "y_score": score.round(6), "y_pred": predicted}).to_csv(
        predictions, index=False
    )
    (out / "model").mkdir(exist_ok=True)
    (out / "model" / "weights.json").write_text(json.dumps(weights.round(6).tolist()) + "\n")

    mlflow.set_experiment("churn-mlflow")
    with mlflow.start_run() as run:
        mlflow.log_params({"features": args.features, "l2": args.l2})
        mlflow.log_metrics({"accuracy": float((predicted == truth).mean()), "roc_auc": roc_auc(truth, score)})
        mlflow.log_artifact(str(predictions))
        mlflow.log_artifacts(str(out / "model"), artifact_path="model")
    run_id = run.info.run_id

    if args.register_champion:
        client = MlflowClient()
        with contextlib.suppress(MlflowException):  # it exists
            client.create_registered_model(MODEL)
        version = client.create_model_version(MODEL, f"runs:/{run_id}/model", run_id=run_id)
        client.set_registered_model_alias(MODEL, "champion", version.version)
        print(f"registered {MODEL} version {version.version} as champion")
    if os.environ.get("GITHUB_ENV"):
        with open(os.environ["GITHUB_ENV"], "a", encoding="utf-8") as env:
            env.write(f"MLFLOW_RUN_ID={run_id}\n")
    print(run_id)


if __name__ == "__main__":
    main()
