#!/usr/bin/env bash
# Say where people look that an unattended run needs someone: comment on the open issue with
# this title, or open one. Usage: report-issue.sh TITLE BODY (gh reads GH_TOKEN and GH_REPO).
# TITLE is the workflow's own words with the district's name (area.json): it reaches jq as
# data (through the environment), never as a part of the filter, so no character of it can
# change the match; the search, which only narrows what jq sees, leaves out its double quotes.
set -euo pipefail
if (($# != 2)); then
  echo 'report-issue.sh: expected TITLE BODY' >&2
  exit 2
fi
title=$1
body=$2
export ISSUE_TITLE=$title
number=$(gh issue list --state open --search "\"${title//\"/}\" in:title" --json number,title \
  --jq 'map(select(.title == $ENV.ISSUE_TITLE)) | .[0].number // empty')
if [[ -n "$number" ]]; then
  gh issue comment "$number" --body "$body"
else
  gh issue create --title "$title" --body "$body"
fi
