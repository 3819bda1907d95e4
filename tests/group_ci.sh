#!/usr/bin/env bash
# group_ci.sh BINARY SHARED TMPDIR SANITIZED - the CI recipes and the
# course build: examples/ci/build-course.sh on the real course
# (SHARED/corpus/connectedlib) and on a site with spaces and accents in
# its folder, module and page names (fixtures/sites/Curso de mentoría,
# copied under a folder with a space), examples/Makefile.course on that
# site (incremental: a second make does nothing, a touched page remakes
# only what it is in), `make dist`, the two CI recipes run as written
# from the release tarball (release build only: they build their own
# mentorconv), and `scripts/deps.sh --runtime`'s package list.
set -u
BIN=$1 SHARED=$2 T=$3 SANITIZED=${4:-0}
cd "$(dirname "$0")/.." || exit 2
. tests/lib_group.sh
export MENTORCONV=$BIN
BC=examples/ci/build-course.sh
FIX="fixtures/sites/Curso de mentoría"
COURSE=$SHARED/corpus/connectedlib
SYSPY=/usr/bin/python3 # Debian's python3-yaml is for this one
t() { if [ -z "$2" ]; then pass "ci: $1"; else fail "ci: $1" "$2"; fi; }

# expect_outputs SITE OUT: why (empty: all good) the outputs of a full
# build-course.sh run are not all there: every page to pdf, epub and docx,
# the course book, and a worksheet pack exactly for the modules whose
# model has an activity (asked of mentorconv -t json, not --worksheets)
expect_outputs() {
	local site=$1 out=$2 p m b f why="" nact=0 nnone=0
	for p in "$site"/modules/*/_posts/*.md; do
		m=${p%/_posts/*}; m=${m##*/}; b=${p##*/}; b=${b%.md}
		for f in pdf epub docx; do
			[ -s "$out/$m/$b.$f" ] || why+="missing $m/$b.$f"$'\n'
		done
	done
	for f in epub pdf; do [ -s "$out/course.$f" ] || why+="missing course.$f"$'\n'; done
	for d in "$site"/modules/*/_posts; do
		m=${d%/_posts}; m=${m##*/}
		if "$BIN" -q "$d" -t json 2>/dev/null | grep -q '"kind": "activity"'; then
			nact=$((nact + 1))
			[ -s "$out/$m-worksheets.pdf" ] || why+="no worksheet pack for $m (it has activities)"$'\n'
		else
			nnone=$((nnone + 1))
			[ -e "$out/$m-worksheets.pdf" ] && why+="a worksheet pack for $m, which has no activity"$'\n'
		fi
	done
	[ $nact -gt 0 ] && [ $nnone -gt 0 ] ||
		why+="expected modules with and without activities, got $nact and $nnone"$'\n'
	printf '%s' "$why"
}

# qcheck FILE...: why qpdf --check fails on one of them
qcheck() {
	command -v qpdf >/dev/null 2>&1 || return 0
	local f
	for f in "$@"; do
		qpdf --check "$f" >/dev/null 2>&1 || echo "qpdf --check fails on $f"
	done
}

# ---- deps.sh --runtime ---------------------------------------------------
rt=$(bash scripts/deps.sh --runtime --list 2>&1)
full=$(bash scripts/deps.sh --list 2>&1)
why=""
bad=$(printf '%s\n' "$rt" | grep -Ei 'libreoffice|jre|jdk|java|epubcheck|pandoc|valgrind|clang|^qpdf$|poppler|python3|weasyprint|zbar|strace')
[ -n "$bad" ] && why+="the runtime list has test packages: $bad"$'\n'
for p in build-essential pkg-config libhpdf-dev libzip-dev fonts-dejavu-core hyphen-en-us; do
	printf '%s\n' "$rt" | grep -qx "$p" || why+="the runtime list lacks $p"$'\n'
done
for p in $rt; do printf '%s\n' "$full" | grep -qx "$p" || why+="the full list lacks runtime package $p"$'\n'; done
dups=$(printf '%s\n' "$full" | sort | uniq -d)
[ -n "$dups" ] && why+="packages listed twice: $dups"
printf '%s\n' "$full" | grep -qx libreoffice-writer-nogui || why+="the full list lacks LibreOffice"$'\n'
t "deps.sh --runtime --list: the libraries, fonts and build tools, no LibreOffice/Java/pandoc/valgrind/clang/checker" "$why"
out=$(bash scripts/deps.sh --runtime --dry-run 2>&1)
rc=$?
why=""
[ $rc -eq 0 ] || why="exit $rc: $out"
for p in $out; do printf '%s\n' "$rt" | grep -qx "$p" || why+="--dry-run names $p, not in the runtime list"$'\n'; done
t "deps.sh --runtime --dry-run lists only missing runtime packages, installs nothing" "$why"
bash scripts/deps.sh --no-such-option >/dev/null 2>&1
t "deps.sh: an unknown option exits 2" "$([ $? -eq 2 ] || echo "exit $?")"

