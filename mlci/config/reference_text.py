"""The words of ``docs/config.md``: what each key means, with an example value.

Types, defaults and bounds come from the pydantic models (``mlci.config.reference``);
only meanings and examples live here. A test fails when a model gains a key this table
does not describe, or the table describes a key no model has.

Paths are dotted; ``[]`` is an item of a list and ``<name>`` a key the user chooses.
"""

from __future__ import annotations

__all__ = ["KEYS", "SECTIONS", "SCHEMA_KEYS", "SCHEMA_EXAMPLE"]

# path -> (meaning, example value as YAML)
KEYS: dict[str, tuple[str, str]] = {
    "version": ("The file format version; only 1 exists.", "1"),
    # model
    "model": (
        "The candidate model whose metrics the gates check.",
        "{name: churn, metrics: out/metrics.json}",
    ),
    "model.name": ("The model's name: the registry records versions under it.", "churn"),
    "model.metrics": (
        "A JSON (or YAML) file of numbers your training step writes, flat or nested (dvclive style); "
        "nested keys become dotted names such as `test.roc_auc`; or `runs:/<run_id>`, an MLflow "
        "run's latest metrics.",
        "out/metrics.json",
    ),
    "model.predictions": (
        "Per-example predictions (CSV, Parquet or JSON Lines) with the true label and `y_pred` "
        "and/or `y_score`; mlci computes the metrics and can test a regression for significance.",
        "out/predictions.csv",
    ),
    "model.baseline_predictions": (
        "The baseline's predictions on the same examples; when absent, the ones stored with the "
        "registered baseline are used.",
        "out/champion-predictions.csv",
    ),
    "model.y_true": ("The column of the true label in the predictions file.", "label"),
    "model.y_pred": ("The column of the predicted label (or value, for regression).", "prediction"),
    "model.y_score": ("The column of the positive class's score or probability.", "probability"),
    "model.task": (
        "`classification` or `regression`; inferred from the labels when absent.",
        "classification",
    ),
    "model.positive_label": ("The positive class of a binary classifier; 1 or true when absent.", "churned"),
    # datasets
    "datasets": (
        "Named datasets; each is validated against its schema when it names one.",
        "{train: {path: data/train.csv, schema: schema.yml}}",
    ),
    "datasets.<name>": (
        "One dataset: a file, a folder or glob of partitions, or an fsspec URL.",
        "{path: data/current.csv, schema: schema.yml}",
    ),
    "datasets.<name>.path": (
        "Where the data is, relative to mlci.yml: a file, a directory or glob of partitions, or an "
        "fsspec URL (`s3://`, `gs://`, `az://`); see docs/datasets.md.",
        "data/current.csv",
    ),
    "datasets.<name>.schema": (
        "The schema file it must satisfy (see schema.yml below); none: not validated.",
        "schema.yml",
    ),
    # drift
    "drift": (
        "Compare a current dataset with a reference one, column by column.",
        "{reference: train, current: current}",
    ),
    "drift.reference": ("The dataset (a key of `datasets`) that sets the expectation.", "train"),
    "drift.current": ("The dataset tested against it.", "current"),
    "drift.fail_on_drift": (
        "Exit 1 when the dataset drifts; otherwise drift is reported, not a failure.",
        "true",
    ),
    "drift.drift_share": ("The dataset drifts when at least this share of tested columns drift.", "0.3"),
    "drift.include": ("Test only these columns (default: every column both datasets have).", "[age, plan]"),
    "drift.exclude": ("Never test these columns.", "[customer_id]"),
    "drift.columns": (
        "Per-column overrides of the method, threshold or kind.",
        "{age: {method: psi, threshold: 0.2}}",
    ),
    "drift.columns.<name>": ("The overrides for one column.", "{method: psi, threshold: 0.2}"),
    "drift.columns.<name>.method": (
        "The test or distance: `ks`, `chisquare` and `z` give p-values; the others are distances "
        "(see docs/drift.md).",
        "wasserstein",
    ),
    "drift.columns.<name>.threshold": (
        "For p-value methods the significance level (drift when p is below it); for distances the "
        "distance at which the column drifts.",
        "0.1",
    ),
    "drift.columns.<name>.kind": (
        "Treat the column as numeric or categorical whatever its dtype.",
        "categorical",
    ),
    # gates
    "gates": (
        "Quality gates on the candidate's metrics, checked in order.",
        "[{metric: roc_auc, threshold: 0.8}]",
    ),
    "gates[]": (
        'One gate: a metric and its rules; no rule means "no regression".',
        "{metric: accuracy, max_regression: 0.01}",
    ),
    "gates[].metric": (
        "The metric's name in the metrics file (or one mlci computes from predictions).",
        "roc_auc",
    ),
    "gates[].threshold": ("An absolute bound: at least this (higher is better) or at most (lower).", "0.8"),
    "gates[].max_regression": ("The worsening allowed against the baseline, in the metric's units.", "0.01"),
    "gates[].max_regression_pct": ("The worsening allowed against the baseline, in percent of it.", "10"),
    "gates[].direction": (
        "Whether higher or lower is better; default by name (loss, error, rmse, mae, mape, latency and "
        "brier are lower-is-better).",
        "lower",
    ),
    "gates[].alpha": (
        "Significance level of a paired bootstrap on the relative rules (needs both sides' "
        "predictions): a regression beyond the tolerance fails only when it is significant.",
        "0.05",
    ),
    "gates[].resamples": ("Bootstrap resamples for `alpha`.", "5000"),
    "gates[].seed": ("Random seed of the bootstrap, so a verdict is reproducible.", "42"),
    # registry
    "registry": (
        "Where released versions, and so the baseline, are recorded (see docs/registry.md).",
        "{backend: git}",
    ),
    "registry.backend": ("`file` (JSON files), `git` (GTO-compatible tags) or `mlflow`.", "git"),
    "registry.path": (
        "file backend: the folder of the JSON records, relative to mlci.yml.",
        ".mlci/registry",
    ),
    "registry.alias": ("The alias (file, mlflow) or GTO stage (git) that marks the baseline.", "production"),
    "registry.remote": ("git backend: push new tags to this remote; none: tags stay local.", "origin"),
    "registry.timeout": ("git backend: the timeout of each git command, in seconds.", "120"),
    "registry.tracking_uri": (
        "mlflow backend: the tracking server, http(s); default `$MLFLOW_TRACKING_URI`.",
        "http://mlflow.internal:5000",
    ),
    "registry.artifact_path": (
        "mlflow backend: `mlci release` registers `runs:/<run_id>/<artifact_path>`.",
        "model",
    ),
    # report
    "report": ("How reports are rendered.", "{templates: ci/templates}"),
    "report.templates": (
        "A folder of templates that override the built-in ones by file name.",
        "ci/templates",
    ),
    # release
    "release": ("When `mlci release` may ship, and what it attaches.", "{prerelease: true}"),
    "release.approval": ("What must hold before a release.", "{review: true}"),
    "release.approval.gates_passed": ("The report has gates and none failed.", "false"),
    "release.approval.review": ("The pull request that produced the commit has an approving review.", "true"),
    "release.approval.labels": ("The pull request carries one of these labels.", "[release-approved]"),
    "release.model_file": ("A model file attached to the GitHub Release.", "out/model.pkl"),
    "release.assets": ("More files attached to the release.", "[out/model_card.md]"),
    "release.prerelease": ("Mark the GitHub Release as a pre-release.", "true"),
    # monitor
    "monitor": (
        "What a scheduled `mlci monitor` run checks and does on drift (see docs/monitoring.md).",
        "{reference: train, current: production}",
    ),
    "monitor.reference": ("The dataset (a key of `datasets`) that sets the expectation.", "train"),
    "monitor.current": ("The dataset monitored, e.g. a sample exported from serving logs.", "production"),
    "monitor.pushgateway": (
        "A Prometheus Pushgateway to push the drift metrics to; default `$MLCI_PUSHGATEWAY`.",
        "http://pushgateway:9091",
    ),
    "monitor.job": ("The Pushgateway job label.", "mlci-nightly"),
    "monitor.fail_on_drift": ("Exit 1 when the dataset drifts (drift settings come from `drift:`).", "true"),
    "monitor.on_drift": ("What to do when the dataset drifts.", "{issue: true}"),
    "monitor.on_drift.issue": ("Keep one sticky issue per model, updated in place.", "false"),
    "monitor.on_drift.dispatch": (
        "Dispatch a workflow (e.g. retraining) with `workflow_dispatch`.",
        "{workflow: retrain.yml, ref: main}",
    ),
    "monitor.on_drift.dispatch.workflow": (
        "The workflow's file name under .github/workflows, or its id.",
        "retrain.yml",
    ),
    "monitor.on_drift.dispatch.ref": (
        "The branch or tag to run it on; default the branch the monitor runs on.",
        "main",
    ),
    "monitor.on_drift.dispatch.inputs": (
        "The workflow's inputs; none: `{model, drifted_share}`; `{}`: no inputs. Values may name "
        "`{model}`, `{drifted_share}`, `{dataset}`, `{issue_url}`, `{run_url}`.",
        "{reason: 'drift in {dataset}'}",
    ),
    "monitor.on_drift.cooldown": (
        "No second dispatch within this long (`24h`, `90m`, `1h30m`, seconds; 0: none).",
        "12h",
    ),
    "monitor.on_drift.labels": ("Labels added to the issue besides `mlci-monitor`.", "[ml]"),
    # engine
    "engine": (
        "Where `mlci check` validates the datasets and compares them for drift: `local` (this "
        "process) or `dask` (a Dask cluster; `pip install 'mlci[dask]'`). `engine: dask` is short "
        "for `{name: dask}`. `--engine`/`--scheduler` on the command line win.",
        "{name: dask, scheduler: tcp://10.0.0.5:8786}",
    ),
    "engine.name": ("`local` or `dask`.", "dask"),
    "engine.scheduler": (
        "The Dask scheduler's address; when absent, `$DASK_SCHEDULER_ADDRESS`, else a local "
        "cluster started for the run (one worker process per core, 127.0.0.1, no dashboard).",
        "tcp://10.0.0.5:8786",
    ),
    "engine.timeout": (
        "Seconds to reach the scheduler and find a worker (and to wait for a worker when the "
        "cluster has lost them all) before the run stops with exit 3.",
        "30",
    ),
}

