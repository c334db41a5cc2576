#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the translations of po/LINGUAS: each .po compiles with `msgfmt --check` (its format
strings match the English ones, its plural forms are declared) and has no fuzzy or untranslated
message. With --complete it also compares each one with the strings the sources hold now
(xgettext over po/POTFILES.in, as meson's glib preset runs it) and names what is missing.

Usage: check-translations.py SOURCE-ROOT [--complete]"""
import pathlib
import re
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1]).resolve()
complete = "--complete" in sys.argv[2:]
po_dir = root / "po"
languages = [line.strip() for line in (po_dir / "LINGUAS").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
errors = []

pot = None
if complete:
    tmp = tempfile.TemporaryDirectory()
    pot = pathlib.Path(tmp.name) / "current.pot"
    # The glib preset's keywords, and NP_ (po/meson.build).
    subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments", "-k_", "-kN_", "-kC_:1c,2", "-kNC_:1c,2",
                    "-kg_dcgettext:2", "-kg_dngettext:2,3", "-kg_dpgettext2:2c,3", "-kNP_:1,2",
                    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
                    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
                    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
                    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
                    "--directory", str(root), "--files-from", str(po_dir / "POTFILES.in"), "-o", str(pot)],
                   check=True, capture_output=True)

for lang in languages:
    po = po_dir / f"{lang}.po"
    if not po.is_file():
        errors.append(f"po/LINGUAS names {lang}, but po/{lang}.po does not exist")
        continue
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        errors.append(f"po/{lang}.po does not compile: {result.stderr.strip()}")
        continue
    stats = result.stderr.strip()
    if re.search(r"\b(fuzzy|untranslated)\b", stats):
        errors.append(f"po/{lang}.po is not complete: {stats}")
    if pot is not None:
        cmp = subprocess.run(["msgcmp", str(po), str(pot)], capture_output=True, text=True)
        if cmp.returncode != 0:
            missing = [line for line in cmp.stderr.splitlines() if "this message" in line]
            errors.append(f"po/{lang}.po lacks {len(missing)} of the sources' strings (run msgmerge):\n"
                          + cmp.stderr.strip())
    print(f"po/{lang}.po: {stats}")

for e in errors:
    print("translations:", e)
sys.exit(1 if errors else 0)