# ---- the scripts and recipes, statically ---------------------------------
why=""
for s in "$BC" scripts/deps.sh tests/group_ci.sh tools/deps-size.sh; do
	bash -n "$s" 2>&1 || why+="bash -n $s fails"$'\n'
done
if command -v shellcheck >/dev/null 2>&1; then
	shellcheck -S warning "$BC" scripts/deps.sh tools/deps-size.sh tests/group_ci.sh >"$T/sc.out" 2>&1 || why+="shellcheck: $(head -n 12 "$T/sc.out")"
fi
t "build-course.sh, deps.sh, deps-size.sh: bash -n and shellcheck" "$why"

if [ -x "$SYSPY" ] && "$SYSPY" -c 'import yaml' 2>/dev/null; then
	why=""
	for y in examples/ci/github-workflow.yml examples/ci/gitlab-ci.yml; do
		"$SYSPY" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$y" 2>"$T/yaml.err" ||
			why+="$y does not parse: $(cat "$T/yaml.err")"$'\n'
		grep -qi 'example\.org\|git clone' "$y" && why+="$y still clones a placeholder URL"$'\n'
		grep -q 'examples/ci/build-course.sh' "$y" || why+="$y does not call build-course.sh"$'\n'
		grep -q 'deps.sh" --runtime' "$y" || why+="$y does not install with deps.sh --runtime"$'\n'
	done
	t "CI recipes: valid YAML, call build-course.sh and deps.sh --runtime, no placeholder clone" "$why"
	HAVE_YAML=1
else
	skip "ci: CI recipes parse (no PyYAML for $SYSPY)"
	HAVE_YAML=0
fi

bash "$BC" >/dev/null 2>&1
rc1=$?
bash "$BC" --only nothing "$FIX" "$T/x" >/dev/null 2>&1
rc2=$?
bash "$BC" "$T/no such site" "$T/x" >/dev/null 2>&1
rc3=$?
t "build-course.sh: no arguments, a bad --only, a missing site exit 2" \
	"$([ "$rc1$rc2$rc3" = 222 ] || echo "exits $rc1, $rc2, $rc3")"

# ---- build-course.sh on the spaces-and-accents site -----------------------
mkdir -p "$T/cursos con espacios"
cp -R "$FIX" "$T/cursos con espacios/"
SITE="$T/cursos con espacios/Curso de mentoría"
OUT="$T/salida final/año 1"
bash "$BC" -j 2 "$SITE" "$OUT" >"$T/fix.out" 2>&1
rc=$?
why=""
[ $rc -eq 0 ] || why="exit $rc: $(tail -n 8 "$T/fix.out")"
[ -z "$why" ] && why=$(expect_outputs "$SITE" "$OUT")
t "build-course.sh on a site with spaces and accents: exit 0, every page, the book, packs only for modules with activities" "$why"
why=""
for f in "módulo uno/2024-01-01-introducción.pdf" "módulo uno/2024-01-02-el papel del mentor.docx" \
	"módulo dos/2024-02-01-reflexión final.epub" "módulo uno-worksheets.pdf"; do
	[ -s "$OUT/$f" ] || why+="missing $f"$'\n'
done
[ -e "$OUT/módulo dos-worksheets.pdf" ] && why+="a pack for módulo dos (no activity)"$'\n'
grep -q 'módulo dos has no activity' "$T/fix.out" || why+="no note that módulo dos has no activity"$'\n'
why+=$(qcheck "$OUT/course.pdf" "$OUT/módulo uno-worksheets.pdf" "$OUT/módulo uno/2024-01-01-introducción.pdf")
t "the accented names are kept (introducción, reflexión final, módulo uno-worksheets.pdf); PDFs pass qpdf --check" "$why"

# a conversion that fails makes the script fail, the rest still made
mkdir -p "$T/rota"
cp -R "$FIX" "$T/rota/"
BROKEN="$T/rota/Curso de mentoría"
printf -- '---\ntitle: [oops\n---\ntext\n' >"$BROKEN/modules/módulo dos/_posts/2024-02-02-rota.md"
bash "$BC" -j 2 "$BROKEN" "$T/rota-out" >"$T/rota.out" 2>&1
rc=$?
why=""
[ $rc -eq 1 ] || why="exit $rc, expected 1"
[ -s "$T/rota-out/módulo uno/2024-01-01-introducción.pdf" ] || why+=" the good pages were not made"
grep -q 'FAILED' "$T/rota.out" || why+=" no FAILED line"
t "build-course.sh: a page that fails to convert exits 1, the others are made" "$why"

