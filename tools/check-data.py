#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks what the validators of the desktop file and the metainfo do not: that the pieces fit.

- The desktop file names the app's icon, has search keywords and is D-Bus activatable; the
  D-Bus service file names the same app id and starts the installed program as a service.
- The icons GNOME asks for are there: the full-colour app icon as a scalable SVG on the 128 px
  grid, and the symbolic one on the 16 px grid in a single colour (the theme recolours it); and
  for other desktops its PNG renderings, each of the size its folder names.
- The metainfo launches the desktop file, its newest release is the project's version, and every
  screenshot it names is committed under data/screenshots/ (tools/take-screenshots) with a caption.

Usage: check-data.py SOURCE-ROOT BUILD-DATA-DIR APP-ID BINDIR PROJECT-VERSION"""
import configparser
import pathlib
import struct
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def desktop_entry(path):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser


def check_svg(path, size, errors, single_colour=False):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        errors.append(f"{path.name}: not a readable SVG ({e})")
        return
    if root.tag != SVG + "svg":
        errors.append(f"{path.name}: the root element is not <svg>")
        return
    box = root.get("viewBox", "").split()
    if len(box) != 4 or float(box[2]) != size or float(box[3]) != size:
        errors.append(f"{path.name}: the viewBox is not {size}×{size}")
    if root.get("width") != str(size) or root.get("height") != str(size):
        errors.append(f"{path.name}: it is not {size}×{size} px")
    if single_colour:
        colours = set()
        for el in root.iter():
            for attr in ("fill", "stroke"):
                value = el.get(attr)
                if value and value != "none":
                    colours.add(value.lower())
        if len(colours) > 1:
            errors.append(f"{path.name}: a symbolic icon has one colour, not {sorted(colours)}")


PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def check_png(path, size, errors):
    try:
        head = path.read_bytes()[:24]
    except OSError:
        errors.append(f"{path.parent.parent.name}/apps/{path.name} is missing")
        return
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        errors.append(f"{path.parent.parent.name}/apps/{path.name} is not a PNG")
        return
    width, height = struct.unpack(">II", head[16:24])
    if (width, height) != (size, size):
        errors.append(f"{path.parent.parent.name}/apps/{path.name} is {width}×{height}, not {size}×{size}")


def main():
    root, build_data, app_id, bindir, version = sys.argv[1:6]
    root = pathlib.Path(root)
    build_data = pathlib.Path(build_data)
    errors = []

    desktop = desktop_entry(build_data / f"{app_id}.desktop")
    entry = desktop["Desktop Entry"]
    if entry.get("Icon") != app_id:
        errors.append(f"the desktop file's Icon is {entry.get('Icon')!r}, not the app id {app_id}")
    keywords = [k for k in entry.get("Keywords", "").split(";") if k]
    if len(keywords) < 3:
        errors.append("the desktop file has too few Keywords to be found by")
    if entry.get("DBusActivatable") != "true":
        errors.append("the desktop file is not DBusActivatable")

    service = desktop_entry(build_data / f"{app_id}.service")
    bus = service["D-BUS Service"]
    if bus.get("Name") != app_id:
        errors.append(f"the D-Bus service is named {bus.get('Name')!r}, not {app_id}")
    if bus.get("Exec") != f"{bindir}/vizora-desktop --gapplication-service":
        errors.append(f"the D-Bus service runs {bus.get('Exec')!r}, not the installed vizora-desktop as a service")

    icons = root / "data" / "icons" / "hicolor"
    check_svg(icons / "scalable" / "apps" / "cloud.vizora.Desktop.svg", 128, errors)
    check_svg(icons / "symbolic" / "apps" / "cloud.vizora.Desktop-symbolic.svg", 16, errors, single_colour=True)
    for size in PNG_SIZES:
        check_png(icons / f"{size}x{size}" / "apps" / "cloud.vizora.Desktop.png", size, errors)

    meta = ET.parse(build_data / f"{app_id}.metainfo.xml").getroot()
    launchable = meta.find("launchable")
    if launchable is None or launchable.text != f"{app_id}.desktop":
        errors.append("the metainfo does not launch the desktop file")
    releases = meta.findall("releases/release")
    if not releases or releases[0].get("version") != version:
        errors.append(f"the newest release in the metainfo is not the project's version {version}")
    shots = meta.findall("screenshots/screenshot")
    if not shots:
        errors.append("the metainfo shows no screenshots")
    for shot in shots:
        image = shot.find("image")
        url = image.text if image is not None else ""
        name = url.rsplit("/data/screenshots/", 1)[-1]
        if "/data/screenshots/" not in url or not (root / "data" / "screenshots" / name).is_file():
            errors.append(f"the screenshot {url} is not one committed under data/screenshots/")
        if shot.find("caption") is None:
            errors.append(f"the screenshot {name} has no caption")

    for e in errors:
        print("data:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
