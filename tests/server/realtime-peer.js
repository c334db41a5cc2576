// SPDX-License-Identifier: GPL-3.0-or-later
//
// A dashboard or screen made of the official socket.io-client, for the server
// realtime tests. Usage: node realtime-peer.js <url> <token>
// Prints one JSON object per line: {ev:"connect"}, {ev:"connect_error",message,data},
// {ev:"event",name,payload,wantsAck}, {ev:"ack",id,payload}, {ev:"disconnect",reason}.
// Reads commands, one JSON object per line on stdin:
//   {op:"emit", name, payload, id}  (id set: with ack, answered as {ev:"ack",id,payload})
//   {op:"close"}
'use strict';

const path = require('path');
const readline = require('readline');
const { io } = require(path.join(process.env.VIZORA_NODE_MODULES, 'socket.io-client'));

const [url, token] = process.argv.slice(2);

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

const socket = io(url, {
  auth: { token },
  transports: ['websocket'],
  reconnection: false,
  timeout: 5000,
});

socket.on('connect', () => out({ ev: 'connect', id: socket.id }));
socket.on('connect_error', (err) => {
  out({ ev: 'connect_error', message: err.message, data: err.data === undefined ? null : err.data });
});
socket.on('disconnect', (reason) => out({ ev: 'disconnect', reason }));
socket.onAny((name, ...args) => {
  // A trailing function means the server asked for an ack: answer as a screen does.
  const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
  const payload = args.length > 0 ? args[0] : null;
  out({ ev: 'event', name, payload, wantsAck: ack !== null });
  if (ack) ack({ success: true });
});

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line);
  if (cmd.op === 'emit') {
    if (cmd.id !== undefined) {
      socket.timeout(10000).emit(cmd.name, cmd.payload, (err, reply) => {
        out({ ev: 'ack', id: cmd.id, payload: err ? { timeout: true } : reply });
      });
    } else {
      socket.emit(cmd.name, cmd.payload);
    }
  } else if (cmd.op === 'close') {
    socket.close();
  }
}).on('close', () => {
  socket.close();
  process.exit(0);
});
