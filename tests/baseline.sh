#!/usr/bin/env bash
# baseline.sh REV - build commit REV's mentorconv in build/baseline/REV
# (git archive, once; with the library sources scripts/deps.sh fetched,
# so that it is built as the working tree is) and print that folder.
# `make compare BASE=` (tests/compare.sh) and `make bench BASELINE=`
# (tests/bench.sh) use it.  Run from the repo root.
set -euo pipefail
rev=$(git rev-parse --short "$1^{commit}")
bd=build/baseline/$rev
if [ ! -x "$bd/mentorconv" ]; then
	echo "baseline: building $rev in $bd" >&2
	rm -rf "$bd"
	mkdir -p "$bd"
	git archive "$rev" | tar -x -C "$bd"
	if compgen -G 'build/third_party/*.tar.*' >/dev/null; then
		mkdir -p "$bd/build/third_party"
		cp build/third_party/*.tar.* "$bd/build/third_party/"
	fi
	make --no-print-directory -C "$bd" mentorconv >/dev/null
fi
echo "$bd"
