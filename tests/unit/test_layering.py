#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The library's files depend on each other one way only.

usage: test_layering.py SOURCE_ROOT [LIBVOSFP_INTERNAL_A]

- No #include "..." circle among libvosfp/'s files: no file includes a
  file that (through any chain) includes it.
- The policy engine is one subsystem: its files live in libvosfp/policy/,
  and a file outside that folder includes none of them but policy.h.
- With the internal archive given: no circle of calls between the
  library's source files either (file A uses a symbol B defines, and B,
  through any chain, one that A defines), read from nm.
"""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def cycles(graph):
    """The circles of graph (node -> set of nodes), one path per circle."""
    found, state = [], {}

    def walk(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt):] + [nxt])
            elif not state.get(nxt):
                walk(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            walk(node, [node])
    return found


def include_graph(lib):
    graph = {}
    for top, _, names in os.walk(lib):
        for name in names:
            if not name.endswith(('.c', '.h')):
                continue
            path = os.path.join(top, name)
            rel = os.path.relpath(path, lib)
            graph[rel] = set()
            with open(path, encoding='utf-8') as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                # The compiler's order: the including file's folder, then
                # libvosfp/ (the -I that reaches the rest).
                for base in (os.path.dirname(path), lib):
                    cand = os.path.normpath(os.path.join(base, inc))
                    if os.path.isfile(cand):
                        if cand.startswith(lib + os.sep):
                            graph[rel].add(os.path.relpath(cand, lib))
                        break
    return graph


def call_graph(archive):
    out = subprocess.run(['nm', '-A', archive], check=True, capture_output=True,
                         text=True).stdout
    defs, uses = {}, {}
    for line in out.splitlines():
        # "archive:member.c.o: [address] TYPE symbol"
        head, _, rest = line.rpartition(':')
        member = os.path.basename(head.rsplit(':', 1)[-1]).removesuffix('.c.o')
        fields = rest.split()
        if len(fields) < 2:
            continue
        kind, sym = fields[-2], fields[-1]
        uses.setdefault(member, set())
        if kind == 'U':
            uses[member].add(sym)
        elif kind in 'TDBR':
            defs[sym] = member
    return {m: {defs[s] for s in u if s in defs and defs[s] != m} for m, u in uses.items()}


def main():
    root = os.path.abspath(sys.argv[1])
    lib = os.path.join(root, 'libvosfp')
    bad = []

    graph = include_graph(lib)
    for c in cycles(graph):
        bad.append('#include circle: ' + ' -> '.join(c))
    for f in sorted(graph):
        if re.match(r'policy[^/]*\.[ch]$', f):
            bad.append(f'{f}: a policy file outside libvosfp/policy/')
        if f.startswith('policy/'):
            continue
        for inc in sorted(graph[f]):
            if (inc.startswith('policy/') or inc.startswith('policy')) and \
                    inc != 'policy/policy.h':
                bad.append(f'{f} includes {inc}: outside policy/, only policy/policy.h')

    if len(sys.argv) > 2:
        for c in cycles(call_graph(sys.argv[2])):
            bad.append('call circle: ' + ' -> '.join(c))

    for b in bad:
        print('FAIL:', b)
    if bad:
        return 1
    print(f'ok: {len(graph)} files, no circle; the policy engine behind policy/policy.h')
    return 0


if __name__ == '__main__':
    sys.exit(main())
