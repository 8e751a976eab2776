/**
 * The byte-stream interfaces that TCP, TLS, in-memory streams and process pipes share:
 * `Stream`, and its halves `SendStream` and `ReceiveStream`.
 *
 * @module
 */

/**
 * The sending half of a byte stream: a child process's `stdin`, or any {@link Stream}.
 * Every method that can wait is a checkpoint.
 *
 * @example
 * ```ts
 * async function feed(stdin: giambio.SendStream, text: string): Promise<void> {
 *   await stdin.sendAll(Buffer.from(text));
 *   await stdin.sendEof();
 * }
 * ```
 */
export interface SendStream extends AsyncDisposable {
  /**
   * Sends every byte of `data`, waiting while the peer or the kernel applies backpressure;
   * settles once the bytes have been handed on. Cancel safety: a cancelled `sendAll` may
   * have sent some of the bytes; close the stream.
   */
  sendAll(data: Uint8Array): Promise<void>;
  /** Closes the sending side (half-close): the peer's `receive` returns empty. */
  sendEof(): Promise<void>;
  /** Closes the stream at once; blocked calls get `ClosedResourceError`. Idempotent. */
  close(): void;
}

/**
 * The receiving half of a byte stream: a child process's `stdout` or `stderr`, or any
 * {@link Stream}. `receive` is a checkpoint.
 *
 * @example
 * ```ts
 * async function readAll(stdout: giambio.ReceiveStream): Promise<Buffer> {
 *   const chunks: Uint8Array[] = [];
 *   for (let c = await stdout.receive(); c.length > 0; c = await stdout.receive()) chunks.push(c);
 *   return Buffer.concat(chunks);
 * }
 * ```
 */
export interface ReceiveStream extends AsyncDisposable {
  /**
   * Receives at most `maxBytes` bytes (default 65,536), waiting until at least one is
   * there; an empty result means the peer closed its side. Cancel safety: a cancelled
   * `receive` takes nothing; the bytes stay for the next call.
   */
  receive(maxBytes?: number): Promise<Uint8Array>;
  /** Closes the stream at once; blocked calls get `ClosedResourceError`. Idempotent. */
  close(): void;
}

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
export interface Stream extends SendStream, ReceiveStream {
  /** @inheritDoc SendStream.sendAll */
  sendAll(data: Uint8Array): Promise<void>;
  /** @inheritDoc ReceiveStream.receive */
  receive(maxBytes?: number): Promise<Uint8Array>;
  /** @inheritDoc SendStream.sendEof */
  sendEof(): Promise<void>;
  /** Closes the stream at once; blocked calls get `ClosedResourceError`. Idempotent. */
  close(): void;
}
