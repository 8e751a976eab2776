/**
 * `Incoming`: the receiving half of a byte stream, shared by `AsyncSocket` and
 * `MemoryStream`: a queue of chunks, at most one parked receiver, and end of stream.
 *
 * Why the bytes are taken at wake-up: a receiver is handed its bytes in the same step that
 * wakes it, and a woken wait can no longer be cancelled, so a cancelled `receive` never
 * loses bytes; they stay queued for the next call.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import type { Operation } from "../core";
import { BusyResourceError } from "../errors";

const EMPTY = new Uint8Array(0);

/** @internal The receiving half of a byte stream (see the module comment). */
export class Incoming {
  /** @internal */
  private readonly _chunks: Uint8Array[] = [];
  /** Bytes queued and not yet received. */
  buffered = 0;
  /** The sender has finished (or gone): once drained, `receive` returns an empty result. */
  eof = false;
  /** @internal The parked `receive` operation, if any. */
  private _receiver: Operation<Uint8Array> | null = null;
  /** @internal How many bytes the parked receiver takes at most. */
  private _max = 0;

  /**
   * @param _noun - what the stream is called in the busy error ("socket", "stream")
   * @param _taken - called after bytes were taken (to resume a paused socket, or wake a
   *   sender waiting for room)
   */
  constructor(
    /** @internal */ private readonly _noun: string,
    /** @internal */ private readonly _taken: () => void,
  ) {}

  /** Queues a chunk; a parked receiver gets its bytes at once. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this._chunks.push(chunk);
    this.buffered += chunk.length;
    const r = this._receiver;
    if (r !== null) {
      this._receiver = null;
      r.wake(this.take(this._max));
    }
  }

  /** End of stream: a parked receiver with nothing left to read gets an empty result. */
  end(): void {
    if (this.eof) return;
    this.eof = true;
    const r = this._receiver;
    if (r !== null && this.buffered === 0) {
      this._receiver = null;
      r.wake(EMPTY);
    }
  }

  /** Fails the parked receiver with `err`: always, or only when nothing is left to read. */
  fail(err: unknown, always: boolean): void {
    const r = this._receiver;
    if (r !== null && (always || this.buffered === 0)) {
      this._receiver = null;
      r.fail(err);
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
   * The body of `receive(max)` for operation `op` (whose name `taskTree()` shows), once the
   * stream's own checks (cancelled, closed) have passed: completes at once with queued
   * bytes, with an empty result at end of stream, fails with `error` (if not `null`) once
   * drained, or parks `op`. The bytes are taken when `op` completes or is woken, never
   * when it is cancelled.
   */
  receive(op: Operation<Uint8Array>, max: number, error: unknown): void {
    if (this._receiver !== null) {
      op.fail(new BusyResourceError(`Another task is already receiving on this ${this._noun}`));
      return;
    }
    if (this.buffered > 0) {
      op.now(this.take(max));
      return;
    }
    if (error !== null) {
      op.fail(error);
      return;
    }
    if (this.eof) {
      op.now(EMPTY);
      return;
    }
    op.parkHere();
    this._receiver = op;
    this._max = max;
    op.cleanup = () => {
      if (this._receiver === op) this._receiver = null;
    };
  }
}
