#!/usr/bin/env bash
# group_site.sh BINARY SHARED TMPDIR SANITIZED - what a site contributes
# to a document besides its pages: course completeness (module folders
# course.yml leaves out are named once; unpublished and undated posts
# are left out as Jekyll leaves them out, with a note under -v) and
# depfile completeness (every file whose appearance would change the
# output: missing images, the theme found for --style NAME, _config.yml,
# _data/course.yml).  Prints PASS/FAIL/SKIP lines (see tests/run.sh).
set -u
BIN=$1
SHARED=$2
T=$3
. "$(dirname "$0")/lib_group.sh"
TMO=${MC_TEST_TIMEOUT:-120}
export SOURCE_DATE_EPOCH=1700000000

site=$T/site
mkdir -p "$site/_data" "$site/modules/one/_posts" "$site/modules/two/_posts" \
	"$site/modules/three/_posts" "$site/modules/four/_posts" "$site/img"
printf 'title: Site\nbaseurl: /\n' >"$site/_config.yml"
printf 'title: Course\nmodules: [one]\n' >"$site/_data/course.yml"
for m in one two three four; do
	printf -- '---\ntitle: Module %s\n---\nTEXT-OF-%s\n' "$m" "$m" >"$site/modules/$m/_posts/2000-01-01-intro.md"
done
printf -- '---\ntitle: Draft\npublished: false\n---\nDRAFT-TEXT\n' >"$site/modules/one/_posts/2000-02-01-draft.md"
printf -- '---\ntitle: Hidden\npublished: no\n---\nHIDDEN-TEXT\n' >"$site/modules/one/_posts/2000-02-02-hidden.md"
printf -- '---\ntitle: Notes\n---\nUNDATED-TEXT\n' >"$site/modules/one/_posts/notes.md"
printf -- '---\ntitle: Shown\npublished: true\n---\nSHOWN-TEXT\n' >"$site/modules/one/_posts/2000-03-01-shown.md"

# ---- course completeness ----------------------------------------------
timeout "$TMO" "$BIN" "$site" -t json -o "$T/c.json" 2>"$T/c.err"
rc=$?
n=$(grep -c 'course.yml: warning: .*not in this file' "$T/c.err")
if [ $rc -eq 0 ] && [ "$n" -eq 1 ] &&
	grep -q 'modules/four, modules/three, modules/two are not in this file.s modules list.*--all-modules' "$T/c.err"; then
	pass "site: one warning names the module folders course.yml leaves out, and --all-modules"
else
	fail "site: one warning names the left-out modules (exit $rc, $n warnings)" "$(cat "$T/c.err")"
fi
timeout "$TMO" "$BIN" "$site" --all-modules -t json -o "$T/ca.json" 2>"$T/ca.err"
rc=$?
if [ $rc -eq 0 ] && ! grep -q 'not in this file' "$T/ca.err" &&
	[ "$(grep -o 'TEXT-OF-[a-z]*' "$T/ca.json" | sort -u | wc -l)" -eq 4 ]; then
	pass "site: --all-modules takes them in, without the warning"
else
	fail "site: --all-modules takes them in (exit $rc)" "$(cat "$T/ca.err")"
fi
bad=$(grep -o 'DRAFT-TEXT\|HIDDEN-TEXT\|UNDATED-TEXT' "$T/c.json" | sort -u | tr '\n' ' ')
if [ -z "$bad" ] && grep -q SHOWN-TEXT "$T/c.json"; then
	pass "site: published: false/no and undated posts are left out, published: true kept"
else
	fail "site: unpublished and undated posts are left out" "found: $bad"
fi
if ! grep -q 'note:' "$T/c.err"; then pass "site: no notes without -v"; else fail "site: notes printed without -v" "$(cat "$T/c.err")"; fi
timeout "$TMO" "$BIN" -v "$site/modules/one" -t json -o "$T/m.json" 2>"$T/m.err"
rc=$?
notes=$(grep -c ': note: left out' "$T/m.err")
if [ $rc -eq 0 ] && [ "$notes" -eq 3 ] && grep -q '2000-02-01-draft.md: note: left out: published: false' "$T/m.err" &&
	grep -q 'notes.md: note: left out: .*YYYY-MM-DD' "$T/m.err"; then
	pass "site: -v notes each post left out, and why"
else
	fail "site: -v notes each post left out (exit $rc, $notes notes)" "$(cat "$T/m.err")"
fi
timeout "$TMO" "$BIN" -q -v "$site/modules/one" -t json -o "$T/m.json" 2>"$T/mq.err"
if [ ! -s "$T/mq.err" ]; then pass "site: -q silences the notes"; else fail "site: -q silences the notes" "$(cat "$T/mq.err")"; fi
# a page named on the command line is converted: the user asked for it
timeout "$TMO" "$BIN" "$site/modules/one/_posts/2000-02-01-draft.md" -t json -o "$T/d.json" 2>"$T/d.err"
if [ $? -eq 0 ] && grep -q DRAFT-TEXT "$T/d.json"; then
	pass "site: an unpublished page named on the command line still converts"
else
	fail "site: an unpublished page named on the command line" "$(cat "$T/d.err")"
fi
if [ -d "$SHARED/corpus/connectedlib" ]; then
	timeout "$TMO" "$BIN" "$SHARED/corpus/connectedlib" -t json -o "$T/cl.json" 2>"$T/cl.err"
	if grep -q 'course.yml: warning: the module folder modules/evaluation is not in' "$T/cl.err"; then
		pass "site: the real course names its left-out module (evaluation)"
	else
		fail "site: the real course names its left-out module" "$(cat "$T/cl.err")"
	fi
