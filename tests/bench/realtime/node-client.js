// SPDX-License-Identifier: GPL-3.0-or-later
// The peer: node socket.io-client (WebSocket transport only) counting
// `device:status` events; exits 0 after COUNT of them.
'use strict';

const path = require('path');
const modules = process.env.VIZORA_NODE_MODULES || path.join(__dirname, '..', '..', 'interop', 'node_modules');
const { io } = require(path.join(modules, 'socket.io-client'));

const url = process.argv[2];
const COUNT = Number(process.argv[3] || 200000);
let n = 0;
const socket = io(url, { transports: ['websocket'], auth: { token: 'bench-token' }, reconnection: false });
socket.on('device:status', () => {
  if (++n === COUNT) {
    socket.close();
    process.exit(0);
  }
});
socket.on('connect_error', (err) => {
  process.stderr.write(`connect error: ${err.message}\n`);
  process.exit(1);
});
