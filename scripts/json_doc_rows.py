#!/usr/bin/env python3
"""Draft rows of docs/json.md for a JSON snapshot: every key path of the document, with the
Doxygen comment of the struct member of that name where one is found in include/attune/.
Usage: python3 scripts/json_doc_rows.py tests/golden/json/reliability.json > /tmp/rows.md
The rows are a draft for a person to review, not the documentation itself."""
import glob, json, re, sys

comments = {}
for h in glob.glob('include/attune/**/*.hpp', recursive=True):
    pending = []
    for line in open(h):
        s = line.strip()
        m = re.match(r'^(?:[\w:<>,\s\*&]+?)\s+(\w+)(?:\s*=[^;]*|\{[^;]*\})?;\s*///<\s*(.*)$', s)
        if m:
            comments.setdefault(m.group(1), m.group(2).strip())
            pending = []
            continue
        if s.startswith('///'):
            pending.append(s[3:].strip())
            continue
        m = re.match(r'^(?:[\w:<>,\s\*&]+?)\s+(\w+)(?:\s*=[^;]*|\{[^;]*\})?;', s)
        if m and pending:
            comments.setdefault(m.group(1), ' '.join(pending))
        pending = []

def paths(j, prefix, out):
    if isinstance(j, dict):
        for k, v in j.items():
            p = k if not prefix else prefix + '.' + k
            if p not in out:
                out.append(p)
            paths(v, p, out)
    elif isinstance(j, list):
        for e in j:
            paths(e, prefix + '[]', out)

doc = json.load(open(sys.argv[1]))
out = []
paths(doc, '', out)
for p in out:
    last = re.sub(r'\[\]', '', p.split('.')[-1])
    desc = comments.get(last, 'TODO').replace('|', '\\|')
    print(f'| `{p}` | {desc} |')
