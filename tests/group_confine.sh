#!/usr/bin/env bash
# group_confine.sh BINARY SHARED TMPDIR SANITIZED - confinement: nothing
# outside the site root is read, through paths or symlinks, in any format
# this build has.  Prints PASS/FAIL/SKIP lines (see tests/run.sh).
set -u
BIN=$1
T=$3
. "$(dirname "$0")/lib_group.sh"
site=$T/site
mkdir -p "$site/modules/m/_posts" "$site/img" "$T/outside"
printf 'title: Confined\nbaseurl: /\n' >"$site/_config.yml"
printf 'SECRET-OUTSIDE-ROOT\n' >"$T/outside/secret.png"
ln -s "$T/outside/secret.png" "$site/img/link.png"
ln -s /etc/passwd "$site/img/passwd.png"
page=$site/modules/m/_posts/2000-01-01-page.md
cat >"$page" <<'MD'
---
title: Paths
---
![up](../../../../outside/secret.png)

![abs](/etc/passwd)

![dots](../../../../../../../../etc/passwd)

![link]({{ site.baseurl }}/img/link.png)

![plink](/img/passwd.png)

<img src="../../../../outside/secret.png" alt="raw">
MD

# dump FILE: its bytes, every zip entry's bytes uncompressed, and the
# text of a PDF (so a secret cannot hide in compressed data)
dump() {
	cat "$1"
	python3 -c 'import sys, zipfile
try:
    z = zipfile.ZipFile(sys.argv[1])
except Exception:
    sys.exit(0)
for n in z.namelist():
    sys.stdout.buffer.write(z.read(n))' "$1"
	pdftotext "$1" - 2>/dev/null
	# a PDF's objects packed into object streams, uncompressed
	case $(head -c 5 "$1") in
	%PDF-) qpdf --qdf --object-streams=disable "$1" - 2>/dev/null ;;
	esac
}

# formats this build has (json always; others once their backend lands)
formats=$(formats_of "$BIN")

out=$T/out.json
"$BIN" "$page" -t json -o "$out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ]; then echo "PASS confine: page with escaping paths converts"; else echo "FAIL confine: page with escaping paths converts (exit $rc)"; fi
n=$(python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = 0
def walk(n):
    global bad
    if n.get("type") in ("image", "figure") and n.get("path") is not None:
        bad += 1
    for c in n.get("children", []):
        walk(c)
for n in d["body"]:
    walk(n)
print(bad)
PY
)
if [ "$n" = 0 ]; then echo "PASS confine: no image outside the root has a path"; else echo "FAIL confine: $n images outside the root were resolved"; fi
w=$(grep -c 'outside the site root\|not found' "$T/err")
if [ "$w" -ge 6 ]; then echo "PASS confine: each escaping image is warned about ($w)"; else echo "FAIL confine: expected 6 warnings, got $w"; sed 's/^/ /' "$T/err"; fi

for fmt in $formats; do
	o=$T/out.$fmt
	"$BIN" "$page" -t "$fmt" -o "$o" 2>/dev/null
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL confine: $fmt conversion (exit $rc)"
		continue
	fi
	# every byte of the output, and of every zip entry, uncompressed
	dump "$o" >"$T/all.$fmt"
	if grep -aq 'SECRET-OUTSIDE-ROOT\|root:x:0:0' "$T/all.$fmt"; then
		echo "FAIL confine: $fmt output holds a file from outside the root"
	else
		echo "PASS confine: $fmt output holds nothing from outside the root"
	fi
done

# ---- pages: every way a page can lead outside the root ----------------
# A site whose pages include a link to /etc/passwd, a link to a secret
# file outside, a link to /proc/self/environ (the environment holds a
# secret), a _posts folder that is a link to a folder outside, and a
# course.yml naming modules with "..".  Each must be refused with an
# error naming the link, in every format, with none of the secrets in
# any output, and no output named after a link's target.
csite=$T/csite
cout=$T/cout
mkdir -p "$csite/modules/ok/_posts" "$csite/modules/bad/_posts" \
	"$csite/modules/linked" "$csite/_data" "$T/away/_posts" "$T/away/evil/_posts"