# Top-level section -> a complete example of it (each is checked against the models).
SECTIONS: dict[str, str] = {
    "version": "version: 1\n",
    "model": (
        "model:\n  name: churn\n  metrics: out/metrics.json          # written by train.py\n"
        "  predictions: out/predictions.csv   # y_true, y_pred, y_score per example\n"
    ),
    "datasets": (
        "datasets:\n  train:   {path: data/train.csv,   schema: schema.yml}\n"
        "  current: {path: data/current.csv, schema: schema.yml}\n"
    ),
    "drift": (
        "drift:\n  reference: train\n  current: current\n  fail_on_drift: false\n  drift_share: 0.5\n"
        "  exclude: [customer_id]\n  columns:\n    age: {method: psi, threshold: 0.2}\n"
        "    zip: {kind: categorical}\n"
    ),
    "gates": (
        "gates:\n  - {metric: roc_auc, threshold: 0.80, max_regression: 0.01, alpha: 0.05}\n"
        "  - {metric: latency_ms, direction: lower, max_regression_pct: 10}\n"
        "  - {metric: accuracy}                    # no rule: no regression at all\n"
    ),
    "registry": "registry: {backend: git, alias: champion, remote: origin}\n",
    "report": "report: {templates: ci/templates}\n",
    "release": (
        "release:\n  approval: {gates_passed: true, review: true, labels: [release-approved]}\n"
        "  model_file: out/model.pkl\n  assets: [out/model_card.md]\n  prerelease: false\n"
    ),
    "monitor": (
        "monitor:\n  reference: train\n  current: current\n  pushgateway: http://pushgateway:9091\n"
        "  on_drift:\n    issue: true\n    dispatch: {workflow: retrain.yml, ref: main}\n    cooldown: 24h\n"
    ),
    "engine": "engine:\n  name: dask\n  scheduler: tcp://10.0.0.5:8786\n  timeout: 30\n",
}

