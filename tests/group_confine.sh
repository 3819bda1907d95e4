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
	{ cat "$o"; unzip -p "$o" 2>/dev/null; pdftotext "$o" - 2>/dev/null; } >"$T/all.$fmt"
	if grep -aq 'SECRET-OUTSIDE-ROOT\|root:x:0:0' "$T/all.$fmt"; then
		echo "FAIL confine: $fmt output holds a file from outside the root"
	else
		echo "PASS confine: $fmt output holds nothing from outside the root"
	fi
done
