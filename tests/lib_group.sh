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

# formats_of BINARY: the output formats this build of BINARY has, one a line
formats_of() {
	"$1" --help | awk '/^Formats:/{f=1;next} f && /^  [a-z]/ && !/not available/ {print $1}'
}

# LIGHT, FULL and VG_BIN: the light program and valgrind's program
. "$(dirname "${BASH_SOURCE[0]}")/lib_light.sh"

# tree_sums DIR: a sha256 line per file under DIR, in a fixed order (to
# show that a run left its inputs untouched)
tree_sums() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }

# sanitizer builds exit 86 on a finding, with a stack
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=86:print_stacktrace=1}

# conv_to ERRFILE IN OUT [ARGS...]: convert IN to OUT with $BIN (within
# $TMO seconds, no input); the status in RC (86 for a sanitizer report),
# stderr in ERRFILE
conv_to() {
	local err=$1 in=$2 out=$3
	shift 3
	timeout "$TMO" "$BIN" "$in" -o "$out" "$@" </dev/null >/dev/null 2>"$err"
	RC=$?
	if grep -qE 'Sanitizer|runtime error:' "$err"; then
		RC=86
	fi
}

# py_with MODULE: a Python that can import MODULE ($PYTHON, python3, or
# the system's /usr/bin/python3, which has Debian's modules); empty if
# none can
py_with() {
	local p
	for p in ${PYTHON:-} python3 /usr/bin/python3; do
		if command -v "$p" >/dev/null 2>&1 && "$p" -c "import $1" 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 0
}
