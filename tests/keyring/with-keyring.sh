#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# with-keyring.sh COMMAND…: runs COMMAND on a session bus of its own that holds a
# gnome-keyring-daemon of its own (Secret Service only), started unlocked with an empty
# password read from standard input, its keyring files in a temporary folder.
# with-keyring.sh --none COMMAND…: the same private bus without any activatable service,
# so that no Secret Service can be reached at all.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" = --none ]; then
  shift
  exec dbus-run-session --config-file="$here/session-no-services.conf" -- "$@"
fi

if [ -z "${VZ_KEYRING_BUS:-}" ]; then
  VZ_KEYRING_BUS=1 exec dbus-run-session --config-file="$here/session-no-services.conf" -- "$0" "$@"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/vz-keyring.XXXXXX")
mkdir -m 0700 "$dir/run" "$dir/data"
cleanup () {
  if [ -n "${keyring_pid:-}" ]; then kill "$keyring_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# The daemon's own files (its keyrings and its control socket) in the temporary folder; the
# command keeps the test's data folders. The tests' G_DEBUG=fatal-warnings is theirs, not the
# daemon's.
printf '\n' | env -u G_DEBUG -u G_MESSAGES_DEBUG XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/run" \
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$dir/daemon.out" 2>"$dir/daemon.err" &
keyring_pid=$!

# Ready once it owns org.freedesktop.secrets on this bus.
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 "$keyring_pid" 2>/dev/null; then
    echo "with-keyring.sh: gnome-keyring-daemon did not start:" >&2
    cat "$dir/daemon.err" >&2
    exit 1
  fi
  sleep 0.1
done

"$@"
