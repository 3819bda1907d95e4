#!/usr/bin/env bash
# deps-size.sh [--runtime] - what `scripts/deps.sh [--runtime]` adds to a
# fresh Debian: the number of packages and their Installed-Size.
#
# apt-get simulates the install (-s, nothing is changed) against an empty
# dpkg status, twice: the base system alone (the packages of priority
# required and the essential ones, with what they depend on: about what the
# debian:bookworm container image holds), then the base with deps.sh's
# packages, without recommends as deps.sh installs them.  The difference is
# what deps.sh would install; the sizes are apt's Installed-Size fields.
# Needs apt's package lists (apt-get update) and no root.
set -euo pipefail
cd "$(dirname "$0")/.."

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
: >"$T/status"

simulate() { # PACKAGE... -> the packages apt would install, one a line
	apt-get -s -o Dir::State::status="$T/status" -o APT::Install-Recommends=false \
		-o APT::Install-Suggests=false install "$@" 2>/dev/null |
		awk '$1 == "Inst" { print $2 }' | LC_ALL=C sort -u
}

# the base: every package of priority required or essential
apt-cache dumpavail | awk 'BEGIN { RS = ""; FS = "\n" }
	/\nPriority: required/ || /\nEssential: yes/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^Package: /) print substr($i, 10) }' |
	LC_ALL=C sort -u >"$T/required"
[ -s "$T/required" ] || { echo "deps-size.sh: no package lists (run apt-get update)" >&2; exit 1; }
mapfile -t required <"$T/required"
mapfile -t wanted < <(bash scripts/deps.sh --list "$@")

simulate "${required[@]}" >"$T/base"
simulate "${required[@]}" "${wanted[@]}" >"$T/with"
[ -s "$T/with" ] || { echo "deps-size.sh: apt-get could not resolve the packages" >&2; exit 1; }
LC_ALL=C comm -13 "$T/base" "$T/with" >"$T/added"

mapfile -t added <"$T/added"
kib=$(apt-cache show --no-all-versions "${added[@]}" | awk '/^Installed-Size:/ { s += $2 } END { print s + 0 }')
echo "deps.sh ${*:-(full)}: $(wc -l <"$T/added") packages, $((kib / 1024)) MiB installed (base: $(wc -l <"$T/base") packages)"
