# lib_group.sh - what every tests/group_<fmt>.sh reports with (sourced).
# pass NAME / skip NAME / fail NAME [DETAIL...]: one line each, as
# tests/run.sh reads them; fail's details follow, at most 12 lines each,
# indented by a space.
pass() { echo "PASS $1"; }
skip() { echo "SKIP $1"; }
fail() {
	echo "FAIL $1"
	shift
	for d in "$@"; do
		[ -n "$d" ] && printf '%s\n' "$d" | head -n 12 | sed 's/^/ /'
	done
	return 0
}
