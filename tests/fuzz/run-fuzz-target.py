#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs one libFuzzer target for a fixed time over its seed corpus.

Usage: run-fuzz-target.py FUZZER CORPUS ARTIFACT-DIR DICT [LIBFUZZER-ARG...]

The seed corpus is only read: what the fuzzer finds new goes to a temporary
folder. VIZORA_FUZZ_SECONDS sets the time (default 20). When the target
crashes, leaks, times out or runs out of memory, the input is printed (hex,
text and base64) with the command that reproduces it, and the exit status is 1.
"""
import base64
import os
import re
import subprocess
import sys
import tempfile


def show_input(path, target):
    with open(path, 'rb') as f:
        data = f.read()
    print(f'\n=== The input that {target} failed on: {path} ({len(data)} bytes)')
    print('--- as text (Python escapes):')
    print(repr(data[:4096]) + (' …' if len(data) > 4096 else ''))
    print('--- as hex:')
    for off in range(0, min(len(data), 1024), 16):
        chunk = data[off:off + 16]
        print(f'{off:08x}  {chunk.hex(" "):<47}  ' + ''.join(chr(b) if 32 <= b < 127 else '.' for b in chunk))
    if len(data) <= 65536:
        print('--- as base64:')
        print(base64.b64encode(data).decode())


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    fuzzer, corpus, artifacts, dictionary = sys.argv[1:5]
    extra = sys.argv[5:]
    seconds = int(os.environ.get('VIZORA_FUZZ_SECONDS', '20'))
    target = os.path.basename(fuzzer)
    corpus_name = os.path.basename(os.path.normpath(corpus))

    seeds = [n for n in os.listdir(corpus)] if os.path.isdir(corpus) else []
    if not seeds:
        print(f'The seed corpus {corpus} of {target} is missing or empty.')
        return 1

    os.makedirs(artifacts, exist_ok=True)
    prefix = os.path.join(artifacts, target + '-')
    before = set(os.listdir(artifacts))

    with tempfile.TemporaryDirectory(prefix='vizora-fuzz-corpus-') as work:
        command = [fuzzer, f'-max_total_time={seconds}', '-timeout=20', '-rss_limit_mb=4096',
                   '-print_final_stats=1', f'-artifact_prefix={prefix}']
        if os.path.exists(dictionary):
            command.append(f'-dict={dictionary}')
        command += extra + [work, corpus]
        print('Running: ' + ' '.join(command), flush=True)
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, errors='replace')

    output = proc.stdout
    executions = re.search(r'stat::number_of_executed_units:\s*(\d+)', output)
    # Targets run in parallel and share the folder: only this target's inputs count.
    new = sorted(n for n in set(os.listdir(artifacts)) - before if n.startswith(target + '-'))
    if proc.returncode == 0 and not new:
        # The progress lines are many; the end says what was done.
        print('\n'.join(output.splitlines()[-15:]))
        print(f'{target}: {executions.group(1) if executions else "?"} executions in {seconds} s, nothing found.')
        return 0

    print(output)
    print(f'{target} failed (exit status {proc.returncode}).')
    for name in new:
        path = os.path.join(artifacts, name)
        show_input(path, target)
        print(f'\nReproduce: {fuzzer} {path}')
        print(f'Keep it as a regression input once fixed: cp {path} tests/fuzz/corpus/{corpus_name}/')
    if not new:
        print('libFuzzer wrote no input file: see its output above.')
    return 1


if __name__ == '__main__':
    sys.exit(main())
