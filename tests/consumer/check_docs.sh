#!/usr/bin/env bash
# The docs quote the example programs whole; this keeps each quote equal to
# its file. A quote is a line `<!-- quote: PATH -->` followed by a fenced
# code block; PATH is relative to the source tree.
# usage: check_docs.sh SOURCE_DIR
set -euo pipefail
src=$1
exec python3 - "$src" <<'PY'
import pathlib, re, sys

src = pathlib.Path(sys.argv[1])
quote = re.compile(r"<!-- quote: (\S+) -->\n```\w*\n(.*?)```", re.S)
checked = failed = 0
for doc in sorted((src / "docs").glob("*.md")):
    for m in quote.finditer(doc.read_text()):
        checked += 1
        path = src / m.group(1)
        if not path.is_file():
            print(f"FAIL {doc.name}: quotes {m.group(1)}, which does not exist")
            failed += 1
        elif path.read_text() != m.group(2):
            print(f"FAIL {doc.name}: the quote of {m.group(1)} differs from the file")
            failed += 1
        else:
            print(f"ok   {doc.name}: {m.group(1)}")
if not checked:
    print("FAIL: no quotes found in docs/*.md")
sys.exit(1 if failed or not checked else 0)
PY
