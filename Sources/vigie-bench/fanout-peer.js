// The node-ws peer of `vigie-bench fanout`: the same protocol as the Swift fan-out server.
// Viewers connect to "/"; each text message from "/?role=sender" is sent to every viewer.
// usage: NODE_PATH=/usr/share/nodejs node fanout-peer.js [PORT]   → prints "ready ws://127.0.0.1:PORT/"
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const server = http.createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false });
const viewers = new Set();

wss.on('connection', (ws, request) => {
  if (request.url.includes('role=sender')) {
    ws.on('message', (data) => {
      for (const viewer of viewers) viewer.send(data, { binary: false });
    });
  } else {
    viewers.add(ws);
    ws.on('close', () => viewers.delete(ws));
  }
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', 4096, () => {
  console.log(`ready ws://127.0.0.1:${server.address().port}/`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
