/**
 * The byte-stream interface that TCP, TLS and in-memory streams share.
 *
 * @module
 */

/**
 * A bidirectional byte stream: a TCP or TLS connection (`AsyncSocket`), or one end of a
 * `memoryStreamPair()`. Every method that can wait is a checkpoint.
 *
 * @example
 * ```ts
 * async function greet(stream: giambio.Stream): Promise<void> {
 *   await stream.sendAll(Buffer.from("hello\n"));
 *   await stream.sendEof();
 * }
 * ```
 */
export interface Stream extends AsyncDisposable {
  /**
   * Sends every byte of `data`, waiting while the peer or the kernel applies backpressure;
   * settles once the bytes have been handed on. Cancel safety: a cancelled `sendAll` may
   * have sent some of the bytes; close the stream.
   */
  sendAll(data: Uint8Array): Promise<void>;
  /**
   * Receives at most `maxBytes` bytes (default 65,536), waiting until at least one is
   * there; an empty result means the peer closed its side. Cancel safety: a cancelled
   * `receive` takes nothing; the bytes stay for the next call.
   */
  receive(maxBytes?: number): Promise<Uint8Array>;
  /** Closes the sending side (half-close): the peer's `receive` returns empty. */
  sendEof(): Promise<void>;
  /** Closes the stream at once; blocked calls get `ClosedResourceError`. Idempotent. */
  close(): void;
}
