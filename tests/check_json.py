#!/usr/bin/env python3
"""check_json.py - checks on the JSON dump of mentorconv (`-t json`).

usage: check_json.py FILE.json          markup-leak check only
       check_json.py --seed FILE.json   leak check + acceptance checks for
                                        ../shared/seed/what-is-mentoring.md
       check_json.py --demo FILE.json   leak check + acceptance checks for
                                        examples/demo-site (the `make demo`
                                        page)

The dump is {"meta": {...}, "body": [node, ...]}; a node is an object with
"type", "line", its own fields and, if it holds any, "children".

Leak check: no text node (and no title/alt/label field of a node, nor the
meta title) outside code may still hold source markup that the converter
should have consumed (kramdown IALs, raw HTML, Liquid, entities), and no
string of any node outside code may hold a raw <iframe or <script.  Prints
one line per problem and exits 1 if there is any.

With --seed/--demo, prints one `PASS: check` or `FAIL: check: why` line per
acceptance check (the leak check is one of them), like the unit tests, and
exits 1 if any failed.
"""

import json
import sys

LEAKS = ["{:", "markdown=", "<div", "</", "{{", "target=", "&nbsp;"]
RAW_HTML = ["<iframe", "<script"]
CODE_TYPES = {"code", "code_block"}
NAMED_FIELDS = ["title", "alt", "label"]


def children(node):
    kids = node.get("children", [])
    return kids if isinstance(kids, list) else []


def walk(nodes, skip_code=False):
    """Every node under `nodes` (a list), depth first, document order."""
    stack = list(reversed(nodes))
    while stack:
        n = stack.pop()
        if not isinstance(n, dict):
            continue
        if skip_code and n.get("type") in CODE_TYPES:
            continue
        yield n
        stack.extend(reversed(children(n)))


def plain(node):
    """The text of a subtree, markup removed (breaks as spaces)."""
    out = []
    for n in walk([node]):
        t = n.get("type")
        if t in ("text", "code"):
            out.append(n.get("text") or "")
        elif t in ("softbreak", "linebreak"):
            out.append(" ")
    return "".join(out)


def leak_problems(doc):
    problems = []

    def look(where, s, bad):
        if not isinstance(s, str):
            return
        for b in bad:
            if b in s:
                problems.append("%s holds %r: %r" % (where, b, s[:120]))

    meta = doc.get("meta") or {}
    look("meta.title", meta.get("title"), LEAKS + RAW_HTML)
    for n in walk(doc.get("body", []), skip_code=True):
        where = "%s (line %s)" % (n.get("type"), n.get("line"))
        if n.get("type") == "text":
            look(where + " text", n.get("text"), LEAKS)
        for f in NAMED_FIELDS:
            look(where + " " + f, n.get(f), LEAKS)
        for k, v in n.items():
            look(where + " " + k, v, RAW_HTML)
    return problems


def of_type(nodes, t):
    return [n for n in walk(nodes) if n.get("type") == t]


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, name, why):
        """`why` is None (pass) or the reason for failing."""
        if why is None:
            print("PASS: %s" % name)
        else:
            print("FAIL: %s: %s" % (name, why))
            self.failed += 1


def check_common(c, doc, title, tag):
    meta = doc.get("meta") or {}
    probs = leak_problems(doc)
    c.check("no markup leaked into text",
            None if not probs else "; ".join(probs[:5]))
    c.check("meta title is %r" % title,
            None if meta.get("title") == title
            else "got %r" % meta.get("title"))
    tags = meta.get("tags") or []
    c.check("tags contain %r" % tag,
            None if tag in tags else "got %r" % tags)


