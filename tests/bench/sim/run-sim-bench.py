#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Simulator benchmark: one vizora-sim process with SCREENS screens against
the local vizora-server on loopback (fresh data dir, fresh simulator state).

Measures the time from the simulator's start until every screen has paired and
until every screen is online (counted from its stdout lines), then the CPU
(user+sys from /proc/PID/stat) and resident memory of the simulator and of the
server while the fleet heartbeats, over WINDOW seconds.

  run-sim-bench.py --server BUILD/src/server/vizora-server \
                   --sim BUILD/src/sim/vizora-sim [--screens 10000] [--window 60]
"""
import argparse
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time

EMAIL = 'bench@example.com'
PASSWORD = 'bench-password-1'
TICKS = os.sysconf('SC_CLK_TCK')


def cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    # utime and stime are fields 14 and 15; fields[0] here is field 3.
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024.0
    return 0.0


def start_server(binary, data_dir, old):
    argv = [binary, '--data-dir', data_dir, '--listen', '127.0.0.1:0', '--admin-email', EMAIL]
    if old:
        # Passwords as arguments; and every screen is one connection from 127.0.0.1,
        # which those builds held to the per-address cap of 1,024.
        argv += ['--admin-password', PASSWORD, '--max-connections-per-address', '0']
    server = subprocess.Popen(argv, env=dict(os.environ, VIZORA_ADMIN_PASSWORD=PASSWORD),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    match = re.search(r'listening on (http://\S+)', line)
    if match is None:
        server.kill()
        raise RuntimeError('the server did not start: %r' % line)
    return server, match.group(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--server', required=True)
    parser.add_argument('--sim', required=True)
    parser.add_argument('--screens', type=int, default=10000)
    parser.add_argument('--window', type=int, default=60, help='seconds of heartbeating measured')
    parser.add_argument('--deadline', type=int, default=900, help='give up pairing after this many seconds')
    parser.add_argument('--old', action='store_true',
                        help='builds from before VIZORA_PASSWORD and the loopback connection cap: passwords as '
                             'arguments, no per-address cap')
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix='vz-sim-bench-')
    server, url = start_server(args.server, os.path.join(tmp, 'data'), args.old)
    env = dict(os.environ, XDG_STATE_HOME=os.path.join(tmp, 'state'), VIZORA_PASSWORD=PASSWORD)
    sim = None
    try:
        server_cpu0 = cpu_seconds(server.pid)
        start = time.monotonic()
        extra = ['--password', PASSWORD] if args.old else []
        sim = subprocess.Popen([args.sim, '--server', url, '--email', EMAIL,
                                '--screens', str(args.screens)] + extra,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        os.set_blocking(sim.stdout.fileno(), False)
        sel = selectors.DefaultSelector()
        sel.register(sim.stdout, selectors.EVENT_READ)
        paired = set()
        online = set()
        t_paired = t_online = None
        buf = b''
        next_report = start + 10
        while t_online is None:
            now = time.monotonic()
            if now - start > args.deadline:
                break
            if sim.poll() is not None:
                raise RuntimeError('vizora-sim exited with %d' % sim.returncode)
            for _key, _ in sel.select(timeout=1):
                chunk = sim.stdout.read()
                if chunk:
                    buf += chunk
            lines = buf.split(b'\n')
            buf = lines.pop()
            for line in lines:
                name, _, what = line.partition(b': ')
                if what.startswith(b'paired as display'):
                    paired.add(name)
                elif what == b'online':
                    online.add(name)
            now = time.monotonic()
            if t_paired is None and len(paired) >= args.screens:
                t_paired = now - start
            if len(online) >= args.screens:
                t_online = now - start
            if now >= next_report:
                print('%5.0f s: %d paired, %d online, simulator %.0f CPU s' %
                      (now - start, len(paired), len(online), cpu_seconds(sim.pid)), file=sys.stderr)
                next_report += 10
        setup_cpu = cpu_seconds(sim.pid)
        server_setup_cpu = cpu_seconds(server.pid) - server_cpu0

        # Keep draining stdout while measuring, so the simulator never blocks on it.
        sim_cpu0, server_cpu1 = cpu_seconds(sim.pid), cpu_seconds(server.pid)
        t0 = time.monotonic()
        while time.monotonic() - t0 < args.window:
            for _key, _ in sel.select(timeout=1):
                sim.stdout.read()
        elapsed = time.monotonic() - t0
        sim_share = (cpu_seconds(sim.pid) - sim_cpu0) / elapsed
        server_share = (cpu_seconds(server.pid) - server_cpu1) / elapsed

        print('| screens | all paired | all online | simulator CPU to get there | server CPU to get there |'
              ' heartbeating: simulator CPU | server CPU | simulator RSS | server RSS |')
        print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
        print('| %d | %s | %s | %.1f s | %.1f s | %.1f %% of a core | %.1f %% | %.0f MiB | %.0f MiB |' % (
            args.screens,
            '%.1f s' % t_paired if t_paired is not None else 'not in %d s (%d)' % (args.deadline, len(paired)),
            '%.1f s' % t_online if t_online is not None else 'not in %d s (%d)' % (args.deadline, len(online)),
            setup_cpu, server_setup_cpu, sim_share * 100, server_share * 100,
            rss_mib(sim.pid), rss_mib(server.pid)))
        return 0 if t_online is not None else 1
    finally:
        if sim is not None and sim.poll() is None:
            sim.send_signal(signal.SIGTERM)
            try:
                sim.wait(timeout=30)
            except subprocess.TimeoutExpired:
                sim.kill()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
