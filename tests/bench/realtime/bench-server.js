// SPDX-License-Identifier: GPL-3.0-or-later
// The official Socket.IO server streaming COUNT `device:status` events to the
// first client that connects (with auth token "bench-token"), as fast as the
// client takes them: chunks of 500, the next chunk only once the WebSocket's
// send buffer has drained below 1 MiB, so nothing buffers the whole stream.
// The stream is deterministic (seeded), so every client sees the same bytes.
// With --every, each client that connects gets the whole stream, one after
// the other (the server stays up: two builds' clients measured in turn).
// Prints "PORT <n>" when listening and "SENT <count> <ms>" when done.
'use strict';

const path = require('path');
const http = require('http');
const modules = process.env.VIZORA_NODE_MODULES || path.join(__dirname, '..', '..', 'interop', 'node_modules');
const { Server } = require(path.join(modules, 'socket.io'));

const COUNT = Number(process.argv[2] || 200000);
const EVERY = process.argv.includes('--every');
const CHUNK = 500;
const HIGH_WATER = 1 << 20;

// xorshift32: a fixed stream without depending on node's Math.random.
let seed = 0x2545f491;
function rand32() {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}
function uuid() {
  const h = (n) => rand32().toString(16).padStart(8, '0').slice(0, n);
  return `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(8)}${h(4)}`;
}
const devices = Array.from({ length: 10000 }, uuid);
const base = Date.UTC(2026, 0, 1);

const httpServer = http.createServer();
const io = new Server(httpServer, { transports: ['websocket'], perMessageDeflate: false });
io.use((socket, next) => {
  if (socket.handshake.auth && socket.handshake.auth.token === 'bench-token')
    return next();
  const err = new Error('auth_invalid');
  err.data = { code: 'AUTH_INVALID' };
  next(err);
});

const streamSeed = seed;
let streaming = false;
io.on('connection', (socket) => {
  if (streaming && !EVERY)
    return;
  streaming = true;
  seed = streamSeed;
  const ws = socket.conn.transport.socket;
  const started = Date.now();
  let i = 0;
  const pump = () => {
    if (socket.disconnected)
      return;
    if (ws && ws.bufferedAmount > HIGH_WATER)
      return setTimeout(pump, 1);
    const end = Math.min(COUNT, i + CHUNK);
    for (; i < end; i++) {
      const r = rand32();
      const at = new Date(base + i * 37).toISOString();
      socket.emit('device:status', {
        deviceId: devices[r % devices.length],
        status: (r & 0x100) ? 'online' : 'offline',
        lastSeen: at,
        timestamp: at,
      });
    }
    if (i < COUNT)
      setImmediate(pump);
    else
      process.stdout.write(`SENT ${COUNT} ${Date.now() - started}\n`);
  };
  pump();
});

httpServer.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${httpServer.address().port}\n`));
