#!/usr/bin/env python3
"""Prints which capability folder of app/src/server uses which (through `crate::server::…`
paths) and checks the layout's two rules; exits 1 when one is broken (make lint runs it):
- no circle between capabilities (strongly connected components of more than one folder);
- the shared plumbing (`infra/`) uses no capability.
`state.rs`, at the root, is where the plumbing and the capabilities' own state are composed for
every request: everything may read it. Run from the repository root: `python3 .ci/layout.py`."""
import collections
import glob
import os
import re
import sys

ROOT = 'app/src/server'
# The folders and files directly under the root: what a `crate::server::…` path can name.
KNOWN = {os.path.basename(p).removesuffix('.rs') for p in glob.glob(ROOT + '/*')}
deps = collections.defaultdict(set)
for path in glob.glob(ROOT + '/**/*.rs', recursive=True):
    parts = path[len(ROOT) + 1:].split('/')
    if len(parts) < 2:
        continue
    src = parts[0] if parts[0] != 'infra' else 'infra/' + parts[1].removesuffix('.rs')
    text = open(path, encoding='utf-8').read()
    targets = [m.group(1) + ('/' + m.group(2) if m.group(1) == 'infra' and m.group(2) else '')
               for m in re.finditer(r'crate::server::(\w+)(?:::(\w+))?', text)]
    for group in re.finditer(r'crate::server::\{([^}]*)\}', text):
        targets += [item.strip().split('::')[0] for item in group.group(1).split(',')]
    for t in targets:
        if t.split('/')[0] in KNOWN and t != src and t not in ('infra', 'state'):
            deps[src].add(t)
for src in sorted(deps):
    print(f"{src:22} -> {' '.join(sorted(deps[src]))}")

caps = {k: {d for d in v if not d.startswith('infra')}
        for k, v in deps.items() if not k.startswith('infra')}


def components(graph):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(set(graph) | {w for ws in graph.values() for w in ws}):
        if v not in index:
            visit(v)
    return out


circles = [c for c in components(caps) if len(c) > 1]
upward = sorted(f'{k} -> {d}' for k, v in deps.items() if k.startswith('infra')
                for d in v if not d.startswith('infra'))
print('circles between capabilities:', '; '.join(' <-> '.join(c) for c in circles) or 'none')
print('plumbing using a capability:', ', '.join(upward) or 'none')
sys.exit(1 if circles or upward else 0)
