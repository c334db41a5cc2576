#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Realtime client benchmark: the official socket.io server streams COUNT
`device:status` events to one client; we measure the client process only
(user+sys CPU seconds and peak RSS via /usr/bin/time), best of ROUNDS.

  run-bench.py --ours BUILD/tests/bench/realtime/bench-realtime-client \
               --floor BUILD/tests/bench/realtime/bench-realtime-floor [--count N] [--rounds R]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = os.environ.get('VIZORA_NODE_MODULES', os.path.join(HERE, '..', '..', 'interop', 'node_modules'))


def run_one(client_argv, count):
    env = dict(os.environ, VIZORA_NODE_MODULES=MODULES)
    server = subprocess.Popen(['node', os.path.join(HERE, 'bench-server.js'), str(count)],
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = server.stdout.readline()
        if not line.startswith('PORT '):
            raise RuntimeError('bench server did not start')
        url = 'http://127.0.0.1:%s' % line.split()[1]
        with tempfile.NamedTemporaryFile('r') as out:
            start = time.monotonic()
            rc = subprocess.call(['/usr/bin/time', '-f', '%U %S %M', '-o', out.name] +
                                 client_argv + [url, str(count)], env=env, timeout=600)
            wall = time.monotonic() - start
            fields = out.read().split()
        if rc != 0:
            raise RuntimeError('%s exited with %d' % (client_argv[-1], rc))
        user, system, rss_kb = float(fields[-3]), float(fields[-2]), int(fields[-1])
        return user + system, rss_kb / 1024.0, wall
    finally:
        server.kill()
        server.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--ours', required=True)
    parser.add_argument('--floor', required=True)
    parser.add_argument('--count', type=int, default=200000)
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()

    clients = [
        ('VzRealtimeClient (ours)', [args.ours]),
        ('node socket.io-client 4.8.1', ['node', os.path.join(HERE, 'node-client.js')]),
        ('floor: libsoup frames only', [args.floor]),
    ]
    results = {name: [] for name, _ in clients}
    for r in range(args.rounds):
        for name, argv in clients:
            cpu, rss, wall = run_one(argv, args.count)
            results[name].append((cpu, rss, wall))
            print('round %d  %-30s cpu %.2f s  rss %.1f MiB  wall %.2f s' % (r + 1, name, cpu, rss, wall),
                  file=sys.stderr)

    print('| client | CPU s (user+sys) | peak RSS MiB | events/s (wall) |')
    print('|---|---:|---:|---:|')
    best = {}
    for name, _ in clients:
        cpu = min(x[0] for x in results[name])
        rss = min(x[1] for x in results[name])
        wall = min(x[2] for x in results[name])
        best[name] = (cpu, rss)
        print('| %s | %.2f | %.1f | %.0f |' % (name, cpu, rss, args.count / wall))
    ours, peer = best[clients[0][0]], best[clients[1][0]]
    print()
    print('ours/node: CPU %.2f×, RSS %.2f×  (targets: ≤ 1.00×, ≤ 0.25×)' % (ours[0] / peer[0], ours[1] / peer[1]))


if __name__ == '__main__':
    main()
