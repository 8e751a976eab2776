/**
 * `memoryStreamPair()`: two connected in-memory streams, for testing protocols without
 * sockets.
 *
 * @module
 */
import { checkInteger, currentFrame, operation, type Operation } from "../core";
import { BrokenResourceError, BusyResourceError, ClosedResourceError } from "../errors";
import { checkBytes, checkMaxBytes } from "../io/socket";
import { Incoming } from "../io/incoming";
import type { Stream } from "../io/stream";

const DEFAULT_MAX = 65536;

/** Set while memoryStreamPair() constructs its two ends: no one else may. */
let pairing = false;

/**
 * One end of a {@link memoryStreamPair}: the same interface as a TCP stream. Bytes sent on
 * one end are received on the other. `sendAll` hands its bytes to the peer at once and
 * then waits while the peer has more than `limit` bytes unread (backpressure).
 *
 * @example
 * ```ts
 * import { memoryStreamPair } from "giambio/testing";
 *
 * await giambio.run(async () => {
 *   const [a, b] = memoryStreamPair();
 *   await a.sendAll(Buffer.from("hi"));
 *   await a.sendEof();
 *   console.log(Buffer.from(await b.receive()).toString());
 *   console.log((await b.receive()).length); // the end: an empty result
 * });
 * ```
 *
 * ```text
 * hi
 * 0
 * ```
 */
export class MemoryStream implements Stream {
  /** @internal */ _peer!: MemoryStream;
  /** @internal What the peer sent and this end has not received yet. */
  readonly _in = new Incoming("stream", () => this._wakePeerSender());
  /** @internal */
  private _closed = false;
  /** @internal */
  private _eofSent = false;
  /** @internal The `sendAll` parked until the peer's queue drains to the limit, if any. */
  private _sender: Operation<void> | null = null;
  /** @internal */
  private _sending = false;

  /** @internal */
  constructor(/** @internal */ private readonly _limit: number) {
    if (!pairing) {
      throw new TypeError(
        "MemoryStream objects are made in pairs by memoryStreamPair(); do not construct them",
      );
    }
  }

  /** @inheritDoc giambio!Stream.sendAll */
  sendAll(data: Uint8Array): Promise<void> {
    checkBytes(data);
    return operation(
      "MemoryStream.sendAll",
      currentFrame("MemoryStream.sendAll"),
      sendTo,
      this,
      data,
    );
  }

  /** @inheritDoc giambio!Stream.receive */
  receive(maxBytes: number = DEFAULT_MAX): Promise<Uint8Array> {
    checkMaxBytes(maxBytes);
    return operation(
      "MemoryStream.receive",
      currentFrame("MemoryStream.receive"),
      receiveFrom,
      this,
      maxBytes,
    );
  }

  /** @inheritDoc giambio!Stream.sendEof */
  sendEof(): Promise<void> {
    return operation(
      "MemoryStream.sendEof",
      currentFrame("MemoryStream.sendEof"),
      eofTo,
      this,
      undefined,
    );
  }

  /** Closes this end: its blocked calls get `ClosedResourceError`; the peer sees EOF, and its sends break. */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    const err = new ClosedResourceError("The stream was closed");
    this._in.fail(err, true);
    const s = this._sender;
    this._sender = null;
    s?.fail(err);
    this._peer._peerGone();
  }

  /** Closes this end, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** @internal The peer closed: EOF for receives, broken for sends. */
  _peerGone(): void {
    this._deliverEof();
    const s = this._sender;
    this._sender = null;
    s?.fail(new BrokenResourceError("The other end of the stream was closed"));
  }

  /** @internal */
  _deliver(data: Uint8Array): void {
    this._in.push(data);
  }

  /** @internal */
  _deliverEof(): void {
    this._in.end();
  }

  /** @internal The peer's sendAll waits for this end's queue to drain to its limit. */
  private _wakePeerSender(): void {
    const s = this._peer._sender;
    if (s !== null && this._in.buffered <= this._peer._limit) {
      this._peer._sender = null;
      s.wake(undefined);
    }
  }

  /** @internal The body of `sendAll()`. */
  _send(op: Operation<void>, data: Uint8Array): void {
    if (op.failIfCancelled()) return;
    if (this._closed || this._eofSent) {
      op.fail(
        new ClosedResourceError(this._closed ? "The stream was closed" : "sendEof() was called"),
      );
      return;
    }
    if (this._peer._closed) {
      op.fail(new BrokenResourceError("The other end of the stream was closed"));
      return;
    }
    if (this._sending) {
      op.fail(new BusyResourceError("Another task is already sending on this stream"));
      return;
    }
    const peer = this._peer;
    peer._deliver(data);
    if (peer._in.buffered <= this._limit) {
      op.now(undefined);
      return;
    }
    this._sending = true;
    op.parkHere();
    this._sender = op;
    op.cleanup = () => {
      this._sending = false;
      if (this._sender === op) this._sender = null;
    };
  }

  /** @internal The body of `receive()`. */
  _receive(op: Operation<Uint8Array>, max: number): void {
    if (op.failIfCancelled()) return;
    if (this._closed) {
      op.fail(new ClosedResourceError("The stream was closed"));
      return;
    }
    this._in.receive(op, max, null);
  }

  /** @internal The body of `sendEof()`. */
  _sendEof(op: Operation<void>): void {
    if (op.failIfCancelled()) return;
    if (this._closed) {
      op.fail(new ClosedResourceError("The stream was closed"));
      return;
    }
    if (!this._eofSent) {
      this._eofSent = true;
      this._peer._deliverEof();
    }
    op.now(undefined);
  }
}

function sendTo(op: Operation<void>, s: MemoryStream, data: Uint8Array): void {
  s._send(op, data);
}

function receiveFrom(op: Operation<Uint8Array>, s: MemoryStream, max: number): void {
  s._receive(op, max);
}

function eofTo(op: Operation<void>, s: MemoryStream): void {
  s._sendEof(op);
}

/**
 * Two connected in-memory streams with the interface of a TCP stream (`sendAll`,
 * `receive`, `sendEof`, `close`, `await using`), for testing a protocol without sockets,
 * on virtual time.
 *
 * @param limit - unread bytes beyond which the peer's `sendAll` waits (default 65,536)
 * @returns `[a, b]`: what `a` sends, `b` receives, and the other way round
 * @example
 * ```ts
 * import { memoryStreamPair } from "giambio/testing";
 *
 * await giambio.run(async () => {
 *   const [client, server] = memoryStreamPair();
 *   await client.sendAll(Buffer.from("ping"));
 *   console.log(Buffer.from(await server.receive()).toString());
 * });
 * ```
 *
 * ```text
 * ping
 * ```
 */
export function memoryStreamPair(limit = DEFAULT_MAX): [MemoryStream, MemoryStream] {
  checkInteger(limit, "limit", 0);
  pairing = true;
  let a: MemoryStream, b: MemoryStream;
  try {
    a = new MemoryStream(limit);
    b = new MemoryStream(limit);
  } finally {
    pairing = false;
  }
  a._peer = b;
  b._peer = a;
  return [a, b];
}
