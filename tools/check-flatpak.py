#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest without a runtime (none can be downloaded in CI).

- It parses (JSON), names the app id, the command and a GNOME runtime that Flathub still supports,
  with the SDK of the same name.
- It asks for exactly the permissions the app needs and nothing beyond them.
- Every module (nested ones and modules kept in files of their own too) has a name and sources;
  every source is either a path in this repository that exists, or a download pinned by sha256
  (archives, files) or by commit (git).
- The project's own module builds this tree with meson, and this tree's meson files install the
  four programs the Flatpak ships.
- meson.build pins the API floor (GLib 2.74, GTK 4.8, libadwaita 1.2) with the version macros, so
  that the same sources build on Debian 12 and on the newer runtime.

Usage: check-flatpak.py SOURCE-ROOT [MANIFEST]
       check-flatpak.py --self-test SOURCE-ROOT   (each way of breaking the manifest is caught)"""
import copy
import json
import pathlib
import re
import sys

APP_ID = "cloud.vizora.Desktop"
# Flathub supports two GNOME runtimes at a time: one ends when the second release after it comes
# out (47 on 15 October 2025, 48 on 24 March 2026). With GNOME 51 out in September 2026, 50 and 51
# are the supported ones.
OLDEST_SUPPORTED_GNOME = 50
FINISH_ARGS = {
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
}
PROGRAMS = {
    "src/gui/meson.build": "vizora-desktop",
    "src/server/meson.build": "vizora-server",
    "src/sim/meson.build": "vizora-sim",
    "src/cli/meson.build": "vizoractl",
}
# The API floor (Debian 12: GTK 4.8, libadwaita 1.2, GLib 2.74) that lets the same sources build
# on the newer runtime without touching newer API.
VERSION_MACROS = [
    "GLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74", "GLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74",
    "GDK_VERSION_MIN_REQUIRED=GDK_VERSION_4_8", "GDK_VERSION_MAX_ALLOWED=GDK_VERSION_4_8",
    "ADW_VERSION_MIN_REQUIRED=ADW_VERSION_1_2", "ADW_VERSION_MAX_ALLOWED=ADW_VERSION_1_2",
]
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_source(src, base, root, where, errors):
    if isinstance(src, str):
        # A file of sources.
        path = (base / src).resolve()
        if not path.is_file():
            errors.append(f"{where}: the sources file {src} does not exist")
            return
        for i, s in enumerate(json.loads(path.read_text())):
            check_source(s, path.parent, root, f"{where} ({src}) #{i}", errors)
        return
    kind = src.get("type")
    if kind not in ("dir", "file", "patch", "archive", "script", "shell", "inline", "git", "extra-data"):
        errors.append(f"{where}: unknown source type {kind!r}")
    if kind in ("script", "shell", "inline"):
        return
    if kind == "git":
        if "path" in src:
            local = (base / src["path"]).resolve()
            if not local.exists():
                errors.append(f"{where}: the git path {src['path']} does not exist")
        elif not src.get("url") or not src.get("commit"):
            errors.append(f"{where}: a git source needs a url and the commit it is pinned to")
        return
    if "path" in src:
        local = (base / src["path"]).resolve()
        if not local.exists():
            errors.append(f"{where}: {src['path']} does not exist in the repository")
        elif kind == "dir" and local != root:
            errors.append(f"{where}: the dir source {src['path']} is not the project's root")
        return
    if "url" in src:
        if not SHA256.match(str(src.get("sha256", ""))):
            errors.append(f"{where}: the download {src['url']} is not pinned by a sha256")
        return
    errors.append(f"{where}: a source of type {kind!r} names neither a path nor a url")


def check_modules(modules, base, root, errors, found):
    for i, mod in enumerate(modules):
        if isinstance(mod, str):
            path = (base / mod).resolve()
            if not path.is_file():
                errors.append(f"module file {mod} does not exist")
                continue
            check_modules([json.loads(path.read_text())], path.parent, root, errors, found)
            continue
        name = mod.get("name")
        if not name:
            errors.append(f"module #{i} has no name")
            name = f"#{i}"
        sources = mod.get("sources")
        if not sources:
            errors.append(f"module {name} names no sources")
        for j, src in enumerate(sources or []):
            check_source(src, base, root, f"module {name}, source #{j}", errors)
        found[name] = mod
        check_modules(mod.get("modules", []), base, root, errors, found)


def check(root, manifest, base):
    """The errors in @manifest, whose relative paths start at the folder @base."""
    errors = []
    if manifest.get("id", manifest.get("app-id")) != APP_ID:
        errors.append(f"the id is not {APP_ID}")
    if manifest.get("command") != "vizora-desktop":
        errors.append("the command is not vizora-desktop")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        errors.append("the runtime is not the GNOME platform with its SDK")
    version = str(manifest.get("runtime-version", ""))
    if not version.isdigit() or int(version) < OLDEST_SUPPORTED_GNOME:
        errors.append(f"the runtime version {version!r} is not a GNOME runtime Flathub supports "
                      f"({OLDEST_SUPPORTED_GNOME} or later)")

    args = manifest.get("finish-args", [])
    extra = sorted(set(args) - FINISH_ARGS)
    missing = sorted(FINISH_ARGS - set(args))
    if extra:
        errors.append("permissions beyond what the app needs: " + " ".join(extra))
    if missing:
        errors.append("permissions the app needs are missing: " + " ".join(missing))
    if len(args) != len(set(args)):
        errors.append("a permission is named twice")

    found = {}
    modules = manifest.get("modules") or []
    if not modules:
        errors.append("the manifest has no modules")
    check_modules(modules, base, root, errors, found)

    app = found.get("vizora-desktop")
    if app is None or app.get("buildsystem") != "meson":
        errors.append("no meson module named vizora-desktop")
    elif not any(s.get("type") == "dir" and (base / s.get("path", "")).resolve() == root
                 for s in app.get("sources", []) if isinstance(s, dict)):
        errors.append("the vizora-desktop module does not build this tree")

    for build_file, program in PROGRAMS.items():
        text = (root / build_file).read_text()
        if not re.search(r"executable\(\s*'" + re.escape(program) + r"'[^)]*install:\s*true", text, re.S):
            errors.append(f"{build_file} does not install {program}, which the Flatpak ships")

    top = (root / "meson.build").read_text()
    for macro in VERSION_MACROS:
        if f"'-D{macro}'" not in top:
            errors.append(f"meson.build does not pin {macro}: the runtime's newer GTK or libadwaita "
                          "would let newer API in")

    return errors


def self_test(root):
    """Breaks a copy of the manifest in each way the check is there for: each must be refused."""

    good = json.loads((root / "flatpak" / f"{APP_ID}.json").read_text())
    breakages = {
        "an extra permission": lambda m: m["finish-args"].append("--filesystem=home"),
        "the secret service name": lambda m: m["finish-args"].append("--talk-name=org.freedesktop.secrets"),
        "a missing permission": lambda m: m["finish-args"].remove("--device=dri"),
        "an ended runtime": lambda m: m.update({"runtime-version": "43"}),
        "a module without sources": lambda m: m["modules"].insert(0, {"name": "dep", "buildsystem": "meson"}),
        "an unpinned archive": lambda m: m["modules"].insert(0, {
            "name": "dep", "sources": [{"type": "archive", "url": "https://example.org/dep.tar.xz"}]}),
        "a patch that is not there": lambda m: m["modules"][-1]["sources"].append(
            {"type": "patch", "path": "no-such.patch"}),
        "an unpinned git source": lambda m: m["modules"].insert(0, {
            "name": "dep", "sources": [{"type": "git", "url": "https://example.org/dep.git"}]}),
        "another tree": lambda m: m["modules"][-1]["sources"][0].update({"path": "../flatpak"}),
    }
    failures = []
    for what, breakage in breakages.items():
        broken = copy.deepcopy(good)
        breakage(broken)
        if not check(root, broken, root / "flatpak"):
            failures.append(f"the check accepts {what}")
    for f in failures:
        print("flatpak self-test:", f)
    return 1 if failures else 0


def main():
    if sys.argv[1] == "--self-test":
        return self_test(pathlib.Path(sys.argv[2]).resolve())
    root = pathlib.Path(sys.argv[1]).resolve()
    path = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else root / "flatpak" / f"{APP_ID}.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        print(f"flatpak manifest: {path} does not parse: {e}")
        return 1
    errors = check(root, manifest, path.parent.resolve())
    for e in errors:
        print("flatpak manifest:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
