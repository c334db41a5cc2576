#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a source file with translatable strings is missing from po/POTFILES.in,
or when POTFILES.in names a file that does not exist."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
listed = set()
for line in (root / "po" / "POTFILES.in").read_text().splitlines():
    line = line.strip()
    if line and not line.startswith("#"):
        listed.add(line)

c_marker = re.compile(r'\b(?:_|N_|NP_|C_|NC_|g_dngettext|ngettext)\s*\(\s*"')
ui_marker = re.compile(r'translatable="yes"')
needed = set()
for path in sorted((root / "src").rglob("*")):
    rel = path.relative_to(root).as_posix()
    if path.suffix in (".c", ".h") and c_marker.search(path.read_text(errors="replace")):
        needed.add(rel)
    elif path.suffix == ".ui" and ui_marker.search(path.read_text(errors="replace")):
        needed.add(rel)
for pattern in ("*.desktop.in", "*.metainfo.xml.in"):
    for path in (root / "data").glob(pattern):
        needed.add(path.relative_to(root).as_posix())
for path in (root / "data").glob("*.gschema.xml"):
    needed.add(path.relative_to(root).as_posix())

missing = sorted(needed - listed)
stale = sorted(p for p in listed if not (root / p).exists())
for p in missing:
    print(f"po/POTFILES.in lacks {p}, which has translatable strings")
for p in stale:
    print(f"po/POTFILES.in names {p}, which does not exist")
if missing or stale:
    sys.exit(1)
print(f"POTFILES.in lists all {len(needed)} files with translatable strings")
