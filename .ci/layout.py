#!/usr/bin/env python3
"""Prints which capability folder of app/src/server uses which (through `crate::server::…`
paths), and the pairs of capabilities that use each other. Run from the repository root:
`python3 .ci/layout.py`. docs/architecture.md says what is left to untangle."""
import collections
import glob
import os
import re

ROOT = 'app/src/server'
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
        if t and t != src and t != 'infra':
            deps[src].add(t)
for src in sorted(deps):
    print(f"{src:22} -> {' '.join(sorted(deps[src]))}")
caps = {k: {d for d in v if not d.startswith('infra')} for k, v in deps.items()}
pairs = sorted({tuple(sorted((a, b))) for a in caps for b in caps[a] if a in caps.get(b, ())})
print('capabilities using each other:', ', '.join(f'{a} <-> {b}' for a, b in pairs) or 'none')