else
	skip "site: the real course (no $SHARED/corpus)"
fi

# ---- depfile completeness --------------------------------------------
ds=$T/dsite
mkdir -p "$ds/modules/m/_posts" "$ds/img"
printf 'title: D\nbaseurl: /\n' >"$ds/_config.yml"
cat >"$ds/modules/m/_posts/2000-01-01-page.md" <<'MD'
---
title: Page
---
Text.

![later](/img/later.png)

![deep](/img/new/deeper.png)
MD
mkdir -p "$T/out" "$T/bin/styles"
# a style found by name: NAME.yaml in the styles folder beside the binary
cp "$BIN" "$T/bin/mentorconv"
cp styles/a4.yaml "$T/bin/styles/mine.yaml"
timeout "$TMO" "$T/bin/mentorconv" -q "$ds/modules/m/_posts/2000-01-01-page.md" --style mine -o "$T/out/page.json" --depfile "$T/out/page.d" 2>"$T/dep.err"
rc=$?
d=$T/out/page.d
why=""
[ $rc -eq 0 ] || why="exit $rc"
grep -q "^  $ds/_config.yml" "$d" || why="$why; no _config.yml"
grep -q "^  $ds \\\\\$" "$d" || why="$why; no site root folder (where _data/course.yml would appear)"
grep -q "^  $ds/img \\\\\$\|^  $ds/img\$" "$d" || why="$why; no img folder (where the missing images would appear)"
grep -q "^  $T/bin/styles/mine.yaml\$" "$d" || why="$why; no theme file for --style mine"
if [ -z "$why" ]; then pass "site: --depfile lists _config.yml, the folders of missing files and the theme found for a name"; else fail "site: --depfile completeness" "$why" "$(cat "$d")"; fi
mkdir -p "$ds/_data"
printf 'title: C\nmodules: [m]\n' >"$ds/_data/course.yml"
timeout "$TMO" "$BIN" -q "$ds/modules/m/_posts/2000-01-01-page.md" -o "$T/out/page.json" --depfile "$d" 2>/dev/null
if grep -q "^  $ds/_data/course.yml" "$d"; then pass "site: --depfile lists _data/course.yml"; else fail "site: --depfile lists _data/course.yml" "$(cat "$d")"; fi

# make, driven by the depfile: nothing to do, then the picture appears
# and the output is remade.  Times are set, not waited for.
if command -v make >/dev/null 2>&1; then
	cat >"$T/Makefile" <<MK
out/page.json: $ds/modules/m/_posts/2000-01-01-page.md
	"$BIN" -q \$< -o \$@ --depfile out/page.d
-include out/page.d
MK
	find "$ds" -exec touch -h -d '2020-01-01 00:00' {} +
	rm -f "$T/out/page.json" "$T/out/page.d"
	(cd "$T" && make -s >/dev/null 2>&1)
	find "$ds" -exec touch -h -d '2020-01-01 00:00' {} +
	touch -d '2021-01-01 00:00' "$T/out/page.json"
	if (cd "$T" && make -q out/page.json); then
		pass "site: make finds nothing to do before the picture exists"
	else
		fail "site: make finds nothing to do before the picture exists" "$(cat "$T/out/page.d")"
	fi
	cp "$ds/_config.yml" "$ds/img/later.png" # any file appearing
	if ! (cd "$T" && make -q out/page.json); then
		pass "site: adding the missing picture makes the output stale"
	else
		fail "site: adding the missing picture makes the output stale" "$(cat "$T/out/page.d")"
	fi
	# an output written into a watched folder is not always stale
	timeout "$TMO" "$BIN" -q "$ds/modules/m/_posts/2000-01-01-page.md" -o "$ds/page.json" --depfile "$ds/page.d" 2>/dev/null
	if ! grep -q "^  $ds \\\\\$\|^  $ds\$" "$ds/page.d"; then
		pass "site: the folder an output is written in is not one of its prerequisites"
	else
		fail "site: the output's own folder is a prerequisite (always stale)" "$(cat "$ds/page.d")"
	fi
else
	skip "site: make not installed"
fi

# ---- the document's language: front matter, _config.yml, --lang, "en" --
ls=$T/lsite
mkdir -p "$ls/a" "$T/nolang"
printf 'title: L\nlang: fr\n' >"$ls/_config.yml"
printf -- '---\ntitle: P\nlang: de\n---\nHallo\n' >"$ls/a/de.md"
printf -- '---\ntitle: P\n---\nBonjour\n' >"$ls/a/fr.md"
printf -- '---\ntitle: P\n---\nHola\n' >"$T/nolang/es.md"
lang_of() { "$BIN" "$@" -t json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["lang"])'; }
got="$(lang_of "$ls/a/de.md" --lang es) $(lang_of "$ls/a/fr.md" --lang es) $(lang_of "$T/nolang/es.md" --lang es) $(lang_of "$T/nolang/es.md")"
if [ "$got" = "de fr es en" ]; then
	pass "site: the language comes from the front matter, then _config.yml, then --lang, then en"
else
	fail "site: the language's order (front matter, _config.yml, --lang, en)" "got: $got" "want: de fr es en"
fi
"$BIN" "$T/nolang/es.md" -t json --lang 'e s' >/dev/null 2>"$T/lang.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "mentorconv: --lang takes a language tag" "$T/lang.err"; then
	pass "site: --lang with something that is not a language tag is a usage error"
else
	fail "site: --lang 'e s' (exit $rc)" "$(cat "$T/lang.err")"
fi
