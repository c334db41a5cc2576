#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest: valid JSON, the app id, a GNOME runtime whose GTK and
libadwaita match the version floor (GNOME 43: GTK 4.8, libadwaita 1.2), the executable
the project installs, and a meson module built from this tree."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1]).resolve()
manifest = json.loads((root / "flatpak" / "cloud.vizora.Desktop.json").read_text())
errors = []
if manifest.get("id") != "cloud.vizora.Desktop":
    errors.append("the id is not cloud.vizora.Desktop")
if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
    errors.append("the runtime is not the GNOME platform")
if manifest.get("runtime-version") != "43":
    errors.append("the runtime is not GNOME 43 (GTK 4.8, libadwaita 1.2)")
if manifest.get("command") != "vizora-desktop":
    errors.append("the command is not vizora-desktop")
if "--share=network" not in manifest.get("finish-args", []):
    errors.append("the app needs network access")
mods = [m for m in manifest.get("modules", []) if isinstance(m, dict) and m.get("name") == "vizora-desktop"]
if not mods or mods[0].get("buildsystem") != "meson":
    errors.append("no meson module named vizora-desktop")
else:
    for src in mods[0].get("sources", []):
        if src.get("type") == "dir" and not (root / "flatpak" / src["path"] / "meson.build").exists():
            errors.append("the dir source does not point at the project")
for e in errors:
    print("flatpak manifest:", e)
sys.exit(1 if errors else 0)
