#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when the sync engine's own files name a kind of record in code.

The engine reads, stores, saves, changes and merges every kind through the
descriptions in vz-resource.h; a kind's name in its code would be the branch
that the resource layer exists to avoid (architecture.md, "Kinds of record").
Comments may use examples."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
kinds = re.compile(r'VzDisplay|vz_display|VZ_DISPLAY|VZ_RESOURCE_|"/?display|"/?group|"device:|\bgroup_id\b'
                   r'|VzPlaylist|vz_playlist|VZ_PLAYLIST|VzContent|vz_content|VZ_CONTENT|VzTag\b|vz_tag_'
                   r'|"/?playlist|"/?content|"/?tags?\b|"reorder"|\bitem_id\b'
                   r'|VzSchedule\b|vz_schedule_|VZ_SCHEDULE\b|"/?schedules?\b'
                   # a realtime event's name ("screenshot:ready"); "notify::x" is GObject's
                   r'|"(?!notify::)[a-z-]+:[a-z:-]+"|screenshot')
comment = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
found = []
files = sorted((root / "src" / "core").glob("vz-sync-engine*.[ch]"))
if not files:
    print("no sync engine files found under src/core")
    sys.exit(1)
for path in files:
    code = comment.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text())
    for number, line in enumerate(code.splitlines(), 1):
        if kinds.search(line):
            found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
for line in found:
    print(line)
if found:
    print("the sync engine names a kind of record: describe it in a VzResource instead")
    sys.exit(1)
print(f"{len(files)} sync engine files name no kind of record")
