/**
 * Memory channels: `openMemoryChannel<T>(maxBufferSize)` → `[send, receive]`.
 *
 * How values move: a receiver parked in the receive queue is handed a value directly by the
 * next `send`; a sender that finds no receiver and no room parks in the send queue with its
 * value, and the next `receive` takes it (into the buffer, in order, when there is one).
 * Both queues are parking lots, so waiters are served in FIFO order, and a cancelled
 * `send` or `receive` leaves the channel exactly as if it had not been called: a parked
 * sender's value is only ever taken together with waking it, and a woken wait can no
 * longer be cancelled.
 *
 * @module
 */
import {
  ParkingLot,
  checkInteger,
  currentFrame,
  operation,
  type Operation,
  type Waiter,
} from "./core";
import { BrokenResourceError, ClosedResourceError, EndOfChannel, WouldBlock } from "./errors";

/** What `statistics()` of either end reports. */
export interface MemoryChannelStatistics {
  /** Values in the buffer now. */
  readonly currentBufferUsed: number;
  /** The buffer's size (`Infinity` allowed; 0 is a rendezvous). */
  readonly maxBufferSize: number;
  /** Sending ends (clones included) not yet closed. */
  readonly openSendChannels: number;
  /** Receiving ends (clones included) not yet closed. */
  readonly openReceiveChannels: number;
  /** Tasks blocked in `send()`. */
  readonly tasksWaitingSend: number;
  /** Tasks blocked in `receive()`. */
  readonly tasksWaitingReceive: number;
}

/** A small FIFO of values with O(1) push and shift. */
class Queue<T> {
  private _items: (T | undefined)[] = [];
  private _head = 0;

  get length(): number {
    return this._items.length - this._head;
  }

  push(v: T): void {
    this._items.push(v);
  }

  shift(): T {
    const v = this._items[this._head] as T;
    this._items[this._head++] = undefined;
    if (this._head > 1024 && this._head * 2 > this._items.length) {
      this._items = this._items.slice(this._head);
      this._head = 0;
    }
    return v;
  }

  clear(): void {
    this._items = [];
    this._head = 0;
  }
}

/** @internal The state both ends share. */
class ChannelState<T> {
  readonly buffer = new Queue<T>();
  readonly sendLot = new ParkingLot();
  readonly receiveLot = new ParkingLot();
  openSend = 1;
  openReceive = 1;
  constructor(readonly max: number) {}

  statistics(): MemoryChannelStatistics {
    return {
      currentBufferUsed: this.buffer.length,
      maxBufferSize: this.max,
      openSendChannels: this.openSend,
      openReceiveChannels: this.openReceive,
      tasksWaitingSend: this.sendLot.size,
      tasksWaitingReceive: this.receiveLot.size,
    };
  }
}

/**
 * The sending end of a memory channel.
 *
 * Cancellation: `send()` is a checkpoint, even when it need not wait. A cancelled `send()`
 * has not sent its value, and leaves the channel and the other senders' order as they were.
 *
 * @typeParam T - the type of the values
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const [send, receive] = giambio.openMemoryChannel<string>(1);
 *   await send.send("hello");
 *   send.close(); // receivers get EndOfChannel once the buffer is drained
 *   console.log(await receive.receive());
 * });
 * ```
 *
 * ```text
 * hello
 * ```
 */
export class MemorySendChannel<T> implements AsyncDisposable {
  private _closed = false;

  /** @internal Made by `openMemoryChannel` and `clone()`. */
  constructor(private readonly _state: ChannelState<T>) {
    if (!(_state instanceof ChannelState)) throw handMade("MemorySendChannel");
  }

  /**
   * Sends `value`, waiting while the buffer is full (and, for a rendezvous channel, until
   * a receiver takes it).
   *
   * @throws `ClosedResourceError` if this end was closed; `BrokenResourceError` if every
   *   receiving end is closed; `Cancelled` when cancelled first (nothing was sent)
   */
  send(value: T): Promise<void> {
    return operation(
      "MemorySendChannel.send",
      currentFrame("MemorySendChannel.send"),
      sendValue<T>,
      this,
      value,
    );
  }