printf 'title: Confined course\nbaseurl: /\n' >"$csite/_config.yml"
printf 'title: C\nmodules: [ok, bad, linked, "../../away", "..", "../away/evil"]\n' >"$csite/_data/course.yml"
printf -- '---\ntitle: Fine\n---\nA fine page.\n' >"$csite/modules/ok/_posts/2000-01-01-fine.md"
printf -- '---\ntitle: Away\n---\nSECRET-AWAY-PAGE\n' >"$T/away/_posts/2000-01-01-away.md"
cp "$T/away/_posts/2000-01-01-away.md" "$T/away/evil/_posts/"
printf -- '---\ntitle: Good\n---\nGood page.\n' >"$csite/modules/bad/_posts/2000-01-01-good.md"
ln -s /etc/passwd "$csite/modules/bad/_posts/2000-01-02-passwd.md"
ln -s "$T/away/_posts/2000-01-01-away.md" "$csite/modules/bad/_posts/2000-01-03-away.md"
ln -s /proc/self/environ "$csite/modules/bad/_posts/2000-01-04-environ.md"
ln -s "$T/away/_posts" "$csite/modules/linked/_posts"
export MC_TEST_SECRET=SECRET-IN-ENVIRONMENT
secrets='root:x:0:0\|SECRET-AWAY-PAGE\|SECRET-IN-ENVIRONMENT'

# leaks FILE...: the secrets found in the files (and in every zip entry
# and the text of every PDF), empty if none
leaks() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		dump "$f" | grep -ao "$secrets" | sort -u
	done
}

# refused NAME ERRFILE PATTERN RC: exit non-zero, an error line matching
# PATTERN, no sanitizer report
refused() {
	if [ "$4" -ne 0 ] && [ "$4" -ne 86 ] && grep -q "$3" "$2" &&
		! grep -q 'Sanitizer\|runtime error' "$2"; then
		pass "$1"
	else
		fail "$1 (exit $4)" "$(cat "$2")"
	fi
}

