# lib_light.sh - which program a test under valgrind runs (sourced by
# tests/run.sh and tests/lib_group.sh, after BIN is set).
#
# The light program (Makefile: static, with musl and mimalloc) hands
# PDFs and `collect` to the full program beside it, mentorconv-full,
# built with glibc from the same sources.  valgrind cannot see a
# statically linked allocator's blocks, so a leak check of the light
# program could not fail: memory is checked on the full program, which
# runs every format itself.
#   LIGHT   1 when BIN is the light program, else 0
#   FULL    the full program beside it (when LIGHT is 1)
#   VG_BIN  the program to run under valgrind
FULL=$(dirname "${BIN:-.}")/mentorconv-full
LIGHT=0
if [ -n "${BIN:-}" ] && [ -x "$FULL" ] && command -v readelf >/dev/null 2>&1 &&
	! readelf -lW "$BIN" 2>/dev/null | grep -q 'INTERP'; then
	LIGHT=1
fi
VG_BIN=${BIN:-}
[ "$LIGHT" = 1 ] && VG_BIN=$FULL