  /**
   * Sends `value` at once if a receiver is waiting or the buffer has room.
   *
   * @throws `WouldBlock` if it would have to wait; `ClosedResourceError`;
   *   `BrokenResourceError`
   */
  sendNoWait(value: T): void {
    this._checkUsable();
    if (!this._offer(value)) throw new WouldBlock("The channel's buffer is full");
  }

  /**
   * Closes this end (idempotent). When every sending end is closed, receivers get
   * `EndOfChannel` once the buffer is drained; tasks blocked in `send()` on this very end
   * get `ClosedResourceError`. Not a checkpoint.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    const s = this._state;
    for (const w of s.sendLot.all()) {
      if (w.end === this)
        w.fail(new ClosedResourceError("The sending end was closed while a send() waited on it"));
    }
    if (--s.openSend === 0) {
      for (let w = s.receiveLot.shift(); w !== null; w = s.receiveLot.shift())
        w.fail(new EndOfChannel());
    }
  }

  /**
   * Another sending end for the same channel; the channel's sending side closes once every
   * clone is closed. @throws `ClosedResourceError` if this end was closed
   */
  clone(): MemorySendChannel<T> {
    if (this._closed) throw new ClosedResourceError("Cannot clone a sending end that was closed");
    this._state.openSend++;
    return new MemorySendChannel(this._state);
  }

  /** Closes this end, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** The channel's state: see {@link MemoryChannelStatistics}. */
  statistics(): MemoryChannelStatistics {
    return this._state.statistics();
  }

  /** @internal */
  _checkUsable(): void {
    if (this._closed) throw new ClosedResourceError("This sending end was closed");
    if (this._state.openReceive === 0) {
      throw new BrokenResourceError("Every receiving end of the channel is closed");
    }
  }

  /** @internal Hands `value` to a waiting receiver or buffers it; false if it must wait. */
  _offer(value: T): boolean {
    const s = this._state;
    const receiver = s.receiveLot.shift();
    if (receiver !== null) {
      receiver.wake(value);
      return true;
    }
    if (s.buffer.length < s.max) {
      s.buffer.push(value);
      return true;
    }
    return false;
  }

  /** @internal */
  _send(op: Operation<void>, value: T): void {
    if (op.failIfCancelled()) return;
    this._checkUsable();
    if (this._offer(value)) {
      op.now(undefined);
      return;
    }
    this._state.sendLot.park(op, value).end = this;
  }
}

/**
 * The receiving end of a memory channel. `for await (const value of receive)` receives
 * until every sender has closed.
 *
 * Cancellation: `receive()` is a checkpoint, even when a value is ready. A cancelled
 * `receive()` has taken nothing: the value stays for the next receiver.
 *
 * @typeParam T - the type of the values
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const [send, receive] = giambio.openMemoryChannel<string>(Infinity);
 *   for (const word of ["ping", "pong"]) send.sendNoWait(word);
 *   send.close();
 *   for await (const message of receive) console.log(message);
 * });
 * ```
 *
 * ```text
 * ping
 * pong
 * ```
 */
export class MemoryReceiveChannel<T> implements AsyncDisposable, AsyncIterable<T> {
  private _closed = false;

  /** @internal Made by `openMemoryChannel` and `clone()`. */
  constructor(private readonly _state: ChannelState<T>) {
    if (!(_state instanceof ChannelState)) throw handMade("MemoryReceiveChannel");
  }

  /**
   * Receives the next value, waiting until there is one.
   *
   * @throws `EndOfChannel` once every sending end is closed and the buffer is empty;
   *   `ClosedResourceError` if this end was closed; `Cancelled` when cancelled first
   */
  receive(): Promise<T> {
    return operation(
      "MemoryReceiveChannel.receive",
      currentFrame("MemoryReceiveChannel.receive"),
      receiveValue<T>,
      this,
      undefined,
    );
  }

  /**
   * Receives a value at once if one is ready.
   *
   * @throws `WouldBlock` if none is; `EndOfChannel`; `ClosedResourceError`
   */
  receiveNoWait(): T {
    if (this._closed) throw new ClosedResourceError("This receiving end was closed");
    const got = this._take();
    if (got.ok) return got.value;
    if (this._state.openSend === 0) throw new EndOfChannel();
    throw new WouldBlock("No value is ready");
  }