# ---- build-course.sh on the real course -----------------------------------
if [ ! -d "$COURSE/modules" ]; then
	skip "ci: build-course.sh on the real course ($COURSE not found)"
else
	before=$(tree_sums "$COURSE")
	if [ "$SANITIZED" = 1 ]; then
		# the sanitizer build: the book and the packs (every page is read),
		# the pages only as PDF for one share
		bash "$BC" -j 2 --only book,worksheets "$COURSE" "$T/real" >"$T/real.out" 2>&1
		rc=$?
		bash "$BC" -j 2 --only pages --formats pdf --shard 1/4 "$COURSE" "$T/real" >>"$T/real.out" 2>&1 || rc=$?
		why=""
		[ $rc -eq 0 ] || why="exit $rc: $(grep -v warning "$T/real.out" | tail -n 8)"
		grep -qE 'Sanitizer|runtime error' "$T/real.out" && why+="sanitizer report: $(grep -m 5 -E 'Sanitizer|runtime error' "$T/real.out")"
		for f in course.epub course.pdf basics-worksheets.pdf; do
			[ -s "$T/real/$f" ] || why+=" missing $f"
		done
		[ -e "$T/real/introducing-the-toolkit-worksheets.pdf" ] && why+=" a pack for introducing-the-toolkit (no activity)"
		t "build-course.sh on $COURSE (sanitizer build: book, packs, a share of the pages)" "$why"
	else
		bash "$BC" -j 2 "$COURSE" "$T/real out" >"$T/real.out" 2>&1
		rc=$?
		why=""
		[ $rc -eq 0 ] || why="exit $rc: $(grep -v warning "$T/real.out" | tail -n 8)"
		[ -z "$why" ] && why=$(expect_outputs "$COURSE" "$T/real out")
		why+=$(qcheck "$T/real out/course.pdf" "$T/real out/basics-worksheets.pdf" "$T/real out/mentoring/"*.pdf)
		n=$(find "$T/real out" -mindepth 2 -type f | wc -l)
		t "build-course.sh on $COURSE: exit 0, $n page outputs, the book, packs only for modules with activities, qpdf --check" "$why"
	fi
	[ "$(tree_sums "$COURSE")" = "$before" ]
	t "build-course.sh leaves the course untouched" "$([ $? -eq 0 ] || echo "$COURSE changed")"
fi

# ---- examples/Makefile.course on the spaces-and-accents site --------------
MK=$PWD/examples/Makefile.course
MOUT="$T/make out"
mk() { (cd "$T/cursos con espacios" && make -f "$MK" SITE="Curso de mentoría" OUT="$MOUT" MENTORCONV="$BIN" BOOK="epub pdf" -j 2 "$@"); }
mk >"$T/mk1.out" 2>&1
rc=$?
why=""
[ $rc -eq 0 ] || why="exit $rc: $(tail -n 8 "$T/mk1.out")"
[ -z "$why" ] && why=$(expect_outputs "$SITE" "$MOUT")
t "Makefile.course on a site with spaces and accents: every page, the book, packs only for modules with activities" "$why"
mk >"$T/mk2.out" 2>&1
rc=$?
why=""
[ $rc -eq 0 ] || why="exit $rc"
grep -q -- "$BIN" "$T/mk2.out" && why+="mentorconv ran again: $(head -n 3 "$T/mk2.out")"
grep -q 'Nothing to be done' "$T/mk2.out" || why+=" no 'Nothing to be done': $(head -n 3 "$T/mk2.out")"
t "Makefile.course: a second make does nothing" "$why"
PAGE="$SITE/modules/módulo uno/_posts/2024-01-02-el papel del mentor.md"
sleep 0.05
touch "$PAGE"
mk >"$T/mk3.out" 2>&1
rc=$?
remade=$(cd "$MOUT" && find . -type f ! -name '*.d' -newer "$PAGE" | sed 's|^\./||' | LC_ALL=C sort | paste -sd'|' -)
want="course.epub|course.pdf|módulo uno-worksheets.pdf|módulo uno/2024-01-02-el papel del mentor.docx|módulo uno/2024-01-02-el papel del mentor.epub|módulo uno/2024-01-02-el papel del mentor.pdf"
want=$(printf '%s\n' "$want" | tr '|' '\n' | LC_ALL=C sort | paste -sd'|' -)
why=""
[ $rc -eq 0 ] || why="exit $rc: $(tail -n 5 "$T/mk3.out")"
[ "$remade" = "$want" ] || why+="remade: $remade"$'\n'"expected: $want"
t "Makefile.course: touching a page remakes only its outputs, the book and its module's pack" "$why"
mk clean >/dev/null 2>&1
t "Makefile.course: make clean removes the output folder" "$([ ! -e "$MOUT" ] || echo "$MOUT is still there")"

