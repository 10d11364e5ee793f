#!/usr/bin/env bash
# Runs one game-day drill end to end against a REAL AWS account. Never run by tests or CI.
#
#   scripts/drill.sh fis <stack> <region> <drill-key> --confirm <account-id>
#       e.g. scripts/drill.sh fis prod us-east-1 zone-loss-us-east-1a --confirm 111122223333
#       Starts the FIS experiment template tagged Name=<region-code>-drills-<drill-key>, refuses to start while a
#       stop-condition alarm is not OK, polls until the experiment ends, prints the alarms' history and exits 0 when
#       it completed (objective held) or 1 when it was stopped or failed (objective broken or drill broken).
#   scripts/drill.sh aurora-switchover <global-cluster-id> <target-cluster-arn> <rto-seconds> --confirm <account-id>
#       Managed planned switchover of the Aurora global database (no data loss), timed against the RTO.
#
# Abort a running FIS drill: aws fis stop-experiment --id <id> (printed at start), or put a stop-condition alarm
# into ALARM: aws cloudwatch set-alarm-state --alarm-name <name> --state-value ALARM --state-reason "abort drill".
set -euo pipefail

usage() { sed -n '2,15p' "$0" >&2; exit 2; }
need() { command -v "$1" >/dev/null || { echo "drill: $1 is required" >&2; exit 2; }; }
need aws; need jq
[[ $# -ge 1 ]] || usage
mode=$1; shift

confirm_account() {
  local expected=$1 actual
  actual=$(aws sts get-caller-identity --query Account --output text)
  [[ "$actual" == "$expected" ]] || { echo "drill: credentials are for account $actual, not $expected; refusing" >&2; exit 2; }
}

region_code() { # us-east-1 -> use1 (components/shared/regions.ts regionCode)
  local r=$1; IFS=- read -r a b c <<<"$r"; echo "${a}${b:0:1}${c}"
}

fis() {
  [[ $# -eq 5 && $4 == --confirm ]] || usage
  local stack=$1 region=$2 key=$3 account=$5 name template state alarms id status
  confirm_account "$account"
  name="$(region_code "$region")-drills-$key"
  template=$(aws fis list-experiment-templates --region "$region" --output json |
    jq -r --arg n "$name" '.experimentTemplates[] | select(.tags.Name == $n) | .id')
  [[ -n "$template" ]] || { echo "drill: no experiment template tagged Name=$name in $region (stack $stack)" >&2; exit 2; }
  alarms=$(aws fis get-experiment-template --region "$region" --id "$template" --output json | jq -r '.experimentTemplate.stopConditions[].value | split(":alarm:")[1]')
  echo "objective: $(aws fis get-experiment-template --region "$region" --id "$template" --query 'experimentTemplate.tags."production-platform/objective"' --output text)"
  for a in $alarms; do
    state=$(aws cloudwatch describe-alarms --region "$region" --alarm-names "$a" --query 'MetricAlarms[0].StateValue || CompositeAlarms[0].StateValue' --output text)
    [[ "$state" == OK ]] || { echo "drill: stop condition $a is $state, not OK; fix it (or generate traffic) before the drill" >&2; exit 1; }
  done
  id=$(aws fis start-experiment --region "$region" --experiment-template-id "$template" --tags "stack=$stack" --query experiment.id --output text)
  echo "started experiment $id ($name); abort with: aws fis stop-experiment --region $region --id $id"
  while :; do
    status=$(aws fis get-experiment --region "$region" --id "$id" --query experiment.state.status --output text)
    echo "$(date -u +%H:%M:%S) $status"
    case "$status" in completed|stopped|failed|cancelled) break ;; esac
    sleep 15
  done
  for a in $alarms; do aws cloudwatch describe-alarm-history --region "$region" --alarm-name "$a" --history-item-type StateUpdate --max-items 5 --output table; done
  [[ "$status" == completed ]]
}

aurora_switchover() {
  [[ $# -eq 5 && $4 == --confirm ]] || usage
  local global=$1 target=$2 rto=$3 account=$5 start now
  confirm_account "$account"
  start=$(date +%s)
  aws rds switchover-global-cluster --global-cluster-identifier "$global" --target-db-cluster-identifier "$target" >/dev/null
  echo "switchover of $global to $target started"
  until aws rds describe-global-clusters --global-cluster-identifier "$global" --output json |
    jq -e --arg t "$target" '.GlobalClusters[0] | (.FailoverState == null) and any(.GlobalClusterMembers[]; .DBClusterArn == $t and .IsWriter)' >/dev/null; do
    sleep 5
  done
  now=$(date +%s)
  echo "writer is $target after $((now - start)) s (RTO $rto s)"
  (( now - start <= rto ))
}

case "$mode" in
  fis) fis "$@" ;;
  aurora-switchover) aurora_switchover "$@" ;;
  *) usage ;;
esac
