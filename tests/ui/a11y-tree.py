#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The accessible tree of one running program, read as a screen reader reads it: through
AT-SPI (python3-pyatspi) on the accessibility bus.

Writes the tree of the application whose process id is PID as JSON on standard output: each
node is {"role", "name", "description", "states", "text", "children"}, "text" being what the
node's Text interface holds (labels, entries) or null. GTK leaves hidden widgets out of the
tree; it does not set the SHOWING state on widgets (GTK 4.8), so all that it offers is read.

Usage: a11y-tree.py PID"""
import json
import sys

import pyatspi


def text_of(node):
    try:
        text = node.queryText()
    except NotImplementedError:
        return None
    return text.getText(0, text.characterCount)


def read(node, depth):
    states = node.getState()
    out = {
        "role": node.getRoleName(),
        "name": node.name or "",
        "description": node.description or "",
        "states": [pyatspi.stateToString(s) for s in states.getStates()],
        "text": text_of(node),
        "children": [],
    }
    if depth > 80:
        return out
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is None:
            continue
        out["children"].append(read(child, depth + 1))
    return out


def main():
    pid = int(sys.argv[1])
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and app.get_process_id() == pid:
            windows = [read(w, 0) for w in app
                       if w is not None and w.getState().contains(pyatspi.STATE_SHOWING)]
            json.dump({"name": app.name, "windows": windows}, sys.stdout)
            return 0
    names = [f"{app.name} ({app.get_process_id()})" for app in desktop if app is not None]
    print(f"No application with process id {pid} on the accessibility bus; there are: {names}",
          file=sys.stderr)
    return 1


sys.exit(main())
