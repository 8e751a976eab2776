/**
 * `AsyncSocket`: a Node `net.Socket` (or `tls.TLSSocket`) as a giambio stream, or a
 * `net.Server` as a listener.
 *
 * How bytes flow in: the socket runs in flowing mode and every chunk goes into a queue.
 * `receive(n)` takes up to `n` bytes from it, or parks until a chunk arrives; the bytes are
 * taken in the same step that wakes it (a woken wait cannot be cancelled), so a cancelled
 * `receive` never loses bytes. When more than `HIGH_WATER` bytes wait unread, the socket is
 * paused, so a reader that does not read pushes back on the peer through TCP itself.
 *
 * How bytes flow out: `sendAll` calls `socket.write` and settles from its callback, which
 * Node calls once the bytes are handed to the kernel; while the kernel's buffer is full the
 * callback waits, which is the backpressure.
 *
 * Errors: closing a socket yourself makes every blocked or later call throw
 * `ClosedResourceError`; a socket error (a peer reset, a broken pipe) becomes
 * `BrokenResourceError` with the Node error as `cause`. Two tasks receiving (or sending)
 * at once is a `BusyResourceError`.
 *
 * @module
 */
import * as net from "node:net";
import {
  ParkingLot,
  checkInteger,
  currentFrame,
  describe,
  operation,
  trackResource,
  type Operation,
  type TrackedResource,
} from "../core";
import { BrokenResourceError, BusyResourceError, ClosedResourceError, MultiError } from "../errors";
import { Incoming } from "./incoming";
import type { Stream } from "./stream";

/** Unread bytes beyond which the socket stops reading from the kernel. */
export const HIGH_WATER = 64 * 1024;
const DEFAULT_MAX = 65536;

/** @internal */
export function checkMaxBytes(maxBytes: unknown): asserts maxBytes is number {
  checkInteger(maxBytes, "maxBytes", 1);
}

/** @internal */
export function checkBytes(data: unknown): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(
      `Expected \`data\` to be a Uint8Array or Buffer, got ${describe(data)}; ` +
        'encode strings first, e.g. Buffer.from(text, "utf8")',
    );
  }
}

/** @internal */
export function checkPort(port: unknown, name = "port"): asserts port is number {
  checkInteger(port, name, 0, 65535);
}

/** Which stream each `BrokenResourceError` came from, for `serveTcp`'s handlers. */
const brokenStreams = new WeakMap<object, AsyncSocket>();

function broken(err: unknown, stream: AsyncSocket): BrokenResourceError {
  const code = (err as { code?: unknown } | null)?.code;
  const what = typeof code === "string" ? code : err instanceof Error ? err.message : String(err);
  const error = new BrokenResourceError(`The connection is broken (${what})`, { cause: err });
  brokenStreams.set(error, stream);
  return error;
}

/**
 * @internal Whether `err` says only that `stream` broke: a `BrokenResourceError` from that
 * stream, or a `MultiError` made only of such errors (SPEC §9: a peer hanging up is not a
 * server failure).
 */
export function onlyBroke(err: unknown, stream: AsyncSocket): boolean {
  if (err instanceof MultiError) {
    return err.errors.length > 0 && err.errors.every((e) => onlyBroke(e, stream));
  }
  return err instanceof BrokenResourceError && brokenStreams.get(err) === stream;
}

/**
 * A socket as a giambio stream (`sendAll`, `receive`, `sendEof`, `close`), or, wrapping a
 * listening `net.Server`, a listener (`accept`). Dispose it with `await using`.
 *
 * @example
 * ```ts
 * await using sock = await giambio.openTcpStream("localhost", 1501);
 * await sock.sendAll(Buffer.from("hello\n"));
 * const reply = await sock.receive(1024);
 * ```
 */
export class AsyncSocket implements Stream {
  /** The Node socket or server this wraps. */
  readonly raw: net.Socket | net.Server;
  /** @internal */
  private readonly _in = new Incoming("socket", () => this._resumeIfDrained());
  /** @internal */
  private _paused = false;
  /** @internal */
  private _error: unknown = null;
  /** @internal */
  private _closed = false;
  /** @internal */
  private _sending = false;
  /** @internal */
  private _closedPromise: Promise<void> | null = null;
  /** @internal */
  private readonly _accepted: AsyncSocket[] = [];
  /** @internal */
  private readonly _acceptLot = new ParkingLot();
  /** @internal */
  private readonly _connectionEvent: string;
  /** @internal Its registration with the run it was opened in (closed at the run's end). */
  private readonly _tracked: TrackedResource | null;
  /** @internal What a child process's pipe is called (`"the stdin of process 42"`), or `null`. */
  private readonly _pipeName: string | null;

