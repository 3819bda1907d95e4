#!/usr/bin/env bash
# group_batch.sh BINARY SHARED TMPDIR SANITIZED - modules and courses as
# one document, --worksheets, and batch conversion (-d, -t LIST, -j,
# --report, --depfile, --shard, safe output).  A small site made here
# covers the rules; the real course in SHARED (when present) the scale.
# Prints PASS/FAIL/SKIP lines (see tests/run.sh).
set -u
BIN=$1
SHARED=$2
T=$3
SAN=${4:-0}
. "$(dirname "$0")/lib_group.sh"
PY=${PYTHON:-python3}
TMO=${MC_TEST_TIMEOUT:-120}
C=$SHARED/corpus/connectedlib
export SOURCE_DATE_EPOCH=1700000000

# formats this build has
formats=$(formats_of "$BIN")
has() { printf '%s\n' "$formats" | grep -qx "$1"; }

# ---- a small course --------------------------------------------------
site=$T/site
mkdir -p "$site/_data" "$site/modules/alpha/_posts" "$site/modules/beta/_posts" \
	"$site/modules/extra/_posts" "$site/img"
printf 'title: Site\nbaseurl: /\npermalink: /:categories/:title/\n' >"$site/_config.yml"
printf 'title: Test Course\ndescription: A course for tests\nmodules: [beta, alpha, missing]\n' \
	>"$site/_data/course.yml"
cat >"$site/modules/alpha/_posts/2000-01-01-overview.md" <<'MD'
---
title: Alpha
permalink: /modules/alpha/
---
Alpha intro. See [the second page](../alpha/second/) and [beta](/modules/beta/).

# Shared heading
MD
cat >"$site/modules/alpha/_posts/2001-01-01-first.md" <<'MD'
---
title: First page
---
# Shared heading