# ---- make dist and the CI recipes as written --------------------------------
if [ "$SANITIZED" = 1 ]; then
	echo "# ci: make dist and the CI recipes: release build only (they build their own mentorconv)"
elif ! git rev-parse --verify -q HEAD >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
	skip "ci: make dist and the CI recipes (not a git checkout)"
else
	# the working tree as a commit (untracked files too), so that the
	# tarball holds what is being tested
	idx=$T/git-index
	rev=$(export GIT_INDEX_FILE=$idx GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@localhost \
		GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@localhost; git add -A . 2>/dev/null &&
		tree=$(git write-tree) && git commit-tree -p HEAD -m "group_ci: the working tree" "$tree" 2>/dev/null)
	[ -n "$rev" ] || rev=HEAD
	ver=$(sed -n 's/^VERSION *:= *//p' Makefile)
	tgz=mentorconv-$ver.tar.gz
	mkdir -p "$T/d1" "$T/d2"
	make -s dist DIST="$T/d1/$tgz" DIST_REV="$rev" >"$T/dist.out" 2>&1
	rc1=$?
	sleep 1
	make -s dist DIST="$T/d2/$tgz" DIST_REV="$rev" >>"$T/dist.out" 2>&1
	rc2=$?
	why=""
	[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] || why="make dist failed: $(tail -n 5 "$T/dist.out")"
	[ -z "$why" ] && ! cmp -s "$T/d1/$tgz" "$T/d2/$tgz" && why="two runs differ"
	[ -z "$why" ] && { tops=$(tar -tzf "$T/d1/$tgz" | cut -d/ -f1 | sort -u); [ "$tops" = "mentorconv-$ver" ] || why="top folders: $tops"; }
	for f in Makefile scripts/deps.sh examples/ci/build-course.sh src/main.c styles/default.yaml; do
		[ -z "$why" ] && { tar -tzf "$T/d1/$tgz" | grep -qx "mentorconv-$ver/$f" || why="$f not in the tarball"; }
	done
	t "make dist: $tgz unpacks to mentorconv-$ver/, the same bytes every time" "$why"

	if [ "$HAVE_YAML" = 1 ] && [ -s "$T/d1/$tgz" ] && [ -d "$COURSE/modules" ]; then
		MCD="$T/ci tools" # where the jobs unpack and build (one build serves all)
		mkdir -p "$MCD"
		# run_job RECIPE JOB REPO NAME=VALUE...: run a job's commands in the
		# course repository REPO; output in $T/job.out
		run_job() {
			local y=$1 j=$2 repo=$3
			shift 3
			"$SYSPY" tests/ci_job.py "examples/ci/$y" "$j" "$@" >"$T/job.sh" || return 1
			(cd "$repo" && env -u MENTORCONV bash "$T/job.sh") >>"$T/job.out" 2>&1
		}
		for y in gitlab-ci.yml github-workflow.yml; do
			repo="$T/curso repo ${y%%-*}"
			cp -R "$COURSE" "$repo"
			mkdir -p "$repo/tools"
			cp "$T/d1/$tgz" "$repo/tools/"
			: >"$T/job.out"
			why=""
			for i in 1 2 3; do
				if [ "$y" = gitlab-ci.yml ]; then
					run_job "$y" handouts "$repo" CI_NODE_INDEX=$i CI_NODE_TOTAL=3 MC_DIR="$MCD"
				else
					run_job "$y" pages "$repo" matrix.shard=$i RUNNER_TEMP="$MCD"
				fi || why+="page job $i failed: $(grep -v warning "$T/job.out" | tail -n 6)"$'\n'
			done
			run_job "$y" course-book "$repo" MC_DIR="$MCD" RUNNER_TEMP="$MCD" ||
				why+="course-book job failed: $(grep -v warning "$T/job.out" | tail -n 6)"$'\n'
			[ -x "$MCD/mentorconv-$ver/mentorconv" ] || why+="mentorconv was not built from the tarball"$'\n'
			[ -z "$why" ] && why=$(expect_outputs "$repo" "$repo/public")
			for i in 1 2 3; do
				r="$repo/report-$i.json"
				[ -s "$r" ] && "$SYSPY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$r" 2>/dev/null ||
					why+="no valid report-$i.json"$'\n'
			done
			why+=$(qcheck "$repo/public/course.pdf")
			t "examples/ci/$y as written: $tgz built, 3 page jobs and the course-book job on the real course" "$why"
		done
	else
		skip "ci: the CI recipes as written (no PyYAML, tarball or $COURSE)"
	fi
fi
exit 0