def check_quote(c, body, who, want_link):
    """A blockquote whose attribution names `who` (inside a link if
    want_link)."""
    found = []
    for q in of_type(body, "blockquote"):
        kids = children(q)
        if not kids or kids[-1].get("type") != "attribution":
            continue  # the attribution is always the quote's last child
        a = kids[-1]
        if want_link:
            found += [l for l in of_type([a], "link") if who in plain(l)]
        elif who in plain(a):
            found.append(a)
    c.check("blockquote attributed to %r%s" % (who, " (a link)" if want_link
                                                else ""),
            None if found else "no blockquote ends with such an attribution")


def check_video(c, body, video_id, duration):
    ok = []
    for co in of_type(body, "callout"):
        if co.get("kind") != "videos":
            continue
        for e in of_type(children(co), "embed"):
            if e.get("video_id") == video_id and e.get("duration") == duration:
                ok.append(e)
    c.check("videos callout with embed %s (%s)" % (video_id, duration),
            None if ok else "no callout of kind videos holds that embed")


def check_worksheet(c, body, title, nprompts, want_link):
    """An activity callout titled `title` holding exactly `nprompts`
    worksheet prompts, each an item whose children end with an answer."""
    name = "activity callout %r with %d prompts" % (title, nprompts)
    cands = []
    for co in of_type(body, "callout"):
        kids = children(co)
        if (co.get("kind") == "activity" and kids
                and kids[0].get("type") == "callout_title"
                and plain(kids[0]).strip() == title):
            cands.append(co)
    if not cands:
        c.check(name, "no activity callout has that callout_title")
        return
    co = cands[0]
    why = None
    if want_link and not of_type([children(co)[0]], "link"):
        why = "its title holds no link"
    prompts = [i for i in of_type(children(co), "item") if i.get("prompt")]
    if why is None and len(prompts) != nprompts:
        why = "%d items with prompt=true" % len(prompts)
    for i in prompts:
        kids = children(i)
        if why is None and not (kids and kids[-1].get("type") == "answer"
                                and kids[0].get("type") == "paragraph"):
            why = "prompt item at line %s is not paragraph + answer: %r" % (
                i.get("line"), [k.get("type") for k in kids])
    c.check(name, why)


def check_seed(doc):
    c = Checks()
    body = doc.get("body", [])
    check_common(c, doc, "What is Mentoring?", "sectionHead")
    check_quote(c, body, "Oregon Youth Challenge Program Mentor Training",
                want_link=True)
    check_video(c, body, "1t0_D7UcfgU", "2:54")
    check_worksheet(c, body, "Worksheet #2: Your Experiences", 7,
                    want_link=True)
    return c.failed


def check_demo(doc):
    c = Checks()
    body = doc.get("body", [])
    check_common(c, doc, "Welcome to the Demo Course", "sectionHead")
    check_quote(c, body, "Alex Example", want_link=False)
    check_video(c, body, "demoVideo01", "1:23")
    check_worksheet(c, body, "Worksheet #1: Your Goals", 3, want_link=False)
    tables = of_type(body, "table")
    rows = of_type(tables[:1], "table_row")
    c.check("a table of 3 columns and 4 rows",
            None if tables and tables[0].get("ncols") == 3 and len(rows) == 4
            else "got %d tables, first with %r columns and %d rows"
            % (len(tables), tables[0].get("ncols") if tables else None,
               len(rows)))
    return c.failed


def main(argv):
    mode = None
    if len(argv) == 3 and argv[1] in ("--seed", "--demo"):
        mode, path = argv[1], argv[2]
    elif len(argv) == 2 and not argv[1].startswith("--"):
        path = argv[1]
    else:
        sys.stderr.write(__doc__)
        return 2
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print("FAIL: %s is not valid JSON: %s" % (path, e))
        return 1
    if not isinstance(doc, dict) or not isinstance(doc.get("body"), list):
        print("FAIL: %s: expected an object with a \"body\" list" % path)
        return 1
    if mode == "--seed":
        return 1 if check_seed(doc) else 0
    if mode == "--demo":
        return 1 if check_demo(doc) else 0
    probs = leak_problems(doc)
    for p in probs:
        print(p)
    return 1 if probs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