Text with a note[^1] and a [jump](#shared-heading) and [next](../second/#deep).

<div class="callout activity" markdown="1">
## Try it

* What did you notice...
</div>

[^1]: First note.
MD
cat >"$site/modules/alpha/_posts/2001-02-01-second.md" <<'MD'
---
title: Second page
---
## Shared heading

### Deep

Another note[^1].

[^1]: Second note.
MD
cat >"$site/modules/beta/_posts/2000-01-01-overview.md" <<'MD'
---
title: Beta
permalink: /modules/beta/
---
Beta intro.
MD
cat >"$site/modules/beta/_posts/2001-01-01-only.md" <<'MD'
---
title: Only page
---
<div class="callout activity" markdown="1">
## Reflect

1. When I was a mentee...
2. What would you change?
</div>
MD
cat >"$site/modules/extra/_posts/2000-01-01-overview.md" <<'MD'
---
title: Extra
---
Extra module, not in course.yml.
MD

# json NAME ARGS... : convert to JSON into $T/NAME.json; sets rc
json() {
	local name=$1
	shift
	timeout "$TMO" "$BIN" "$@" -t json -o "$T/$name.json" 2>"$T/$name.err"
	rc=$?
}

json module "$site/modules/alpha"
why=$("$PY" - "$T/module.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m, body = d["meta"], d["body"]
secs = [n for n in body if n["type"] == "section"]
titles = [s["children"][0]["children"][0]["text"] for s in secs]
ids, links, labels, nums = [], [], [], []
def walk(n):
    if "id" in n: ids.append(n["id"])
    if n["type"] == "link": links.append(n["url"])
    if n["type"] == "footnote_def": labels.append(n["label"]); nums.append(n["number"])
    for c in n.get("children", []): walk(c)
for n in body: walk(n)
err = []
if m.get("kind") != "module": err.append("kind %r" % m.get("kind"))
if m["title"] != "Alpha": err.append("title %r" % m["title"])
if titles != ["Alpha", "First page", "Second page"]: err.append("sections %r" % titles)
if any(s["kind"] != "chapter" for s in secs): err.append("not chapters")
if any(s["children"][0]["level"] != 1 for s in secs): err.append("section titles not level 1")
lv = [c["level"] for s in secs for c in s["children"][1:] if c["type"] == "heading"]
if not lv or min(lv) != 2: err.append("content headings not demoted to 2: %r" % lv)
if len(ids) != len(set(ids)): err.append("ids not unique: %r" % ids)
if len(labels) != len(set(labels)) or sorted(nums) != [1, 2]: err.append("footnotes %r %r" % (labels, nums))
dangling = [l for l in links if l.startswith("#") and l[1:] not in ids]
if dangling: err.append("dangling %r" % dangling)
if "#second-page" not in links: err.append("../alpha/second/ not internal: %r" % links)
if "#deep" not in links: err.append("../second/#deep not internal: %r" % links)
if "/modules/beta/" not in links: err.append("link outside the module changed: %r" % links)
print("; ".join(err))
PY
)
[ $rc -ne 0 ] && why="exit $rc: $(head -n 3 "$T/module.err") $why"
if [ -z "$why" ]; then pass "batch: module folder -> one document, chapters in file order, demoted, unique ids, internal links"; else fail "batch: module folder -> one document" "$why"; fi

json posts "$site/modules/alpha/_posts"
same=$("$PY" -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
print(a["body"] == b["body"] and a["meta"]["title"] == b["meta"]["title"])' "$T/posts.json" "$T/module.json" 2>&1)
if [ $rc -eq 0 ] && [ "$same" = True ]; then pass "batch: a _posts folder is its module"
else fail "batch: a _posts folder is its module" "exit $rc"; fi

json course "$site"
why=$("$PY" - "$T/course.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m, body = d["meta"], d["body"]
parts = [n for n in body if n["type"] == "section"]
t = lambda s: s["children"][0]["children"][0]["text"]
err = []
if m.get("kind") != "course": err.append("kind %r" % m.get("kind"))
if m["title"] != "Test Course" or m.get("description") != "A course for tests": err.append("title/description %r" % m)
if [t(p) for p in parts] != ["Beta", "Alpha"]: err.append("parts %r (course.yml order, missing left out)" % [t(p) for p in parts])
if any(p["kind"] != "part" or p["children"][0]["level"] != 1 for p in parts): err.append("parts not level-1 parts")
ch = [[t(c) for c in p["children"] if c["type"] == "section"] for p in parts]
if ch != [["Only page"], ["First page", "Second page"]]: err.append("chapters %r" % ch)
ids, links = [], []
def walk(n):
    if "id" in n: ids.append(n["id"])
    if n["type"] == "link": links.append(n["url"])
    for c in n.get("children", []): walk(c)
for n in body: walk(n)
if "#beta" not in links: err.append("/modules/beta/ not internal: %r" % links)
if len(ids) != len(set(ids)): err.append("ids not unique")
print("; ".join(err))
PY
)
[ $rc -ne 0 ] && why="exit $rc: $(head -n 3 "$T/course.err") $why"
grep -q "missing" "$T/course.err" || why="$why; no warning for the missing module"
if [ -z "$why" ]; then pass "batch: site root -> course in course.yml order, parts and chapters"; else fail "batch: site root -> course" "$why"; fi

json all --all-modules "$site"
n=$("$PY" -c 'import json,sys; print(sum(1 for n in json.load(open(sys.argv[1]))["body"] if n["type"]=="section"))' "$T/all.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$n" = 3 ]; then pass "batch: --all-modules adds the unlisted module"
else fail "batch: --all-modules adds the unlisted module" "exit $rc, $n parts"; fi

json ws --worksheets "$site"
why=$("$PY" - "$T/ws.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
secs = [n for n in d["body"] if n["type"] == "section"]
err = []
if d["meta"].get("kind") != "worksheets": err.append("kind")
if len(secs) != 2: err.append("%d worksheets, want 2" % len(secs))
for s in secs:
    k = [c["type"] for c in s["children"]]
    if s["kind"] != "worksheet" or k != ["heading", "paragraph", "callout"]: err.append("shape %r" % k)
    blanks = [c for c in s["children"][1]["children"] if c["type"] == "blank"]
    if len(blanks) != 2: err.append("no Name/Date blanks")
ans = []
def walk(n):
    if n["type"] == "answer": ans.append(n["number"])
    for c in n.get("children", []): walk(c)
for n in d["body"]: walk(n)
if len(ans) != 3 or len(set(ans)) != 3: err.append("answers %r" % ans)
print("; ".join(err))
PY
)
[ $rc -ne 0 ] && why="exit $rc: $(head -n 3 "$T/ws.err") $why"
if [ -z "$why" ]; then pass "batch: --worksheets keeps the activities, one section each, Name/Date line, answers"; else fail "batch: --worksheets" "$why"; fi

mkdir -p "$T/plain"
json notmod "$T/plain"
if [ $rc -eq 1 ] && grep -q "error:" "$T/notmod.err" && [ ! -e "$T/notmod.json" ]; then pass "batch: a folder that is no module: error, exit 1"
else fail "batch: a folder that is no module: error, exit 1" "exit $rc"; fi

printf -- '---\ntitle: [broken\n---\n' >"$site/modules/beta/_posts/2002-01-01-bad.md"
json badmod "$site/modules/beta"
if [ $rc -eq 1 ] && grep -qE '2002-01-01-bad.md:[0-9]+:[0-9]+: error:' "$T/badmod.err" && [ ! -e "$T/badmod.json" ]; then
	pass "batch: a bad section fails its module with file:line:col"
else fail "batch: a bad section fails its module with file:line:col" "exit $rc: $(head -n 3 "$T/badmod.err")"; fi

# ---- batch -----------------------------------------------------------
pages=$(ls "$site"/modules/*/_posts/*.md)
fl=json
has epub && fl=$fl,epub
has docx && fl=$fl,docx
# shellcheck disable=SC2086
timeout "$TMO" "$BIN" -q -d "$T/b1" -t "$fl" -j 2 --report "$T/r1.json" --depfile "$T/d1.mk" $pages 2>"$T/b1.err"
rc=$?
nout=$(find "$T/b1" -type f | wc -l)
npages=$(printf '%s\n' $pages | wc -l)
nfmt=$(printf '%s\n' "$fl" | awk -F, '{print NF}')
why=""
[ $rc -ne 1 ] && why="exit $rc with one bad input (want 1)"
[ "$nout" -ne $(((npages - 1) * nfmt)) ] && why="$why; $nout outputs for $((npages - 1)) good inputs x $nfmt formats"
[ -e "$T/b1/alpha/2001-01-01-first.json" ] || why="$why; no mirrored alpha/2001-01-01-first.json"
grep -q "2002-01-01-bad.md" "$T/b1.err" || why="$why; the bad input is not reported"
if [ -z "$why" ]; then pass "batch: -d -t LIST -j 2 writes a mirrored tree; one bad input fails alone, exit 1"; else fail "batch: -d -t LIST -j 2" "$why"; fi

why=$("$PY" - "$T/r1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
err = []
ok = [o for i in r["inputs"] for o in i["outputs"] if o["status"] == "ok"]
bad = [i for i in r["inputs"] if any(o["status"] != "ok" for o in i["outputs"])]
if len(bad) != 1 or "bad.md" not in bad[0]["input"] or not bad[0]["error"]: err.append("failed inputs %r" % bad)
for o in ok:
    for k in ("format", "output", "warnings", "bytes", "ms"):
        if k not in o: err.append("no %s" % k)
    if o["bytes"] <= 0: err.append("bytes %r" % o["bytes"])
if r.get("failed") is not True: err.append("failed flag")
print("; ".join(err[:5]))
PY
)
if [ -z "$why" ]; then pass "batch: --report is JSON with status, warnings, output, bytes, ms per input and format"; else fail "batch: --report" "$why"; fi
rm -f "$site/modules/beta/_posts/2002-01-01-bad.md"
pages=$(ls "$site"/modules/*/_posts/*.md)
npages=$(printf '%s\n' $pages | wc -l)

# shellcheck disable=SC2086
"$BIN" -q -d "$T/b2" -t "$fl" -j 1 $pages 2>/dev/null
# shellcheck disable=SC2086
"$BIN" -q -d "$T/b3" -t "$fl" -j 3 $pages 2>/dev/null
d12=$(cd "$T/b1" && find . -type f | sort | while read -r f; do cmp -s "$f" "$T/b2/$f" || echo "$f"; done)
d13=$(cd "$T/b2" && find . -type f | sort | while read -r f; do cmp -s "$f" "$T/b3/$f" || echo "$f"; done)
if [ -z "$d12$d13" ] && [ -n "$(ls "$T/b2")" ]; then pass "batch: -j 1, -j 2 and -j 3 give byte-identical files"
else fail "batch: -j 1, -j 2 and -j 3 give byte-identical files" "$d12 $d13"; fi

# the progress bar: on a terminal only, never with -q (stderr a file:
# only the summary line, see tests/group_tty.sh)
why=""
# shellcheck disable=SC2086
"$BIN" -d "$T/pb1" -t json $pages >/dev/null 2>"$T/pb1.err"
grep -v '^mentorconv: [0-9]* outputs written' "$T/pb1.err" | grep -q . || grep -q "$(printf '[\r\033]')" "$T/pb1.err" &&
	why="stderr is not a terminal, yet: $(head -c 200 "$T/pb1.err" | od -c | head -n 3)"
if command -v script >/dev/null; then
	script -qec "\"$BIN\" -d \"$T/pb2\" -t json $(printf '%s ' $pages)" /dev/null >"$T/pb2.out" 2>&1 </dev/null
	grep -q "\[#*\.*\] [0-9]*/$npages" "$T/pb2.out" || why="$why; no progress bar on a terminal: $(head -c 200 "$T/pb2.out" | od -c | head -n 3)"
	script -qec "\"$BIN\" -q -d \"$T/pb3\" -t json $(printf '%s ' $pages)" /dev/null >"$T/pb3.out" 2>&1 </dev/null
	grep -q "/$npages" "$T/pb3.out" && why="$why; a progress bar with -q"
fi
if [ -z "$why" ]; then pass "batch: a progress bar on a terminal only, silent with -q"; else fail "batch: progress bar" "$why"; fi

# --shard: the shares are disjoint and together all the inputs
why=""
all=""
for i in 1 2 3; do
	# shellcheck disable=SC2086
	"$BIN" -q -d "$T/s$i" -t json --shard $i/3 $pages 2>/dev/null || why="shard $i/3 failed"
	all="$all $(cd "$T/s$i" 2>/dev/null && find . -type f)"
done
total=$(printf '%s\n' $all | grep -c .)
uniq=$(printf '%s\n' $all | sort -u | grep -c .)
[ "$total" -ne "$npages" ] || [ "$uniq" -ne "$npages" ] && why="$why; $total outputs ($uniq distinct) for $npages inputs"
"$BIN" -q -d "$T/sx" -t json --shard 4/3 $pages 2>/dev/null
[ $? -ne 2 ] && why="$why; --shard 4/3 not refused"
if [ -z "$why" ]; then pass "batch: --shard I/N splits the inputs into disjoint shares covering all"; else fail "batch: --shard" "$why"; fi

# --depfile: make rebuilds only what changed
if command -v make >/dev/null; then
	mk=$T/mk
	mkdir -p "$mk"
	cp -r "$site" "$mk/site"
	cat >"$mk/Makefile" <<MK
OUT := out/alpha/2001-01-01-first.json out/alpha/2001-02-01-second.json
all: \$(OUT)
out/alpha/%.json: site/modules/alpha/_posts/%.md
	@mkdir -p \$(@D)
	"$BIN" -q \$< -o \$@ --depfile \$@.d
-include \$(OUT:=.d)
MK
	why=""
	(cd "$mk" && make -s >/dev/null 2>&1) || why="first make failed"
	sleep 1
	touch "$mk/site/_config.yml"
	n1=$(cd "$mk" && make --no-print-directory -n 2>/dev/null | grep -c mentorconv)
	(cd "$mk" && make -s >/dev/null 2>&1)
	sleep 1 # a newer mtime than the outputs just made, on any file system
	touch "$mk/site/modules/alpha/_posts/2001-02-01-second.md"
	n2=$(cd "$mk" && make --no-print-directory -n 2>/dev/null | grep -c mentorconv)
	[ "$n1" != 2 ] && why="$why; touching _config.yml rebuilds $n1 outputs, not 2"
	[ "$n2" != 1 ] && why="$why; touching one page rebuilds $n2 outputs, not 1"
	grep -q '_config.yml' "$mk/out/alpha/2001-01-01-first.json.d" || why="$why; the depfile lacks _config.yml"
	if [ -z "$why" ]; then pass "batch: --depfile lets make rebuild only what changed"; else fail "batch: --depfile" "$why"; fi
else
	skip "batch: --depfile (no make)"
fi

# the example Makefile (examples/Makefile.course) on the small site
if command -v make >/dev/null; then
	why=""
	ex=$T/ex
	mf=$(cd "$(dirname "$0")/.." && pwd)/examples/Makefile.course
	make -s -f "$mf" -C "$T" SITE="$site" OUT="$ex" MENTORCONV="$BIN" FORMATS=json >"$T/ex.out" 2>&1 ||
		why="make failed: $(tail -n 3 "$T/ex.out")"
	n0=$(find "$ex" -name '*.json' | wc -l)
	[ "$n0" -ne "$npages" ] && why="$why; $n0 page outputs for $npages pages"
	[ -f "$ex/course.epub" ] || ! has epub || why="$why; no course.epub"
	n1=$(make -n -f "$mf" -C "$T" SITE="$site" OUT="$ex" MENTORCONV="$BIN" FORMATS=json 2>/dev/null | grep -c "$BIN")
	sleep 1
	touch "$site/modules/beta/_posts/2001-01-01-only.md"
	n2=$(make -n -f "$mf" -C "$T" SITE="$site" OUT="$ex" MENTORCONV="$BIN" FORMATS=json 2>/dev/null | grep -c "$BIN")
	[ "$n1" != 0 ] && why="$why; $n1 commands on an up-to-date tree"
	# the page itself, the course book and beta's worksheet pack
	[ "$n2" != 3 ] && why="$why; touching one page reruns $n2 commands, not 3"
	if [ -z "$why" ]; then pass "batch: examples/Makefile.course converts a course and then only what changed"; else fail "batch: examples/Makefile.course" "$why"; fi
fi

# safe output
why=""
"$BIN" -q -d "$T/clash" -t json "$site/modules/alpha/_posts/2001-01-01-first.md" "$T/site/modules/alpha/_posts/../_posts/2001-01-01-first.md" 2>"$T/clash.err"
[ $? -ne 2 ] && why="two inputs onto one output not refused"
mkdir -p "$T/ro"
chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
	"$BIN" -q -d "$T/ro/out" -t json $pages 2>"$T/ro.err"
	rc=$?
	[ $rc -ne 1 ] && why="$why; read-only output folder: exit $rc"
	grep -q "mentorconv:.*ro" "$T/ro.err" || why="$why; no clear message for the read-only folder"
fi
printf 'x' >"$T/afile"
"$BIN" -q -d "$T/afile/sub" -t json "$site/modules/alpha/_posts/2001-01-01-first.md" 2>"$T/af.err"
rc=$?
[ $rc -ne 1 ] && why="$why; output folder under a file: exit $rc"
grep -q "mentorconv: cannot" "$T/af.err" || why="$why; no clear message for a file in the way"
left=$(find "$T" -name '.*.XXXXXX' -o -name '.*.json.*' 2>/dev/null | head -n 3)
[ -n "$left" ] && why="$why; temporary files left: $left"
if [ -z "$why" ]; then pass "batch: clashing outputs refused, unusable output folders a clear error, no temporary files left"; else fail "batch: safe output" "$why"; fi

# ---- the real course -------------------------------------------------
if [ ! -d "$C" ]; then
	skip "batch: real course (no $C)"
	exit 0
fi
json realmod "$C/modules/mentoring"
n=$("$PY" -c 'import json,sys; print(sum(1 for n in json.load(open(sys.argv[1]))["body"] if n["type"]=="section"))' "$T/realmod.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$n" = 12 ]; then pass "batch: the mentoring module is one document of 12 sections"
else fail "batch: the mentoring module is one document of 12 sections" "exit $rc, $n sections"; fi

# every corpus page to every format: all written; -j 2 and -j 1 alike
fl=json
has pdf && fl=$fl,pdf
has epub && fl=$fl,epub
has docx && fl=$fl,docx
"$BIN" -q -d "$T/rc1" -t "$fl" -j 2 "$C"/modules/*/_posts/*.md 2>"$T/rc1.err"
rc1=$?
"$BIN" -q -d "$T/rc2" -t "$fl" -j 1 "$C"/modules/*/_posts/*.md 2>/dev/null
rc2=$?
n=$(ls "$C"/modules/*/_posts/*.md | wc -l)
nf=$(printf '%s\n' "$fl" | awk -F, '{print NF}')
got=$(find "$T/rc1" -type f | wc -l)
why=""
[ $rc1 -ne 0 ] || [ $rc2 -ne 0 ] && why="exit $rc1/$rc2: $(head -n 3 "$T/rc1.err")"
[ "$got" -ne $((n * nf)) ] && why="$why; $got files for $n pages x $nf formats"
d=$(diff -rq "$T/rc1" "$T/rc2" 2>&1 | head -n 5)
[ -n "$d" ] && why="$why; -j 2 and -j 1 differ: $d"
if [ -z "$why" ]; then pass "batch: every corpus page to $fl with -j 2 (files identical to -j 1)"; else fail "batch: every corpus page to $fl" "$why"; fi
rm -rf "$T/rc1" "$T/rc2"

json realcourse "$C"
why=$("$PY" - "$T/realcourse.json" "$C/_data/course.yml" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
order = re.search(r"modules:\s*\[(.*)\]", open(sys.argv[2]).read()).group(1)
order = [m.strip() for m in order.split(",")]
urls = [n["url"] for n in d["body"] if n["type"] == "section"]
want = ["/modules/%s/" % m for m in order]
print("" if urls == want else "parts %r, want %r" % (urls, want))
PY
)
[ $rc -ne 0 ] && why="exit $rc $why"
if [ -z "$why" ]; then pass "batch: the real course's parts are in course.yml order"; else fail "batch: the real course's parts are in course.yml order" "$why"; fi

if has epub && [ -f /usr/share/java/epubcheck.jar ] && command -v java >/dev/null; then
	"$BIN" -q "$C" -o "$T/course.epub" 2>/dev/null
	java -jar /usr/share/java/epubcheck.jar "$T/course.epub" >"$T/ec.out" 2>&1
	if grep -qE 'No errors or warnings detected' "$T/ec.out"; then pass "batch: the whole course as EPUB passes epubcheck (0 errors, 0 warnings)"
	else fail "batch: the whole course as EPUB passes epubcheck" "$(grep -E 'ERROR|WARNING|FATAL' "$T/ec.out" | head -n 8)"; fi
else
	skip "batch: course EPUB epubcheck (no epub or epubcheck)"
fi

if has pdf && command -v qpdf >/dev/null && command -v pdfinfo >/dev/null; then
	# the mentoring module's worksheet pack: one page per worksheet, with
	# every prompt's answer field
	"$BIN" -q --worksheets "$C/modules/mentoring" -o "$T/ws.pdf" 2>/dev/null
	"$BIN" -q --worksheets "$C/modules/mentoring" -t json -o "$T/ws.json" 2>/dev/null
	why=$("$PY" - "$T/ws.json" "$T/ws.pdf" <<'PY'
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
nws = sum(1 for n in d["body"] if n["type"] == "section")
nans = 0
def walk(n):
    global nans
    if n["type"] == "answer": nans += 1
    for c in n.get("children", []): walk(c)
for n in d["body"]: walk(n)
info = subprocess.run(["pdfinfo", sys.argv[2]], capture_output=True, text=True).stdout
pages = int([l.split()[1] for l in info.splitlines() if l.startswith("Pages:")][0])
j = json.loads(subprocess.run(["qpdf", "--json", "--json-key=acroform", sys.argv[2]],
                              capture_output=True, text=True).stdout)
# the answers' fields (a worksheet's Name and Date are fields too)
af = [f for f in j["acroform"]["fields"] if f.get("partialname", "").startswith("answer-")]
nf = len(af)
pg = sorted({f["pageposfrom1"] for f in af})
err = []
if pages != nws: err.append("%d pages for %d worksheets" % (pages, nws))
if nf != nans: err.append("%d fields for %d answers" % (nf, nans))
print("; ".join(err))
PY
)
	if [ -z "$why" ]; then pass "batch: --worksheets on the mentoring module: one page per worksheet, every answer a field"; else fail "batch: --worksheets on the mentoring module" "$why"; fi

	"$BIN" -q "$C" -o "$T/course.pdf" 2>/dev/null
	why=""
	qpdf --check "$T/course.pdf" >"$T/qc.out" 2>&1 || why="qpdf --check: $(tail -n 3 "$T/qc.out")"
	why="$why$(qpdf --json --json-key=outlines "$T/course.pdf" 2>/dev/null | "$PY" -c '
import json, sys
o = json.load(sys.stdin)["outlines"]
if len(o) == 1:
    o = o[0]["kids"]  # the document title holding the modules
tops = [x["title"] for x in o]
kids = [len(x["kids"]) for x in o]
err = []
if len(tops) != 6: err.append("%d top outline entries, want 6 modules: %r" % (len(tops), tops))
if min(kids or [0]) < 1: err.append("a module without sections in the outline")
print("; ".join(err))
')"
	if [ -z "$why" ]; then pass "batch: the whole course as PDF passes qpdf --check; outline modules -> sections"; else fail "batch: the whole course as PDF" "$why"; fi
else
	skip "batch: course PDF (no pdf or qpdf)"
fi
exit 0
