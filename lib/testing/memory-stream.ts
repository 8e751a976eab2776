/**
 * `memoryStreamPair()`: two connected in-memory streams, for testing protocols without
 * sockets.
 *
 * @module
 */
import { activeFrame, type Frame } from "../core/context";
import { operation } from "../core/operation";
import { checkInteger } from "../core/validate";
import { Waiter } from "../core/waiter";
import { BrokenResourceError, BusyResourceError, ClosedResourceError } from "../errors";
import { checkBytes, checkMaxBytes } from "../io/socket";
import { Incoming } from "../io/incoming";
import type { Stream } from "../io/stream";
import { cancelledIn, yieldShielded } from "../sleep";

const DEFAULT_MAX = 65536;

/**
 * One end of a {@link memoryStreamPair}: the same interface as a TCP stream. Bytes sent on
 * one end are received on the other. `sendAll` hands its bytes to the peer at once and
 * then waits while the peer has more than `limit` bytes unread (backpressure).
 *
 * @example
 * ```ts
 * const [a, b] = memoryStreamPair();
 * await a.sendAll(Buffer.from("hi"));
 * await a.sendEof();
 * await b.receive(); // "hi", then an empty result
 * ```
 */
export class MemoryStream implements Stream {
  /** @internal */ _peer!: MemoryStream;
  /** @internal What the peer sent and this end has not received yet. */
  readonly _in = new Incoming("MemoryStream.receive", "stream", () => this._wakePeerSender());
  private _closed = false;
  private _eofSent = false;
  private _sender: Waiter<void> | null = null;
  private _sending = false;

  /** @internal */
  constructor(private readonly _limit: number) {}

  /** @inheritDoc Stream.sendAll */
  sendAll(data: Uint8Array): Promise<void> {
    checkBytes(data);
    return operation(
      "MemoryStream.sendAll",
      activeFrame("MemoryStream.sendAll"),
      sendTo,
      this,
      data,
    );
  }

  /** @inheritDoc Stream.receive */
  receive(maxBytes: number = DEFAULT_MAX): Promise<Uint8Array> {
    checkMaxBytes(maxBytes);
    return operation(
      "MemoryStream.receive",
      activeFrame("MemoryStream.receive"),
      receiveFrom,
      this,
      maxBytes,
    );
  }

  /** @inheritDoc Stream.sendEof */
  sendEof(): Promise<void> {
    return operation(
      "MemoryStream.sendEof",
      activeFrame("MemoryStream.sendEof"),
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
    s?._fail(err);
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
    s?._fail(new BrokenResourceError("The other end of the stream was closed"));
  }

  /** @internal */
  _deliver(data: Uint8Array): void {
    this._in.push(data);
  }

  /** @internal */
  _deliverEof(): void {
    this._in.end();
  }

  /** The peer's sendAll waits for this end's queue to drain to its limit. */
  private _wakePeerSender(): void {
    const s = this._peer._sender;
    if (s !== null && this._in.buffered <= this._peer._limit) {
      this._peer._sender = null;
      s._wake(undefined);
    }
  }

  /** @internal */
  _send(frame: Frame, data: Uint8Array): Promise<void> {
    const cancelled = cancelledIn(frame);
    if (cancelled !== null) return cancelled;
    if (this._closed || this._eofSent) {
      return Promise.reject(
        new ClosedResourceError(this._closed ? "The stream was closed" : "sendEof() was called"),
      );
    }
    if (this._peer._closed)
      return Promise.reject(new BrokenResourceError("The other end of the stream was closed"));
    if (this._sending)
      return Promise.reject(
        new BusyResourceError("Another task is already sending on this stream"),
      );
    const peer = this._peer;
    peer._deliver(data);
    if (peer._in.buffered <= this._limit) return yieldShielded(frame);
    this._sending = true;
    const w = new Waiter<void>(frame._task, frame._scope, "MemoryStream.sendAll");
    this._sender = w;
    w._cleanup = () => {
      this._sending = false;
      if (this._sender === w) this._sender = null;
    };
    return w.promise;
  }

  /** @internal */
  _receive(frame: Frame, max: number): Promise<Uint8Array> {
    if (this._closed && !frame._scope._cancelled) {
      return Promise.reject(new ClosedResourceError("The stream was closed"));
    }
    return this._in.receive(frame, max, null);
  }

  /** @internal */
  _sendEof(frame: Frame): Promise<void> {
    const cancelled = cancelledIn(frame);
    if (cancelled !== null) return cancelled;
    if (this._closed) return Promise.reject(new ClosedResourceError("The stream was closed"));
    if (!this._eofSent) {
      this._eofSent = true;
      this._peer._deliverEof();
    }
    return yieldShielded(frame);
  }
}

function sendTo(frame: Frame, s: MemoryStream, data: Uint8Array): Promise<void> {
  return s._send(frame, data);
}

function receiveFrom(frame: Frame, s: MemoryStream, max: number): Promise<Uint8Array> {
  return s._receive(frame, max);
}

function eofTo(frame: Frame, s: MemoryStream): Promise<void> {
  return s._sendEof(frame);
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
 * const [client, server] = memoryStreamPair();
 * await client.sendAll(Buffer.from("ping"));
 * console.log(Buffer.from(await server.receive()).toString()); // ping
 * ```
 */
export function memoryStreamPair(limit = DEFAULT_MAX): [MemoryStream, MemoryStream] {
  checkInteger(limit, "limit", 0);
  const a = new MemoryStream(limit);
  const b = new MemoryStream(limit);
  a._peer = b;
  b._peer = a;
  return [a, b];
}