  /**
   * Closes this end (idempotent). When every receiving end is closed, senders get
   * `BrokenResourceError` and the buffer is dropped; tasks blocked in `receive()` on this
   * very end get `ClosedResourceError`. Not a checkpoint.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    const s = this._state;
    for (const w of s.receiveLot.all()) {
      if (w.end === this)
        w.fail(
          new ClosedResourceError("The receiving end was closed while a receive() waited on it"),
        );
    }
    if (--s.openReceive === 0) {
      s.buffer.clear();
      for (let w = s.sendLot.shift(); w !== null; w = s.sendLot.shift()) {
        w.fail(new BrokenResourceError("Every receiving end of the channel was closed"));
      }
    }
  }

  /**
   * Another receiving end for the same channel (values go to one of them); the receiving
   * side closes once every clone is closed. @throws `ClosedResourceError` if this end was closed
   */
  clone(): MemoryReceiveChannel<T> {
    if (this._closed) throw new ClosedResourceError("Cannot clone a receiving end that was closed");
    this._state.openReceive++;
    return new MemoryReceiveChannel(this._state);
  }

  /** Closes this end, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** Receives until `EndOfChannel`; leaving the loop early does not close the channel. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let value: T;
      try {
        value = await this.receive();
      } catch (err) {
        if (err instanceof EndOfChannel) return;
        throw err;
      }
      yield value;
    }
  }

  /** The channel's state: see {@link MemoryChannelStatistics}. */
  statistics(): MemoryChannelStatistics {
    return this._state.statistics();
  }

  /** @internal Takes a ready value: from the buffer (refilled from a parked sender) or a sender. */
  _take(): { ok: true; value: T } | { ok: false } {
    const s = this._state;
    if (s.buffer.length > 0) {
      const value = s.buffer.shift();
      const sender = s.sendLot.shift();
      if (sender !== null) {
        s.buffer.push(sender.data as T);
        sender.wake(undefined);
      }
      return { ok: true, value };
    }
    const sender: Waiter | null = s.sendLot.shift();
    if (sender !== null) {
      sender.wake(undefined);
      return { ok: true, value: sender.data as T };
    }
    return { ok: false };
  }

  /** @internal */
  _receive(op: Operation<T>): void {
    if (op.failIfCancelled()) return;
    if (this._closed) throw new ClosedResourceError("This receiving end was closed");
    const got = this._take();
    if (got.ok) op.now(got.value);
    else if (this._state.openSend === 0) throw new EndOfChannel();
    else this._state.receiveLot.park(op).end = this;
  }
}

function handMade(what: string): TypeError {
  return new TypeError(
    `${what} objects are made by openMemoryChannel() (or clone()); do not construct them`,
  );
}

function sendValue<T>(op: Operation<void>, end: MemorySendChannel<T>, value: T): void {
  end._send(op, value);
}

function receiveValue<T>(op: Operation<T>, end: MemoryReceiveChannel<T>): void {
  end._receive(op);
}

/**
 * Opens an in-memory channel: values sent on the first end are received, in order, on the
 * second. `maxBufferSize` values may wait in the buffer; a `send()` beyond that waits for a
 * receiver (backpressure). `0` makes a rendezvous: each `send()` waits until a `receive()`
 * takes its value. `Infinity` never blocks senders.
 *
 * @param maxBufferSize - an integer >= 0, or `Infinity`
 * @returns `[send, receive]`
 * @throws `TypeError` for a negative, fractional or non-number size
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const [send, receive] = giambio.openMemoryChannel<number>(10);
 *   giambio.spawn(async () => {
 *     await using _ = send; // closed when the task ends: the loop below then ends
 *     for (let i = 0; i < 3; i++) await send.send(i);
 *   });
 *   for await (const n of receive) console.log(n);
 * });
 * ```
 *
 * ```text
 * 0
 * 1
 * 2
 * ```
 */
export function openMemoryChannel<T>(
  maxBufferSize: number,
): [MemorySendChannel<T>, MemoryReceiveChannel<T>] {
  checkInteger(maxBufferSize, "maxBufferSize", 0, Number.MAX_SAFE_INTEGER, true);
  const state = new ChannelState<T>(maxBufferSize);
  return [new MemorySendChannel(state), new MemoryReceiveChannel(state)];
}
