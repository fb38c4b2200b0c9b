#!/usr/bin/env python3
"""Prints the CSS of the thaw components the site uses, read from the thaw crate in Cargo.lock.

thaw mounts each component's CSS from JavaScript (`mount_style(id, include_str!(file))`), so
without this a page rendered by the server (or seen with JavaScript off) has no component styles
and jumps when hydration injects them. The ids the site uses are listed in
style/thaw-components.txt; the application renders an empty, nonce-carrying
`<style id="thaw-id-ID">` for each, which tells thaw in the browser that the style is already
there (it mounts nothing, and the CSP needs no 'unsafe-inline'). See docs/decisions.md.
Usage: .ci/thaw-css.py > target/thaw.css
"""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MOUNT = re.compile(r'mount_style\(\s*"([^"]+)"\s*,\s*include_str!\(\s*"([^"]+)"\s*\)\s*\)')


def crate_dirs():
    # Not --offline: cargo metadata wants every package of the lock file, those of other
    # platforms too (android_system_properties…), which a fresh machine's build never fetched.
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    found = {}
    for p in meta["packages"]:
        if p["name"] in ("thaw", "thaw_components"):
            found[p["name"]] = (p["version"], pathlib.Path(p["manifest_path"]).parent)
    if "thaw" not in found:
        sys.exit("thaw-css: the thaw crate is not in cargo metadata")
    return found


def styles(found):
    """id -> (crate and version, file inside the crate, CSS); the first mount of an id wins."""
    by_id = {}
    for name, (version, root) in sorted(found.items()):
        for rs in sorted((root / "src").rglob("*.rs")):
            for sid, rel in MOUNT.findall(rs.read_text(encoding="utf-8")):
                if sid not in by_id:
                    css = (rs.parent / rel).resolve()
                    by_id[sid] = (f"{name} {version}", css.relative_to(root), css.read_text(encoding="utf-8"))
    return by_id


def main():
    wanted = [l.split("#")[0].strip() for l in (ROOT / "style/thaw-components.txt").read_text().splitlines()]
    wanted = [w for w in wanted if w]
    by_id = styles(crate_dirs())
    missing = [w for w in wanted if w not in by_id]
    if missing:
        sys.exit(f"thaw-css: no thaw style with id {', '.join(missing)} (known: {', '.join(sorted(by_id))})")
    out = ["/* thaw components' CSS, collected at build time by .ci/thaw-css.py (do not edit) */"]
    for w in wanted:
        origin, path, css = by_id[w]
        out.append(f"/* {w}: {origin} {path} */\n{css.strip()}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