for fmt in $formats; do
	# a page given by name, as a shell glob gives it
	for p in passwd away environ; do
		f=$(ls "$csite/modules/bad/_posts/"*-$p.md)
		o=$T/page-$p.$fmt
		timeout 60 "$BIN" "$f" -t "$fmt" -o "$o" 2>"$T/err"
		rc=$?
		refused "confine: $fmt: a page linked to $p is refused" "$T/err" \
			"$(basename "$f"): error: is a symbolic link to .*outside the site root" $rc
		if [ -e "$o" ]; then fail "confine: $fmt: no output for the $p link"; else pass "confine: $fmt: no output for the $p link"; fi
	done
	# the module holding those links: one error each, no output
	o=$T/mod.$fmt
	timeout 60 "$BIN" "$csite/modules/bad" -t "$fmt" -o "$o" 2>"$T/err"
	rc=$?
	n=$(grep -c ': error: is a symbolic link to .*outside the site root' "$T/err")
	if [ $rc -ne 0 ] && [ "$n" -eq 3 ] && [ ! -e "$o" ]; then
		pass "confine: $fmt: a module with linked pages is refused (3 errors, no output)"
	else
		fail "confine: $fmt: a module with linked pages is refused (exit $rc, $n errors)" "$(cat "$T/err")"
	fi
	# a module whose _posts folder is a link outside
	o=$T/linked.$fmt
	timeout 60 "$BIN" "$csite/modules/linked" -t "$fmt" -o "$o" 2>"$T/err"
	rc=$?
	refused "confine: $fmt: a module whose _posts is a link outside is refused" "$T/err" \
		'error: leads through a symbolic link to .*outside the site root' $rc
	# the course, every module included
	o=$T/course.$fmt
	timeout 60 "$BIN" "$csite" --all-modules -t "$fmt" -o "$o" 2>"$T/err"
	rc=$?
	refused "confine: $fmt: a course with links outside is refused" "$T/err" \
		'error: .*outside the site root' $rc
	# -d over a glob of pages: the good ones are written, the links are
	# not, and no output is named after a link's target (OUTDIR/etc/...)
	rm -rf "$cout"
	timeout 60 "$BIN" -q -j 2 -d "$cout" -t "$fmt" "$csite"/modules/*/_posts/*.md 2>"$T/err"
	rc=$?
	got=$(cd "$cout" 2>/dev/null && find . -type f | LC_ALL=C sort | tr '\n' ' ')
	# (the linked folder's page is refused too)
	want="./bad/2000-01-01-good.$fmt ./ok/2000-01-01-fine.$fmt "
	if [ $rc -eq 1 ] && [ "$got" = "$want" ]; then
		pass "confine: $fmt: -d writes the good pages only, none named after a link's target"
	else
		fail "confine: $fmt: -d writes the good pages only (exit $rc)" "got: $got" "want: $want" "$(cat "$T/err")"
	fi
	l=$(leaks "$T"/page-*."$fmt" "$T/mod.$fmt" "$T/linked.$fmt" "$T/course.$fmt" $(find "$cout" -type f 2>/dev/null))
	if [ -z "$l" ]; then pass "confine: $fmt: no secret in any output"; else fail "confine: $fmt: secrets in the output" "$l"; fi
done

# the course.yml names with "..": left out with a warning naming them,
# and the listed good module still converts
timeout 60 "$BIN" "$csite" -t json -o "$T/c.json" 2>"$T/err"
rc=$?
n=$(grep -c "course.yml: warning: module '\(\.\./\.\./away\|\.\.\|\.\./away/evil\)'" "$T/err")
if [ "$n" -eq 3 ] && ! grep -q 'SECRET-AWAY-PAGE' "$T/c.json" 2>/dev/null; then
	pass "confine: course.yml module names with '..' are left out, each named"
else
	fail "confine: course.yml module names with '..' are left out (exit $rc, $n warnings)" "$(cat "$T/err")"
fi

# site files: a _config.yml or _data/course.yml linked outside is an error
for sf in _config.yml _data/course.yml; do
	s2=$T/s2
	rm -rf "$s2"
	cp -r "$csite" "$s2"
	rm -rf "$s2/modules/bad" "$s2/modules/linked"
	printf 'title: SECRET-AWAY-PAGE\n' >"$T/away/site.yml"
	rm -f "$s2/$sf"
	ln -s "$T/away/site.yml" "$s2/$sf"
	timeout 60 "$BIN" "$s2/modules/ok/_posts/2000-01-01-fine.md" -t json -o "$T/sf.json" 2>"$T/err"
	rc=$?
	refused "confine: a $sf linked outside the root is an error" "$T/err" \
		"$sf: error: is a symbolic link to .*outside the site root" $rc
	if [ -e "$T/sf.json" ] && grep -q SECRET "$T/sf.json"; then fail "confine: $sf's secret in the output"; else pass "confine: nothing of a $sf linked outside is used"; fi
done

# a page that is a named pipe, or a link to a device, inside the root: a
# clear error at once, never a hang
p2=$T/p2
rm -rf "$p2"
mkdir -p "$p2/modules/m/_posts"
printf 'title: P\n' >"$p2/_config.yml"
if mkfifo "$p2/modules/m/_posts/2000-01-01-pipe.md" 2>/dev/null; then
	timeout 20 "$BIN" "$p2/modules/m/_posts/2000-01-01-pipe.md" -t json -o "$T/pipe.json" 2>"$T/err"
	rc=$?
	refused "confine: a page that is a named pipe is refused without waiting" "$T/err" \
		'error: is not a regular file' $rc
	[ $rc -eq 124 ] && fail "confine: the named pipe hung the conversion"
else
	skip "confine: mkfifo not possible here"
fi

# links that stay inside the root keep working: a module folder linked
# to another module, and a page linked to another page
mkdir -p "$T/in/modules/a/_posts" "$T/in/modules/b"
printf 'title: In\n' >"$T/in/_config.yml"
printf -- '---\ntitle: Inside\n---\nINSIDE-TEXT\n' >"$T/in/modules/a/_posts/2000-01-01-a.md"
ln -s ../a/_posts "$T/in/modules/b/_posts"
ln -s 2000-01-01-a.md "$T/in/modules/a/_posts/2000-01-02-alias.md"
timeout 60 "$BIN" "$T/in/modules/b" -t json -o "$T/in.json" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c INSIDE-TEXT "$T/in.json")" -eq 2 ]; then
	pass "confine: links that stay inside the root are followed"
else
	fail "confine: links that stay inside the root are followed (exit $rc)" "$(cat "$T/err")"
fi
