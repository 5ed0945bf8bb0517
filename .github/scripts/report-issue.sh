#!/usr/bin/env bash
# Say where people look that an unattended run needs someone: comment on the open issue with
# this title, or open one. Usage: report-issue.sh TITLE BODY (gh reads GH_TOKEN and GH_REPO).
# TITLE is the workflow's own words (it is matched whole inside a jq string), never input.
set -euo pipefail
if (($# != 2)); then
  echo 'report-issue.sh: expected TITLE BODY' >&2
  exit 2
fi
title=$1
body=$2
number=$(gh issue list --state open --search "\"$title\" in:title" --json number,title \
  --jq "map(select(.title == \"$title\")) | .[0].number // empty")
if [[ -n "$number" ]]; then
  gh issue comment "$number" --body "$body"
else
  gh issue create --title "$title" --body "$body"
fi
