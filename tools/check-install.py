#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`meson install` into a temporary staging dir (DESTDIR), then checks what landed in the prefix:
the four programs (and that they run from there), the desktop file and its icon, the metainfo,
the icons, the settings schema (which compiles there), the D-Bus service file pointing at the installed
program, and a translation for every language in po/LINGUAS.

Usage: check-install.py SOURCE-ROOT BUILD-DIR PREFIX APP-ID"""
import configparser
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

root, build, prefix, app_id = sys.argv[1:5]
root = pathlib.Path(root)
errors = []

stage = pathlib.Path(tempfile.mkdtemp(prefix="vz-install-"))
try:
    result = subprocess.run(["meson", "install", "-C", build, "--no-rebuild", "--quiet", "--destdir", str(stage)],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        print(result.stdout, result.stderr)
        print("install: meson install failed")
        sys.exit(1)
    top = stage / prefix.lstrip("/")
    share = top / "share"

    for program in ("vizora-desktop", "vizora-server", "vizora-sim", "vizoractl"):
        path = top / "bin" / program
        if not path.is_file() or not os.access(path, os.X_OK):
            errors.append(f"bin/{program} is not installed")
            continue
        ran = subprocess.run([str(path), "--help"], capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, GSETTINGS_SCHEMA_DIR=str(share / "glib-2.0" / "schemas")))
        if ran.returncode != 0 or "Usage" not in ran.stdout:
            errors.append(f"bin/{program} --help does not run from the prefix: {ran.stderr.strip()}")

    expected = [
        share / "applications" / f"{app_id}.desktop",
        share / "metainfo" / f"{app_id}.metainfo.xml",
        share / "icons" / "hicolor" / "scalable" / "apps" / f"{app_id}.svg",
        share / "icons" / "hicolor" / "symbolic" / "apps" / f"{app_id}-symbolic.svg",
        share / "icons" / "hicolor" / "48x48" / "apps" / f"{app_id}.png",
        share / "icons" / "hicolor" / "512x512" / "apps" / f"{app_id}.png",
        share / "glib-2.0" / "schemas" / "cloud.vizora.Desktop.gschema.xml",
        share / "dbus-1" / "services" / f"{app_id}.service",
    ]
    for path in expected:
        if not path.is_file():
            errors.append(f"{path.relative_to(top)} is not installed")

    # Into a staging dir meson leaves compiling the schemas to the system (as packages do); they
    # must compile there as they do in a plain `meson install`.
    schemas = share / "glib-2.0" / "schemas"
    compiled = subprocess.run(["glib-compile-schemas", "--strict", str(schemas)], capture_output=True, text=True)
    if compiled.returncode != 0 or not (schemas / "gschemas.compiled").is_file():
        errors.append(f"the installed settings schema does not compile: {compiled.stderr.strip()}")

    desktop = share / "applications" / f"{app_id}.desktop"
    if desktop.is_file():
        entry = configparser.ConfigParser(interpolation=None)
        entry.optionxform = str
        entry.read(desktop, encoding="utf-8")
        icon = entry["Desktop Entry"].get("Icon", "")
        if not any((share / "icons" / "hicolor").glob(f"*/apps/{icon}.*")):
            errors.append(f"the desktop file's icon {icon!r} is not installed")
        if shutil.which("desktop-file-validate"):
            valid = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
            if valid.returncode != 0:
                errors.append(f"the installed desktop file is not valid: {valid.stdout.strip()}")

    service = share / "dbus-1" / "services" / f"{app_id}.service"
    if service.is_file():
        bus = configparser.ConfigParser(interpolation=None)
        bus.optionxform = str
        bus.read(service, encoding="utf-8")
        if bus["D-BUS Service"].get("Exec") != f"{prefix}/bin/vizora-desktop --gapplication-service":
            errors.append(f"the service file does not start {prefix}/bin/vizora-desktop")

    languages = [line.strip() for line in (root / "po" / "LINGUAS").read_text().splitlines()
                 if line.strip() and not line.startswith("#")]
    for lang in languages:
        mo = share / "locale" / lang / "LC_MESSAGES" / "vizora-desktop.mo"
        if not mo.is_file():
            errors.append(f"the {lang} translation is not installed ({mo.relative_to(top)})")

    for e in errors:
        print("install:", e)
    if not errors:
        print(f"installed into {prefix}: 4 programs, data files and {len(languages)} translation(s)")
finally:
    shutil.rmtree(stage, ignore_errors=True)
sys.exit(1 if errors else 0)
