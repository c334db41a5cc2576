// SPDX-License-Identifier: GPL-3.0-or-later
//
// The official socket.io-client, driven by the C tests in this folder.
// Usage: node hub-client.js <url> <scenario> <token> [transports]
// Prints one JSON object per line on stdout; the C side reads them and
// answers (emits from the hub) by writing lines to our stdin.
'use strict';

const path = require('path');
const readline = require('readline');
const modules = process.env.VIZORA_NODE_MODULES;
const { io } = require(path.join(modules, 'socket.io-client'));

const [url, scenario, token, transportsArg] = process.argv.slice(2);
const transports = transportsArg ? transportsArg.split(',') : undefined;

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

const options = {
  auth: { token },
  reconnection: scenario === 'reconnect',
  timeout: 5000,
};
if (transports) options.transports = transports;

const socket = io(url, options);
const engineOf = () => socket.io.engine;

// The Engine.IO link opens (and may upgrade) before the Socket.IO CONNECT completes.
socket.io.on('open', () => {
  out({ ev: 'open', transport: engineOf().transport.name });
  engineOf().once('upgrade', (t) => out({ ev: 'upgrade', transport: t.name }));
});
socket.on('connect', () => {
  out({ ev: 'connect', id: socket.id, transport: engineOf().transport.name });
});
socket.on('connect_error', (err) => {
  out({ ev: 'connect_error', message: err.message, data: err.data === undefined ? null : err.data });
  socket.close();
  setTimeout(() => process.exit(0), 50);
});
socket.on('disconnect', (reason) => out({ ev: 'disconnect', reason }));
socket.io.on('ping', () => out({ ev: 'ping' }));

// Everything the server sends, with its arguments; acks answered with a fixed shape.
socket.onAny((event, ...args) => {
  const last = args[args.length - 1];
  if (typeof last === 'function') {
    const ack = args.pop();
    out({ ev: 'event', name: event, args, ack: true });
    ack({ success: true, echo: args[0] === undefined ? null : args[0] });
  } else {
    out({ ev: 'event', name: event, args, ack: false });
  }
});

// Commands from the C test, one JSON object per line.
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    out({ ev: 'bad-command' });
    return;
  }
  if (cmd.op === 'emit') {
    socket.emit(cmd.name, cmd.payload);
    out({ ev: 'emitted', name: cmd.name });
  } else if (cmd.op === 'emit-ack') {
    socket.timeout(cmd.timeout || 3000).emit(cmd.name, cmd.payload, (err, ...args) => {
      out({ ev: 'ack', name: cmd.name, error: err ? err.message : null, args });
    });
  } else if (cmd.op === 'state') {
    out({ ev: 'state', connected: socket.connected, transport: socket.connected ? engineOf().transport.name : null });
  } else if (cmd.op === 'close') {
    socket.close();
    out({ ev: 'closed' });
    setTimeout(() => process.exit(0), 50);
  }
});
rl.on('close', () => {
  socket.close();
  process.exit(0);
});
