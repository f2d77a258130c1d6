#!/usr/bin/env bash
# The linkwarden action's main step. action.yml runs this file, and so does
# tests/test_action_e2e.py: the test drives exactly what a runner runs.
#
# Inputs arrive as LW_* environment variables (action.yml maps each input to one), never
# pasted into code, so a path or a ref cannot inject shell. GITHUB_* and RUNNER_* are the
# runner's own.
#
#   1. state pull   the previous run's latest.json and history.csv (LW_STATE: cache, branch,
#                   none); a first run simply starts fresh
#   2. check        a full run, or PR mode when LW_CHANGED_SINCE is set. It writes the step
#                   outputs and the job summary itself, and in PR mode the one PR comment
#                   (LW_COMMENT=true)
#   3. full runs:   state push, the tracking issue (LW_ISSUE=true), the Pages folder
#
# Exit status: 0 whenever the check ran (its verdict is the `exit-code` output, and the
# action's last step fails the job on 1 after the uploads), 2 or 3 at once otherwise.
set -euo pipefail

lw() { "${LW_BIN:+$LW_BIN/}linkwarden" "$@"; }
output() { echo "$1=$2" >> "${GITHUB_OUTPUT:-/dev/null}"; }

out="${LW_REPORT_DIR:-reports}"
state="${LW_STATE:-cache}"
mode=full
if [ -n "${LW_CHANGED_SINCE:-}" ]; then mode=pr; fi
output report-dir "$out"
output mode "$mode"

state_args=(--mode "$state" --out "$out" --branch "${LW_STATE_BRANCH:-linkwarden-state}")
if [ "$state" = cache ]; then
  state_args+=(--cache-dir "${LW_CACHE_DIR:?LW_CACHE_DIR is needed with state: cache}")
fi
if [ "${LW_STATE_REPORTS:-false}" = true ]; then state_args+=(--with-reports); fi
if [ "${LW_BADGE:-true}" = true ]; then state_args+=(--with-badge); fi

lw state pull "${state_args[@]}"

args=(check --out "$out" --fail-on "${LW_FAIL_ON:-new}")
if [ "$mode" = pr ]; then
  args+=(--changed-since "$LW_CHANGED_SINCE")
  if [ "${LW_COMMENT:-false}" = true ]; then args+=(--comment); fi
fi
if [ "${LW_ANNOTATIONS:-true}" = true ]; then args+=(--annotations); fi
extra=()
paths=()
read -r -d '' -a extra <<< "${LW_ARGS:-}" || true
read -r -d '' -a paths <<< "${LW_PATHS:-}" || true

set +e
lw "${args[@]}" ${extra[@]+"${extra[@]}"} ${paths[@]+"${paths[@]}"}
code=$?
set -e
output exit-code "$code"
if [ "$code" -gt 1 ]; then exit "$code"; fi # 2 input, 3 network, 4 folder busy: nothing written
if [ "$mode" = pr ]; then exit 0; fi # PR mode keeps no state and leaves the issue alone

lw state push "${state_args[@]}"
if [ "$state" = cache ]; then output state-saved true; fi
if [ "${LW_ISSUE:-false}" = true ]; then
  lw gh-issue --report "$out" --label "${LW_ISSUE_LABEL:-linkwarden}"
fi
if [ "${LW_PAGES:-false}" = true ]; then
  site="${LW_PAGES_DIR:?LW_PAGES_DIR is needed with pages: true}"
  mkdir -p "$site"
  cp "$out/report.html" "$site/index.html"
  if [ -f "$out/badge.json" ]; then cp "$out/badge.json" "$site/badge.json"; fi
  output pages-dir "$site"
fi
