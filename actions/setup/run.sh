#!/usr/bin/env bash
# Run one mlci command and turn its exit code into step outputs.
#
#   run.sh ARGS...   runs "$MLCI" ARGS... in the current directory
#
# Exit 0 -> status=passed, 1 -> status=failed (both recorded as outputs), anything else is a
# broken run (bad config, unreadable data, GitHub down) and fails the step at once -- unless
# DEFER is true and the command still wrote REPORT_PATH (`mlci check` always does): then
# status=error is recorded, so a later step posts the report before the job fails.
# Environment:
#   MLCI         the mlci executable (the setup step's `mlci` output)
#   FAIL_ON      failure (default): a failed check fails the step; error: report it, go on
#   DEFER        true: record a failed check but exit 0 (a later step posts the report first)
#   REPORT_PATH  optional: a file the command wrote, published as the absolute report-path
set -uo pipefail

[ -n "${MLCI:-}" ] || { echo "::error title=mlci::MLCI is not set (the setup step did not run)"; exit 2; }
case "${FAIL_ON:=failure}" in
  failure | error) ;;
  *) echo "::error title=mlci::fail-on must be 'failure' or 'error', got '$FAIL_ON'"; exit 2 ;;
esac

# A report left by an earlier run must not pass for this run's.
if [ "${DEFER:-false}" = true ] && [ -n "${REPORT_PATH:-}" ]; then
  rm -f -- "$REPORT_PATH"
fi
"$MLCI" "$@"
code=$?
case "$code" in
  0) status=passed ;;
  1) status=failed ;;
  *)
    if [ "${DEFER:-false}" = true ] && [ -n "${REPORT_PATH:-}" ] && [ -f "$REPORT_PATH" ]; then
      status=error
      echo "::error title=mlci::mlci $1 could not use an input (exit $code): the report lists what to fix"
    else
      echo "::error title=mlci::mlci $1 could not run (exit $code): see the error above"
      exit "$code"
    fi
    ;;
esac
{
  echo "status=$status"
  echo "exit-code=$code"
} >>"$GITHUB_OUTPUT"
if [ -n "${REPORT_PATH:-}" ] && [ -f "$REPORT_PATH" ]; then
  case "$REPORT_PATH" in
    /*) echo "report-path=$REPORT_PATH" >>"$GITHUB_OUTPUT" ;;
    *) echo "report-path=$PWD/$REPORT_PATH" >>"$GITHUB_OUTPUT" ;;
  esac
fi
if [ "$status" = failed ] && [ "$FAIL_ON" = failure ] && [ "${DEFER:-false}" != true ]; then
  what="a check failed"
  [ "$1" = release ] && what="the release was refused (see the reason above)"
  echo "::error title=mlci::mlci $1: $what; set fail-on: 'error' to report without failing the job"
  exit 1
fi
exit 0
