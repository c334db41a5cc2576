// SPDX-License-Identifier: GPL-3.0-or-later
// The official Socket.IO server, driven by the C interop tests.
//
// Arguments: --port N (0 = any), --token T (the accepted auth token),
// --ping-interval MS, --ping-timeout MS, --path P, --polling-only, --drop-upgrades (act
// as a proxy that does not pass WebSocket: every upgrade request is cut),
// --rate-limit-first N:SECONDS (refuse the first N good connects as too many, with
// retryAfter SECONDS, printing RATELIMITED).
// Prints "PORT <n>" when listening, then one line per thing that happens
// (CONNECTED, AUTHFAIL, EVENT, ACKED, HEARTBEAT, DISCONNECTED). Reads one
// command per line on stdin (see `commands` below).
'use strict';

const path = require('path');
const readline = require('readline');
const http = require('http');
const modules = process.env.VIZORA_NODE_MODULES || path.join(__dirname, '..', 'node_modules');
const { Server } = require(path.join(modules, 'socket.io'));

const args = { port: 0, token: 'good-token', pingInterval: 25000, pingTimeout: 20000, pollingOnly: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--port') args.port = Number(process.argv[++i]);
  else if (a === '--token') args.token = process.argv[++i];
  else if (a === '--ping-interval') args.pingInterval = Number(process.argv[++i]);
  else if (a === '--ping-timeout') args.pingTimeout = Number(process.argv[++i]);
  else if (a === '--polling-only') args.pollingOnly = true;
  else if (a === '--drop-upgrades') args.dropUpgrades = true;
  else if (a === '--path') args.path = process.argv[++i];
  else if (a === '--rate-limit-first') {
    const [n, seconds] = process.argv[++i].split(':').map(Number);
    args.rateLimitFirst = n;
    args.retryAfter = seconds;
  }
}

const out = (line) => process.stdout.write(line + '\n');
const httpServer = http.createServer();
const io = new Server(httpServer, {
  pingInterval: args.pingInterval,
  pingTimeout: args.pingTimeout,
  transports: args.pollingOnly ? ['polling'] : ['polling', 'websocket'],
  path: args.path || '/socket.io',
});

if (args.dropUpgrades) {
  httpServer.removeAllListeners('upgrade');
  httpServer.on('upgrade', (req, socket) => socket.destroy());
}

// As the platform does: a middleware that rejects a bad token with auth_invalid.
io.use((socket, next) => {
  if (socket.handshake.auth && socket.handshake.auth.token === args.token) {
    if (args.rateLimitFirst > 0) {
      // As vizora-server refuses an 11th connect a minute with one token.
      args.rateLimitFirst--;
      out('RATELIMITED');
      const err = new Error('rate_limited');
      err.data = { code: 'RATE_LIMITED', retryAfter: args.retryAfter };
      return next(err);
    }
    return next();
  }
  out('AUTHFAIL');
  const err = new Error('auth_invalid');
  err.data = { code: 'AUTH_INVALID' };
  next(err);
});

io.on('connection', (socket) => {
  out(`CONNECTED ${socket.id} ${socket.conn.transport.name}`);
  socket.conn.on('heartbeat', () => out('HEARTBEAT'));
  socket.on('disconnect', (reason) => out(`DISCONNECTED ${reason}`));
  socket.onAny((event, ...rest) => {
    const ack = typeof rest[rest.length - 1] === 'function' ? rest.pop() : null;
    out(`EVENT ${event} ${JSON.stringify(rest)}`);
    if (ack && event !== 'noack')
      ack({ ok: true, echo: rest[0] === undefined ? null : rest[0] });
  });
});

const commands = {
  // emit NAME JSON-ARRAY-OF-ARGS
  emit(rest) {
    const sp = rest.indexOf(' ');
    const name = sp < 0 ? rest : rest.slice(0, sp);
    const payload = sp < 0 ? [] : JSON.parse(rest.slice(sp + 1));
    io.emit(name, ...payload);
  },
  // burst N: `seq` events {i} 0..N-1, in chunks so that nothing buffers it all at once
  burst(rest) {
    const n = Number(rest);
    let i = 0;
    const chunk = () => {
      const end = Math.min(n, i + 500);
      for (; i < end; i++) io.emit('seq', { i });
      if (i < n) setImmediate(chunk);
    };
    chunk();
  },
  // mixed N SIZE: `seq` events {i, pad} 0..N-1, every even one with a pad of SIZE
  // characters (long enough to be parsed off the client's main thread), all at once
  mixed(rest) {
    const [n, size] = rest.split(' ').map(Number);
    const pad = 'x'.repeat(size);
    for (let i = 0; i < n; i++)
      io.emit('seq', i % 2 === 0 ? { i, pad } : { i });
  },
  // ask NAME JSON: emit with an ack callback to every socket
  ask(rest) {
    const sp = rest.indexOf(' ');
    const name = rest.slice(0, sp);
    const payload = JSON.parse(rest.slice(sp + 1));
    for (const [, socket] of io.of('/').sockets)
      socket.emit(name, payload, (...answer) => out(`ACKED ${JSON.stringify(answer)}`));
  },
  // raw TEXT: a raw Engine.IO message (Socket.IO text after the "4"), malformed on purpose
  raw(rest) {
    for (const [, socket] of io.of('/').sockets)
      socket.conn.write(rest);
  },
  expire() {
    for (const [, socket] of io.of('/').sockets) {
      socket.emit('session:expired', { reason: 'revoked' });
      socket.disconnect(true);
    }
  },
  shutdown() {
    io.emit('server:shutdown', { reconnect: true });
    setTimeout(() => {
      io.close();
      httpServer.close();
      process.exit(0);
    }, 50);
  },
  kick() {
    for (const [, socket] of io.of('/').sockets)
      socket.disconnect(true);
  },
  count() {
    out(`COUNT ${io.of('/').sockets.size}`);
  },
};

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const sp = line.indexOf(' ');
  const cmd = sp < 0 ? line : line.slice(0, sp);
  const rest = sp < 0 ? '' : line.slice(sp + 1);
  if (commands[cmd])
    commands[cmd](rest);
  out(`DONE ${cmd}`);
});
process.stdin.on('end', () => process.exit(0));

httpServer.listen(args.port, '127.0.0.1', () => out(`PORT ${httpServer.address().port}`));
