// The live connection to /ws: subscribe, remember {epoch, offset}, reconnect with backoff and jitter,
// and resubscribe with `since` so the server replays exactly what was missed (or answers `reset`).

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;

/** States: "connecting", "live", "reconnecting", "dbdown". */
export class LiveConnection {
  constructor({ url, feeds = ["*"], onEvent, onReset, onState }) {
    this.url = url;
    this.feeds = feeds;
    this.onEvent = onEvent;
    this.onReset = onReset;
    this.onState = onState;
    this.since = null; // {epoch, offset} of the last broadcast applied
    this.epoch = null;
    this.attempt = 0;
    this.db = "up";
    this.state = null;
    this.stopped = false;
  }

  start() { this.stopped = false; this.setState("connecting"); this.open(); }

  stop() { this.stopped = true; clearTimeout(this.timer); if (this.socket) this.socket.close(1000); }

  setState(state) {
    const shown = state === "live" && this.db === "down" ? "dbdown" : state;
    if (shown === this.state) return;
    this.state = shown;
    this.onState?.(shown);
  }

  open() {
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (_) {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (e) => this.handle(e.data);
    socket.onclose = () => { if (this.socket === socket) { this.socket = null; this.scheduleReconnect(); } };
    socket.onerror = () => socket.close();
  }

  scheduleReconnect() {
    if (this.stopped) return;
    this.setState("reconnecting");
    // Exponential backoff with "equal jitter": half fixed, half random, so viewers do not return in lockstep.
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delay);
  }

  send(obj) { if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(obj)); }

  handle(text) {
    let msg;
    try { msg = JSON.parse(text); } catch (_) { return; }
    switch (msg.type) {
      case "hello": {
        const reconnect = this.epoch !== null;
        this.epoch = msg.epoch;
        this.attempt = 0;
        this.send({ type: "subscribe", feeds: this.feeds, since: this.since });
        // Without a position (no broadcast seen yet) the server cannot replay what we missed while away:
        // reload the window instead. A server that states its current offset in `hello` lets us keep one.
        const lost = reconnect && this.since === null;
        if (this.since === null && Number.isInteger(msg.offset)) this.since = { epoch: msg.epoch, offset: msg.offset };
        this.setState("live");
        if (lost) this.onReset?.();
        break;
      }
      case "reset":
        // Our position is gone (new server process or history overflow): reload over REST from here on.
        this.since = null;
        this.onReset?.();
        break;
      case "status":
        this.db = msg.db === "down" ? "down" : "up";
        this.state = null;
        this.setState(this.socket ? "live" : "reconnecting");
        break;
      default:
        if (Number.isInteger(msg.offset) && this.epoch) {
          if (this.since && this.since.epoch === this.epoch && msg.offset <= this.since.offset) return; // seen
          this.since = { epoch: this.epoch, offset: msg.offset };
        }
        this.onEvent?.(msg);
    }
  }
}
