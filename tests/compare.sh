#!/usr/bin/env bash
# compare.sh - `make compare BASE=<rev>`: what a change does to every output.
#
# Builds ./mentorconv and the BASE commit's binary (git archive into
# build/baseline/REV, once; the folder `make bench BASELINE=` uses too),
# then tests/compare.py converts every corpus page, the seed, a module,
# the course, --worksheets and every fixture and sample site into every
# format with both, into build/compare/{base,new}/, and prints per format
# how many outputs are byte-identical and what differs in the others
# (full diffs in build/compare/diffs/).  It shows and judges nothing: exit
# 0 unless a build fails (or BASE is no commit).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${BASE:-}" ]; then
	echo "usage: make compare BASE=<rev>   (a commit, branch or tag)" >&2
	exit 2
fi
rev=$(git rev-parse --short "$BASE^{commit}") || exit 2

PY=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import pypdf' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "compare: needs a Python with pypdf (apt-get install python3-pypdf)" >&2
	exit 1
fi

make --no-print-directory mentorconv >/dev/null
bd=$(bash tests/baseline.sh "$rev")
echo "compare: $rev ($bd/mentorconv) -> the working tree (./mentorconv)"
exec "$PY" tests/compare.py "$bd/mentorconv" ./mentorconv build/compare
