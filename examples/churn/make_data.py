"""Generate the churn example's datasets (fixed seed: the files are reproducible).

    python examples/churn/make_data.py

writes data/train.csv (the reference batch the model was trained on) and
data/current.csv (this week's batch: a little drift and a few schema violations).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
PLANS = np.array(["free", "pro", "team"])
REGIONS = np.array(["emea", "amer", "apac"])


def customers(rng: np.random.Generator, n: int, start: int, *, shift: float = 0.0) -> pd.DataFrame:
    age = rng.normal(41 + 4 * shift, 12, n).clip(18, 95).round().astype(int)
    plan = rng.choice(PLANS, n, p=[0.55 - 0.1 * shift, 0.35, 0.10 + 0.1 * shift])
    tenure = rng.gamma(2.0, 9.0 + 3 * shift, n).round(1)
    spend = np.where(plan == "free", 0.0, rng.lognormal(3.2 + 0.3 * shift, 0.6, n)).round(2)
    spend = pd.Series(spend).mask(rng.random(n) < 0.03)  # 3% unknown spend
    signup = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 1400, n), unit="D")
    logit = -1.4 + 1.8 * (plan == "free") - 0.09 * tenure + 0.02 * (age - 40)
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in range(start, start + n)],
            "age": age,
            "plan": plan,
            "region": rng.choice(REGIONS, n, p=[0.4, 0.4, 0.2]),
            "tenure_months": tenure,
            "monthly_spend": spend,
            "support_tickets": rng.poisson(1.2 + shift, n),
            "signup_date": signup.strftime("%Y-%m-%d"),
            "churned": np.where(churned, "true", "false"),
        }
    )


def main() -> None:
    rng = np.random.default_rng(20261123)
    train = customers(rng, 4000, start=1)
    current = customers(rng, 1500, start=4001, shift=0.6)
    # What a real weekly batch brings: a typo'd plan, an impossible age, a bad id,
    # a duplicated customer and a date nobody can parse.
    current.loc[17, "plan"] = "enterprise"
    current.loc[230, "age"] = 131
    current.loc[512, "customer_id"] = "c0x4513"
    current.loc[901, "customer_id"] = current.loc[900, "customer_id"]
    current.loc[1203, "signup_date"] = "31/02/2024"
    out = HERE / "data"
    out.mkdir(exist_ok=True)
    train.to_csv(out / "train.csv", index=False)
    current.to_csv(out / "current.csv", index=False)
    print(f"wrote {out / 'train.csv'} ({len(train)} rows) and {out / 'current.csv'} ({len(current)} rows)")


if __name__ == "__main__":
    main()