  /**
   * @internal Use {@link wrapSocket}. `connectionEvent` is the server event that delivers a
   * new connection (`"secureConnection"` for a TLS server). `pipeName` marks one of a child
   * process's pipes (see {@link wrapPipe}).
   */
  constructor(
    raw: net.Socket | net.Server,
    connectionEvent = "connection",
    pipeName: string | null = null,
  ) {
    if (!(raw instanceof net.Socket) && !(raw instanceof net.Server)) {
      throw new TypeError(
        "AsyncSocket objects are made by wrapSocket(), openTcpStream(), listenTcp() and " +
          `the servers; do not construct them (got ${describe(raw)})`,
      );
    }
    this.raw = raw;
    this._connectionEvent = connectionEvent;
    this._pipeName = pipeName;
    if (raw instanceof net.Server) {
      raw.on(connectionEvent, (conn: net.Socket) => this._onConnection(conn));
      raw.on("error", (err: unknown) => this._onError(err));
    } else {
      // The peer's EOF must not end our sending side: sendEof() is a half-close, and the
      // stream is closed by close().
      raw.allowHalfOpen = true;
      raw.on("data", (chunk: Buffer) => this._onData(chunk));
      raw.on("end", () => this._onEnd());
      raw.on("error", (err: unknown) => this._onError(err));
      raw.on("close", () => this._onEnd());
    }
    // A pipe belongs to its process, which the run tracks (and closes) as a whole.
    this._tracked = pipeName === null ? trackResource(this) : null;
  }

  /** @internal Whether the Node socket or server is still open. */
  isResourceOpen(): boolean {
    const raw = this.raw;
    return raw instanceof net.Server ? raw.listening : !raw.destroyed;
  }

  /** @internal How a warning names it. */
  describeResource(): string {
    if (this._pipeName !== null) return this._pipeName;
    const raw = this.raw;
    if (raw instanceof net.Server) {
      const a = raw.address();
      return typeof a === "object" && a !== null
        ? `a listening socket on ${a.address}:${a.port}`
        : "a listening socket";
    }
    // The peer's address can no longer be read once the peer has reset the connection.
    return raw.remoteAddress !== undefined
      ? `a connection to ${raw.remoteAddress}:${raw.remotePort ?? "?"}`
      : `a connection from local port ${raw.localPort ?? "?"}`;
  }

  /** The local address (a listener's bound address, with the port chosen for port 0). */
  get address(): net.AddressInfo {
    // A closed net.Socket answers `{}` or the address it had: a closed socket has none.
    const a = this._closed ? null : this.raw.address();
    if (a === null || typeof a === "string" || (a as Partial<net.AddressInfo>).port === undefined)
      throw new ClosedResourceError(
        this._closed ? "The socket has no address: it was closed" : "The socket has no address",
      );
    return a as net.AddressInfo;
  }

  /** The peer's address and port, for a connected socket. */
  get remoteAddress(): { address: string | undefined; port: number | undefined } {
    const s = this.raw as net.Socket;
    return { address: s.remoteAddress, port: s.remotePort };
  }

  /** @inheritDoc Stream.sendAll */
  sendAll(data: Uint8Array): Promise<void> {
    checkBytes(data);
    this._checkStream("sendAll");
    return operation(
      "AsyncSocket.sendAll",
      currentFrame("AsyncSocket.sendAll"),
      sendBytes,
      this,
      data,
    );
  }

  /** @inheritDoc Stream.receive */
  receive(maxBytes: number = DEFAULT_MAX): Promise<Uint8Array> {
    checkMaxBytes(maxBytes);
    this._checkStream("receive");
    return operation(
      "AsyncSocket.receive",
      currentFrame("AsyncSocket.receive"),
      receiveBytes,
      this,
      maxBytes,
    );
  }

  /** @inheritDoc Stream.sendEof */
  sendEof(): Promise<void> {
    this._checkStream("sendEof");
    return operation(
      "AsyncSocket.sendEof",
      currentFrame("AsyncSocket.sendEof"),
      sendEof,
      this,
      undefined,
    );
  }

