// Independent WebSocket client (Debian's node-ws) driving Vigie's server in interop tests.
// usage: NODE_PATH=/usr/share/nodejs node ws-client.js ws://127.0.0.1:PORT/PATH echo|hub
// Prints one JSON line per completed step; exits 0 when every step passed, 1 otherwise.
'use strict';
const WebSocket = require('ws');

const [url, mode] = process.argv.slice(2);
if (!url || !['echo', 'hub'].includes(mode)) {
  console.error('usage: node ws-client.js URL echo|hub');
  process.exit(2);
}

const ws = new WebSocket(url);
const inbox = [];
const waiters = [];
ws.on('message', (data, isBinary) => {
  const item = { data, isBinary };
  const waiter = waiters.shift();
  if (waiter) waiter(item); else inbox.push(item);
});
const nextMessage = () => new Promise((resolve) => {
  const item = inbox.shift();
  if (item) resolve(item); else waiters.push(resolve);
});
const step = (name, ok, detail) => {
  console.log(JSON.stringify({ step: name, ok, detail }));
  if (!ok) { console.error(`step ${name} failed: ${detail}`); process.exit(1); }
};

setTimeout(() => { console.error('timed out'); process.exit(1); }, 15000).unref();
ws.on('error', (error) => { console.error(`error: ${error.message}`); process.exit(1); });

async function echo() {
  ws.send('hello é €');
  let reply = await nextMessage();
  step('text', !reply.isBinary && reply.data.toString() === 'hello é €', reply.data.toString());

  const bytes = Buffer.from([...Array(256).keys()]);
  ws.send(bytes, { binary: true });
  reply = await nextMessage();
  step('binary', reply.isBinary && Buffer.compare(reply.data, bytes) === 0, reply.data.length);

  ws.send('frag', { fin: false });
  ws.send('men', { fin: false });
  ws.send('ted', { fin: true });
  reply = await nextMessage();
  step('fragments', reply.data.toString() === 'fragmented', reply.data.toString());

  const big = 'x'.repeat(200000) + 'é';
  ws.send(big);
  reply = await nextMessage();
  step('large', reply.data.toString() === big, reply.data.length);

  const pong = new Promise((resolve) => ws.once('pong', resolve));
  ws.ping('are you there');
  const payload = await pong;
  step('ping', payload.toString() === 'are you there', payload.toString());
}

async function hub() {
  ws.send('sub:*');
  const reply = await nextMessage();
  step('subscribed', reply.data.toString() === 'ok', reply.data.toString());
  const first = await nextMessage();
  const second = await nextMessage();
  step('broadcast', first.data.toString() === 'b1' && second.data.toString() === 'b2',
       `${first.data} ${second.data}`);
}

ws.on('open', async () => {
  await (mode === 'echo' ? echo() : hub());
  ws.on('close', (code) => {
    step('close', code === 1000, code);
    process.exit(0);
  });
  ws.close(1000, 'done');
});
