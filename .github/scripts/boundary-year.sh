#!/usr/bin/env bash
# The year of the polling-district boundaries in force on a day (default today, UTC): the
# council redraws them for the May elections, so from June (its first refresh, on the 3rd) a
# year's boundaries are that year's, and before June the previous year's.
# The data workflow keys its polling-district cache by it; the cache workflow restores that key.
# Usage: boundary-year.sh [YYYY-MM-DD]
set -euo pipefail
day=${1:-$(date -u +%F)}
if [[ ! $day =~ ^([0-9]{4})-([0-9]{2})-[0-9]{2}$ ]]; then
  echo "boundary-year.sh: expected a day as YYYY-MM-DD, got: $day" >&2
  exit 2
fi
year=${BASH_REMATCH[1]}
month=$((10#${BASH_REMATCH[2]}))
if ((month < 6)); then year=$((year - 1)); fi
echo "$year"