  /**
   * Waits for the next connection on a listening socket, and returns it as a stream. A
   * checkpoint; a cancelled `accept()` loses no connection (it stays for the next call).
   */
  accept(): Promise<AsyncSocket> {
    if (!(this.raw instanceof net.Server)) {
      throw new TypeError("accept() needs a listening socket (a wrapped net.Server)");
    }
    return operation(
      "AsyncSocket.accept",
      currentFrame("AsyncSocket.accept"),
      acceptConn,
      this,
      undefined,
    );
  }

  /**
   * Connects a socket that is not connected yet. A checkpoint: cancelling it destroys the
   * socket. @throws the Node error (such as `ECONNREFUSED`) if the connection fails
   */
  connect(host: string, port: number): Promise<void> {
    if (typeof host !== "string")
      throw new TypeError(`Expected \`host\` to be a string, got ${describe(host)}`);
    checkPort(port);
    if (!(this.raw instanceof net.Socket)) throw new TypeError("connect() needs a net.Socket");
    return operation("AsyncSocket.connect", currentFrame("AsyncSocket.connect"), connectTo, this, [
      host,
      port,
    ] as const);
  }

  /** Closes the socket (or stops the listener) at once; blocked calls get `ClosedResourceError`. */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._tracked?.untrack();
    const err = new ClosedResourceError("The socket was closed");
    this._in.fail(err, true);
    for (let w = this._acceptLot.shift(); w !== null; w = this._acceptLot.shift()) w.fail(err);
    const raw = this.raw;
    if (raw instanceof net.Server) {
      // The listening handle closes now; Node's close callback would also wait for every
      // connection accepted from it to end, which is not the listener's business.
      raw.close();
      this._closedPromise = null; // see [Symbol.asyncDispose]
      for (const s of this._accepted.splice(0)) s.close();
    } else {
      this._closedPromise = raw.destroyed
        ? Promise.resolve()
        : new Promise((resolve) => raw.once("close", () => resolve()));
      raw.destroy();
    }
  }

  /** Closes the socket and waits until Node has released it, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    if (this.raw instanceof net.Server) {
      // libuv releases a listening handle in the close phase of the loop: two turns of
      // setImmediate later it is gone, so `await using` leaves no handle behind.
      await new Promise<void>((resolve) => setImmediate(() => setImmediate(() => resolve())));
    } else {
      await this._closedPromise;
    }
  }

  /** @internal */
  private _checkStream(op: string): void {
    if (this.raw instanceof net.Server) {
      throw new TypeError(`${op}() needs a connected socket; this is a listener (use accept())`);
    }
  }

  /** @internal */
  private _onData(chunk: Buffer): void {
    this._in.push(chunk);
    if (this._in.buffered >= HIGH_WATER && !this._paused) {
      this._paused = true;
      (this.raw as net.Socket).pause();
    }
  }

  /** @internal */
  private _onEnd(): void {
    this._in.end();
  }

  /** @internal */
  private _onError(err: unknown): void {
    if (this._error === null) this._error = err;
    this._in.fail(broken(err, this), false);
    for (let w = this._acceptLot.shift(); w !== null; w = this._acceptLot.shift())
      w.fail(broken(err, this));
  }

  /** @internal */
  private _onConnection(conn: net.Socket): void {
    const s = new AsyncSocket(conn);
    if (this._closed) {
      s.close();
      return;
    }
    const w = this._acceptLot.shift();
    if (w !== null) w.wake(s);
    else this._accepted.push(s);
  }

  /** @internal Resumes a paused socket once the reader has caught up. */
  private _resumeIfDrained(): void {
    if (this._paused && this._in.buffered < HIGH_WATER / 2) {
      this._paused = false;
      (this.raw as net.Socket).resume();
    }
  }

  /** @internal The body of `receive()`. */
  _receive(op: Operation<Uint8Array>, max: number): void {
    if (op.failIfCancelled()) return;
    if (this._closed) {
      op.fail(new ClosedResourceError("The socket was closed"));
      return;
    }
    this._in.receive(op, max, this._error === null ? null : broken(this._error, this));
  }

  /** @internal The body of `sendAll()`. */
  _send(op: Operation<void>, data: Uint8Array): void {
    if (op.failIfCancelled()) return;
    if (this._closed) {
      op.fail(new ClosedResourceError("The socket was closed"));
      return;
    }
    if (this._error !== null) {
      op.fail(broken(this._error, this));
      return;
    }
    if (this._sending) {
      op.fail(new BusyResourceError("Another task is already sending on this socket"));
      return;
    }
    const raw = this.raw as net.Socket;
    if (raw.writableEnded || raw.destroyed) {
      op.fail(new ClosedResourceError("The sending side was closed (sendEof)"));
      return;
    }
    this._sending = true;
    op.parkHere();
    op.cleanup = () => {
      this._sending = false;
    };
    raw.write(data, (err) => {
      if (err == null) op.wake(undefined);
      else
        op.fail(
          this._closed ? new ClosedResourceError("The socket was closed") : broken(err, this),
        );
    });
  }

  /** @internal The body of `sendEof()`. */
  _sendEof(op: Operation<void>): void {
    if (op.failIfCancelled()) return;
    if (this._closed) {
      op.fail(new ClosedResourceError("The socket was closed"));
      return;
    }
    (this.raw as net.Socket).end();
    op.now(undefined);
  }

  /** @internal The body of `accept()`. */
  _accept(op: Operation<AsyncSocket>): void {
    if (op.failIfCancelled()) return;
    if (this._closed) {
      op.fail(new ClosedResourceError("The listener was closed"));
      return;
    }
    const ready = this._accepted.shift();
    if (ready !== undefined) {
      op.now(ready);
      return;
    }
    if (this._error !== null) {
      op.fail(broken(this._error, this));
      return;
    }
    this._acceptLot.park(op);
  }

  /** @internal The body of `connect()`. */
  _connect(op: Operation<void>, host: string, port: number): void {
    if (op.failIfCancelled()) return;
    const raw = this.raw as net.Socket;
    op.parkHere();
    const onConnect = (): void => {
      raw.off("error", onError);
      op.wake(undefined);
    };
    const onError = (err: unknown): void => {
      raw.off("connect", onConnect);
      op.fail(err);
    };
    raw.once("connect", onConnect);
    raw.once("error", onError);
    op.onCancel = () => {
      raw.off("connect", onConnect);
      raw.off("error", onError);
      this.close();
    };
    raw.connect(port, host);
  }
}

