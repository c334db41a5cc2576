#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""D-Bus activation through the app's service file, as the desktop does it.

A session bus of its own (dbus-daemon) knows only the service file that the build makes for
data/ (its Exec pointed at the program in the build dir instead of the install prefix). With
the app not running, `gapplication action APP-ID pair-screen` makes the bus start it as a
service; the app then owns its id, shows its window (exported on the bus) and offers its
actions; `gapplication action APP-ID quit` ends it, and it said nothing worse than a message
(G_DEBUG=fatal-warnings: a warning would have killed it).

Usage: test-dbus-activation.py SERVICE-FILE VIZORA-DESKTOP APP-ID"""
import configparser
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

service_file, program, app_id = sys.argv[1:4]
object_path = "/" + app_id.replace(".", "/")


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def bus_env(address):
    env = dict(os.environ)
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    return env


def run(args, env, check=True):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        fail(f"{' '.join(args)} exited with {result.returncode}: {result.stderr.strip()}")
    return result


def has_owner(env):
    out = run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
               "--object-path", "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.NameHasOwner",
               app_id], env).stdout
    return "true" in out


def wait(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    fail(f"after {seconds} s: {what}")


parser = configparser.ConfigParser(interpolation=None)
parser.optionxform = str
parser.read(service_file, encoding="utf-8")
service = parser["D-BUS Service"]
if service.get("Name") != app_id:
    fail(f"the service file names {service.get('Name')!r}, not {app_id}")
exec_line = service.get("Exec", "")
if not exec_line.endswith("/vizora-desktop --gapplication-service"):
    fail(f"the service file runs {exec_line!r}")

tmp = pathlib.Path(tempfile.mkdtemp(prefix="vz-dbus-activation-"))
try:
    services = tmp / "services"
    services.mkdir()
    parser["D-BUS Service"]["Exec"] = f"{os.path.abspath(program)} --gapplication-service"
    with open(services / f"{app_id}.service", "w", encoding="utf-8") as f:
        parser.write(f, space_around_delimiters=False)
    (tmp / "bus.conf").write_text(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={tmp}</listen>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
""")
    # The bus passes its own environment (display, settings backend, schemas) to the app it starts;
    # what the app prints goes to the bus's stderr.
    app_log = open(tmp / "app.log", "w+", encoding="utf-8")
    daemon = subprocess.Popen(["dbus-daemon", "--nofork", "--print-address=1", f"--config-file={tmp / 'bus.conf'}"],
                              stdout=subprocess.PIPE, stderr=app_log, text=True)
    try:
        address = daemon.stdout.readline().strip()
        if not address:
            fail("dbus-daemon gave no address")
        env = bus_env(address)
        if has_owner(env):
            fail(f"{app_id} runs before it was asked for")

        # Activation: the bus starts the app for the action.
        run(["gapplication", "action", app_id, "pair-screen"], env)
        wait(lambda: has_owner(env), 30, f"{app_id} does not own its name")

        actions = run(["gdbus", "call", "--session", "--dest", app_id, "--object-path", object_path,
                       "--method", "org.gtk.Actions.List"], env).stdout
        for action in ("pair-screen", "open-screen", "show-alerts", "about", "quit"):
            if f"'{action}'" not in actions:
                fail(f"the running app does not offer {action}: {actions.strip()}")

        # pair-screen brought the window up (GtkApplication exports each window's actions).
        def window_exported():
            result = run(["gdbus", "introspect", "--session", "--dest", app_id,
                          "--object-path", object_path + "/window/1"], env, check=False)
            return result.returncode == 0 and "org.gtk.Actions" in result.stdout
        wait(window_exported, 30, "the app shows no window")

        run(["gapplication", "action", app_id, "quit"], env)
        wait(lambda: not has_owner(env), 30, "the app did not quit")
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)

    app_log.seek(0)
    log = app_log.read()
    for bad in ("CRITICAL", "WARNING", "Trace/breakpoint", "Segmentation"):
        if bad in log:
            fail(f"the app said: {log.strip()}")
    print(f"the bus started {app_id} for pair-screen; it showed its window and quit on request")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
