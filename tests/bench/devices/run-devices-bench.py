#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Devices page benchmark (docs/bench-devices.md): the app (bench-devices)
against a vizora-server holding SCREENS screens kept online by one
vizora-sim, under Xvfb. Run it inside a display:

  xvfb-run -a -s "-screen 0 1280x800x24" \\
    python3 tests/bench/devices/run-devices-bench.py --build _build [--state DIR]

The app keeps its sign-in in the Secret Service: the script runs itself on a
session bus of its own with a private, unlocked gnome-keyring-daemon
(tests/keyring/with-keyring.sh), whatever bus it was started on.

--state keeps the server's data and the simulator's tokens between runs (the
first run pairs the screens, which takes minutes). Prints one line per run and
the figures at the end.
"""
import argparse
import collections
import ctypes
import ctypes.util
import os
import queue
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

EMAIL = 'bench@example.com'
PASSWORD = 'bench-password-1'


def start_server(build, data_dir, log):
    argv = [os.path.join(build, 'src/server/vizora-server'), '--data-dir', data_dir,
            '--listen', '127.0.0.1:0', '--admin-email', EMAIL]
    server = subprocess.Popen(argv, env=dict(os.environ, VIZORA_ADMIN_PASSWORD=PASSWORD),
                              stdout=subprocess.PIPE, stderr=log, text=True)
    line = server.stdout.readline()
    match = re.search(r'listening on (http://\S+)', line)
    if match is None:
        server.kill()
        raise RuntimeError('the server did not start: %r' % line)
    return server, match.group(1)


def forget_notifications(data_dir, keep=0):
    """Removes the notifications that earlier runs left in a kept server's data,
    then makes @keep of them anew.

    Each run's end takes the 10,000 screens offline (an alert each) and the
    next run's start brings them back (a note each): kept for 90 days, they
    would grow by about 20,000 a run, and every launch reads them all (42,000
    after a few runs made the data arrive after 140 s). Each run starts from
    the same fleet instead: the screens with @keep notifications, alerts that
    screens went offline and notes that they came back, as the server writes
    them, the newest a minute old. Run while the server is stopped."""
    path = os.path.join(data_dir, 'vizora.db')
    if not os.path.exists(path):
        return
    with sqlite3.connect(path) as db:
        removed = db.execute('DELETE FROM notifications').rowcount
        if removed:
            print('removed %d notifications left by earlier runs' % removed, file=sys.stderr)
        screens = db.execute('SELECT id, organization_id, nickname FROM displays ORDER BY id').fetchall()
        if keep == 0 or not screens:
            return
        now_ms = int(time.time() * 1000) - 60000
        rows = []
        for i in range(keep):
            screen_id, org, name = screens[i % len(screens)]
            at = now_ms - i * 1000
            if i % 9 < 6:
                rows.append((str(uuid.uuid4()), org, 'device_offline', 'Screen offline',
                             '\u201c%s\u201d has sent no heartbeat for %d seconds.' % (name, 120 + i % 60), 'critical',
                             screen_id, name, 'offline', 120.0 + i % 60, 120.0, at, at - 250000, at))
            else:
                rows.append((str(uuid.uuid4()), org, 'device_online', 'Screen back online',
                             '\u201c%s\u201d is back online.' % name, 'info',
                             screen_id, name, None, None, None, None, at, at))
        db.executemany('INSERT INTO notifications (id, organization_id, type, title, message, severity, device_id, '
                       'device_name, metric, value, threshold, resolved_at, created_at, updated_at) '
                       'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows)
    print('made %d notifications for this run' % keep, file=sys.stderr)


def start_sim(build, url, screens, state, log, timeout_s):
    """Starts vizora-sim and waits until all @screens have said "online"."""
    sim = subprocess.Popen([os.path.join(build, 'src/sim/vizora-sim'), '--server', url, '--email', EMAIL,
                            '--screens', str(screens)],
                           env=dict(os.environ, VIZORA_PASSWORD=PASSWORD, XDG_STATE_HOME=state),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
    lines = queue.Queue()

    def read_lines():
        # Reads every line for as long as the simulator runs, so that it never
        # blocks on a full pipe; hands them over until the fleet is online.
        for line in sim.stdout:
            if not done.is_set():
                lines.put(line)
        lines.put(None)

    done = threading.Event()
    threading.Thread(target=read_lines, daemon=True).start()
    online = set()
    last_said = {}   # screen → its last line, for those not online
    start = time.monotonic()
    next_report = start + 30
    while len(online) < screens:
        now = time.monotonic()
        if now - start > timeout_s or sim.poll() is not None and lines.empty():
            done.set()
            stop(sim)
            what = collections.Counter(re.sub(r'\d+', 'N', said) for name, said in last_said.items()
                                       if name not in online)
            raise RuntimeError('%d of %d screens online after %.0f s%s; what the others said last: %s' %
                               (len(online), screens, now - start,
                                ' (the simulator exited)' if sim.poll() is not None else '',
                                '; '.join('%d× %s' % (n, said) for said, n in what.most_common(5)) or 'nothing'))
        if now >= next_report:
            print('  %d screens online after %.0f s' % (len(online), now - start), file=sys.stderr)
            next_report = now + 30
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            continue
        name, _, what = line.decode(errors='replace').rstrip('\n').partition(': ')
        if what == 'online':
            online.add(name)
            if len(online) % 1000 == 0:
                print('  %d screens online after %.0f s' % (len(online), time.monotonic() - start), file=sys.stderr)
        elif what:
            last_said[name] = what
    done.set()
    return sim


def stop(process):
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def run_bench(build, url, mode, screens, home, extra=(), wrap=()):
    env = dict(os.environ, VIZORA_PASSWORD=PASSWORD, GSETTINGS_BACKEND='memory',
               GSETTINGS_SCHEMA_DIR=os.path.join(build, 'data'), TZ='UTC', GTK_A11Y='none', NO_AT_BRIDGE='1',
               XDG_DATA_HOME=os.path.join(home, 'data'), XDG_CONFIG_HOME=os.path.join(home, 'config'),
               XDG_STATE_HOME=os.path.join(home, 'state'), XDG_CACHE_HOME=os.path.join(home, 'cache'))
    for var in ('XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME'):
        os.makedirs(env[var], exist_ok=True)
    argv = list(wrap) + [os.path.join(build, 'tests/bench/devices/bench-devices'), '--mode', mode, '--server', url,
            '--email', EMAIL, '--screens', str(screens)] + list(extra)
    run = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    out = run.stdout
    sys.stdout.write(out)
    if run.returncode != 0:
        sys.stderr.write(run.stderr[-3000:])
    sys.stdout.flush()
    for line in out.splitlines():
        if line.startswith('RESULT '):
            return dict(kv.split('=') for kv in line.split()[2:])
    raise RuntimeError('bench-devices --mode %s gave no result' % mode)


def hold_display():
    """Keeps a connection of the script's own to the X server for its whole run (returned: keep it), as
    a desktop's other clients do. An X server that loses its last client starts over (Xvfb reloads its
    fonts and extensions), and the next client's connection waits for that: every run would start
    100-200 ms late, an X server of a desktop never does."""
    xlib = ctypes.CDLL(ctypes.util.find_library('X11') or 'libX11.so.6')
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    display = xlib.XOpenDisplay(None)
    if not display:
        sys.exit('run-devices-bench.py: cannot open the display %s' % os.environ['DISPLAY'])
    return display


def in_private_keyring():
    """Runs this script again under tests/keyring/with-keyring.sh unless it already is."""
    if os.environ.get('VZ_KEYRING_BUS'):
        return
    here = os.path.dirname(os.path.abspath(__file__))
    wrapper = os.path.join(here, '..', '..', 'keyring', 'with-keyring.sh')
    os.execv(wrapper, [wrapper, sys.executable, os.path.abspath(__file__)] + sys.argv[1:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--build', required=True)
    parser.add_argument('--screens', type=int, default=10000)
    parser.add_argument('--state', help='keep the fleet here between runs')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--rate', type=int, default=40, help='wheel steps a second')
    parser.add_argument('--modes', default='launch,scroll,storm,rss,snapshot',
                        help='which measurements, comma-separated (default: all)')
    parser.add_argument('--sim-timeout', type=int, default=900,
                        help='seconds for the simulated screens to come online (default 900)')
    parser.add_argument('--wrap', default='',
                        help='a command the measured runs go through, e.g. "perf record -g -o FILE --"')
    parser.add_argument('--notifications', type=int, default=0,
                        help='notifications the server keeps for the run (default 0; earlier runs\' are removed)')
    parser.add_argument('--no-sim', action='store_true',
                        help='no simulator: the screens stay offline (enough for snapshot, storm and rss)')
    args = parser.parse_args()
    modes = set(args.modes.split(','))
    if 'DISPLAY' not in os.environ:
        sys.exit('run-devices-bench.py: no DISPLAY; run it under xvfb-run (see --help)')
    in_private_keyring()
    held_display = hold_display()  # noqa: F841 (held until the script ends)

    tmp = tempfile.mkdtemp(prefix='vz-devices-bench-')
    state = args.state or os.path.join(tmp, 'state')
    os.makedirs(state, exist_ok=True)
    log = open(os.path.join(tmp, 'processes.log'), 'w')
    server = sim = empty_server = None
    results = {}
    try:
        forget_notifications(os.path.join(state, 'server-data'), args.notifications)
        server, url = start_server(args.build, os.path.join(state, 'server-data'), log)
        if not args.no_sim:
            print('server %s; bringing %d simulated screens online' % (url, args.screens), file=sys.stderr)
            sim = start_sim(args.build, url, args.screens, os.path.join(state, 'sim-state'), log, args.sim_timeout)
        home = os.path.join(tmp, 'home-fleet')
        # A first start fills the caches a person's computer has (fontconfig, shaders) and saves the
        # fleet for the snapshot runs: not counted.
        run_bench(args.build, url, 'launch', args.screens, home)
        for mode, extra, runs in (('launch', (), args.runs), ('scroll', ('--rate', str(args.rate)), 1),
                                  ('storm', (), args.runs), ('rss', (), args.runs)):
            for _ in range(runs if mode in modes else 0):
                results.setdefault(mode, []).append(run_bench(args.build, url, mode, args.screens, home, extra,
                                                              args.wrap.split()))

        # The same build's empty window: signed in to a server without screens.
        if 'rss' in modes:
            empty_server, empty_url = start_server(args.build, os.path.join(tmp, 'empty-data'), log)
            run_bench(args.build, empty_url, 'rss', 0, os.path.join(tmp, 'home-empty'))
            for _ in range(args.runs):
                results.setdefault('rss-empty', []).append(
                    run_bench(args.build, empty_url, 'rss', 0, os.path.join(tmp, 'home-empty')))
            stop(empty_server)

        # The saved fleet, with the server stopped: what an offline start shows.
        stop(sim)
        stop(server)
        sim = server = None
        for _ in range(args.runs if 'snapshot' in modes else 0):
            results.setdefault('snapshot', []).append(run_bench(args.build, url, 'snapshot', args.screens, home,
                                                                wrap=args.wrap.split()))
    finally:
        stop(sim)
        stop(server)
        stop(empty_server)
        log.close()
        if args.state is None:
            shutil.rmtree(tmp, ignore_errors=True)

    def column(mode, key):
        return ', '.join(r.get(key, '–') for r in results.get(mode, []))

    print()
    print('launch: all rows live, ms beyond the data: %s (main-thread CPU: %s ms; data arrived at %s ms after exec)' %
          (column('launch', 'beyond_data_ms'), column('launch', 'beyond_data_cpu_ms'), column('launch', 'loaded_ms')))
    print('snapshot: first frame with rows, ms after exec: %s (main-thread CPU: %s ms, of which to the first frame '
          '%s ms and to the saved fleet in the stores %s ms; process CPU: %s ms); with a row for every screen: %s ms '
          '(main-thread CPU %s ms)' %
          (column('snapshot', 'first_rows_ms'), column('snapshot', 'cpu_ms'), column('snapshot', 'first_frame_cpu_ms'),
           column('snapshot', 'stores_cpu_ms'), column('snapshot', 'process_cpu_ms'), column('snapshot', 'all_rows_ms'),
           column('snapshot', 'all_rows_cpu_ms')))
    print('scroll: %% of one core: %s (%s s)' % (column('scroll', 'core_pct'), column('scroll', 'wall_s')))
    print('storm: frames %s; wall p99 %s ms, max %s ms, of 16 ms or more: %s; main-thread CPU p99 %s ms, max %s ms, '
          'of 16 ms or more: %s' %
          (column('storm', 'frames'), column('storm', 'frame_p99_ms'), column('storm', 'frame_max_ms'),
           column('storm', 'frames_over_16'), column('storm', 'cpu_p99_ms'), column('storm', 'cpu_max_ms'),
           column('storm', 'cpu_over_16')))
    print('rss: %s MiB with %d screens, %s MiB empty (after malloc_trim: %s and %s MiB)' %
          (column('rss', 'rss_mib'), args.screens, column('rss-empty', 'rss_mib'),
           column('rss', 'rss_trimmed_mib'), column('rss-empty', 'rss_trimmed_mib')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