SCHEMA_KEYS: dict[str, tuple[str, str]] = {
    "version": ("The file format version; only 1 exists.", "1"),
    "strict": ("Columns the schema does not list are violations (`extra_column`).", "true"),
    "rows": ("Bounds on the number of rows (`rows_min`, `rows_max`).", "{min: 100}"),
    "rows.min": ("At least this many rows.", "100"),
    "rows.max": ("At most this many rows.", "10000000"),
    "columns": ("The expected columns by name.", "{age: {dtype: int}}"),
    "columns.<name>": ("What one column must hold.", "{dtype: int, min: 18, max: 120}"),
    "columns.<name>.dtype": ("The type every value must parse as.", "int"),
    "columns.<name>.nullable": ("Missing values are allowed.", "true"),
    "columns.<name>.unique": ("No value repeats (the rows that repeat an earlier value fail).", "true"),
    "columns.<name>.min": (
        "The smallest value allowed (numbers, or ISO 8601 dates for datetime columns).",
        "0",
    ),
    "columns.<name>.max": ("The largest value allowed.", "120"),
    "columns.<name>.allowed": ("The only values allowed.", "[free, pro, team]"),
    "columns.<name>.pattern": (
        "A Python regular expression each text value must contain (a search: anchor it with `^…$`).",
        "'^C\\d{6}$'",
    ),
    "columns.<name>.min_length": ("The shortest text allowed, in characters.", "1"),
    "columns.<name>.max_length": ("The longest text allowed, in characters.", "64"),
    "columns.<name>.format": ("datetime columns: the strptime format (default ISO 8601).", "'%d/%m/%Y'"),
    "columns.<name>.description": ("Free text for people; mlci ignores it.", "Age at signup"),
}

SCHEMA_EXAMPLE = """version: 1
strict: true
rows: {min: 100, max: 10000000}
columns:
  customer_id: {dtype: string, unique: true, pattern: '^C\\d{6}$'}
  age:         {dtype: int, min: 18, max: 120}
  plan:        {dtype: category, allowed: [free, pro, team]}
  spend:       {dtype: float, min: 0, nullable: true}
  signup:      {dtype: datetime, format: '%Y-%m-%d'}
  churned:     {dtype: bool}
"""
