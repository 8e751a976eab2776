/**
 * `Incoming`: the receiving half of a byte stream, shared by `AsyncSocket` and
 * `MemoryStream`: a queue of chunks, at most one parked receiver, and end of stream.
 *
 * Why the bytes are taken at wake-up: a receiver is handed its bytes in the same step that
 * wakes it, and a woken wait can no longer be cancelled, so a cancelled `receive` never
 * loses bytes; they stay queued for the next call.
 *
 * @internal
 * @module
 */
import type { Frame } from "../core/context";
import { Waiter } from "../core/waiter";
import { BusyResourceError } from "../errors";
import { cancelledIn, yieldShielded } from "../sleep";

const EMPTY = new Uint8Array(0);

export class Incoming {
  private readonly _chunks: Uint8Array[] = [];
  /** Bytes queued and not yet received. */
  buffered = 0;
  /** The sender has finished (or gone): once drained, `receive` returns an empty result. */
  eof = false;
  private _receiver: Waiter<Uint8Array> | null = null;
  private _max = 0;

  /**
   * @param _what - the operation's name, for `taskTree()`
   * @param _noun - what the stream is called in the busy error ("socket", "stream")
   * @param _taken - called after bytes were taken (to resume a paused socket, or wake a
   *   sender waiting for room)
   */
  constructor(
    private readonly _what: string,
    private readonly _noun: string,
    private readonly _taken: () => void,
  ) {}

  /** Queues a chunk; a parked receiver gets its bytes at once. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this._chunks.push(chunk);
    this.buffered += chunk.length;
    const r = this._receiver;
    if (r !== null) {
      this._receiver = null;
      r._wake(this.take(this._max));
    }
  }

  /** End of stream: a parked receiver with nothing left to read gets an empty result. */
  end(): void {
    if (this.eof) return;
    this.eof = true;
    const r = this._receiver;
    if (r !== null && this.buffered === 0) {
      this._receiver = null;
      r._wake(EMPTY);
    }
  }

  /** Fails the parked receiver with `err`: always, or only when nothing is left to read. */
  fail(err: unknown, always: boolean): void {
    const r = this._receiver;
    if (r !== null && (always || this.buffered === 0)) {
      this._receiver = null;
      r._fail(err);
    }
  }

  /** Takes up to `max` queued bytes (at least one must be queued). */
  take(max: number): Uint8Array {
    const chunks = this._chunks;
    const first = chunks[0] as Uint8Array;
    let out: Uint8Array;
    if (first.length > max) {
      out = first.subarray(0, max);
      chunks[0] = first.subarray(max);
    } else if (first.length === max || chunks.length === 1) {
      out = first;
      chunks.shift();
    } else {
      const parts: Uint8Array[] = [];
      let n = 0;
      while (chunks.length > 0 && n < max) {
        const c = chunks[0] as Uint8Array;
        if (n + c.length <= max) {
          parts.push(c);
          n += c.length;
          chunks.shift();
        } else {
          parts.push(c.subarray(0, max - n));
          chunks[0] = c.subarray(max - n);
          n = max;
        }
      }
      out = Buffer.concat(parts, n);
    }
    this.buffered -= out.length;
    this._taken();
    return out;
  }

  /**
   * `receive(max)`, once the stream's own checks (closed) have passed: a checkpoint that
   * returns queued bytes, an empty result at end of stream, `error` (if not `null`) once
   * drained, or parks.
   */
  receive(frame: Frame, max: number, error: unknown): Promise<Uint8Array> {
    const cancelled = cancelledIn(frame);
    if (cancelled !== null) return cancelled;
    if (this._receiver !== null) {
      return Promise.reject(
        new BusyResourceError(`Another task is already receiving on this ${this._noun}`),
      );
    }
    if (this.buffered > 0) {
      const data = this.take(max);
      return yieldShielded(frame).then(() => data);
    }
    if (error !== null) return Promise.reject(error);
    if (this.eof) return yieldShielded(frame).then(() => EMPTY);
    const w = new Waiter<Uint8Array>(frame._task, frame._scope, this._what);
    this._receiver = w;
    this._max = max;
    w._cleanup = () => {
      if (this._receiver === w) this._receiver = null;
    };
    return w.promise;
  }
}