function sendBytes(op: Operation<void>, s: AsyncSocket, data: Uint8Array): void {
  s._send(op, data);
}

function receiveBytes(op: Operation<Uint8Array>, s: AsyncSocket, max: number): void {
  s._receive(op, max);
}

function sendEof(op: Operation<void>, s: AsyncSocket): void {
  s._sendEof(op);
}

function acceptConn(op: Operation<AsyncSocket>, s: AsyncSocket): void {
  s._accept(op);
}

function connectTo(
  op: Operation<void>,
  s: AsyncSocket,
  [host, port]: readonly [string, number],
): void {
  s._connect(op, host, port);
}

/**
 * Wraps a Node socket as a giambio stream, or a listening `net.Server` as a listener. Wrap
 * a server after it is listening, and a socket before data can arrive (right after
 * creating it, or in the `connection` event), since the wrapper starts reading at once.
 *
 * @param sock - a `net.Socket`, a `tls.TLSSocket`, or a `net.Server` / `tls.Server`
 * @example
 * ```ts
 * import * as net from "node:net";
 * const server = net.createServer().listen(1501);
 * await using listener = giambio.wrapSocket(server);
 * const conn = await listener.accept();
 * ```
 */
export function wrapSocket(sock: net.Socket | net.Server): AsyncSocket {
  if (!(sock instanceof net.Socket) && !(sock instanceof net.Server)) {
    throw new TypeError(
      `Expected \`sock\` to be a net.Socket or net.Server, got ${describe(sock)}`,
    );
  }
  const isTlsServer =
    sock instanceof net.Server &&
    typeof (sock as { addContext?: unknown }).addContext === "function";
  return new AsyncSocket(sock, isTlsServer ? "secureConnection" : "connection");
}

/**
 * @internal Wraps one of a child process's stdio pipes (a `net.Socket` Node made for it) as
 * a stream. Unlike {@link wrapSocket}, the run does not track it: its `Process` owns it.
 */
export function wrapPipe(pipe: net.Socket, name: string): AsyncSocket {
  return new AsyncSocket(pipe, "connection", name);
}
