/**
 * TCP: `openTcpStream` (with happy eyeballs), `listenTcp` and `serveTcp`.
 *
 * Why happy eyeballs (RFC 8305): a name often resolves to several addresses, IPv6 and
 * IPv4, and the first may be unreachable in a way that takes a long time to fail. Trying
 * them one after another makes every connection wait for that timeout; trying them all
 * at once floods the network. So the attempts are staggered: the next one starts when the
 * previous fails, or after `happyEyeballsDelay` seconds (250 ms), whichever comes first; the
 * first to connect wins, and the others are cancelled and their sockets destroyed. The
 * addresses are interleaved by family, as the RFC recommends. The attempts run in a
 * nursery, so a cancellation or timeout around `openTcpStream` stops all of them. This
 * follows trio's `open_tcp_stream`.
 *
 * @module
 */
import * as dns from "node:dns";
import * as net from "node:net";
import { cancellable } from "../cancellable";
import {
  TaskStatus,
  checkDuration,
  checkFunction,
  checkInteger,
  checkOptions,
  compound,
  currentFrame,
  describe,
  type Frame,
} from "../core";
import { MultiError, isCancelled } from "../errors";
import { withNursery } from "../nursery";
import { Event } from "../sync/event";
import { moveOnAfter } from "../timeouts";
import { AsyncSocket, checkPort, onlyBroke } from "./socket";

/** One resolved address, as `dns.promises.lookup(host, { all: true })` returns them. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/**
 * Options of {@link openTcpStream}.
 *
 * @example
 * ```ts
 * await using sock = await giambio.openTcpStream("example.com", 80, { happyEyeballsDelay: 0.1 });
 * ```
 */
export interface OpenTcpStreamOptions {
  /**
   * Seconds to wait before starting the next connection attempt while one is pending.
   * @default 0.25
   */
  happyEyeballsDelay?: number;
  /**
   * How names are resolved: for tests, or a custom resolver.
   * @default `dns.promises.lookup(host, { all: true })`
   */
  lookup?: (host: string) => Promise<readonly ResolvedAddress[]>;
  /**
   * How one attempt connects, given the address and an `AbortSignal` that aborts when the
   * attempt is cancelled (for tests: an address that never answers).
   * @default a `net.connect` to the address
   */
  connect?: (address: ResolvedAddress, port: number, signal: AbortSignal) => Promise<net.Socket>;
}

type Connector = NonNullable<OpenTcpStreamOptions["connect"]>;

/** @internal */
export const defaultLookup = (host: string): Promise<readonly ResolvedAddress[]> =>
  dns.promises.lookup(host, { all: true });

/** Interleaves the addresses by family, starting with the family of the first (RFC 8305 §4). */
export function interleave(addrs: readonly ResolvedAddress[]): ResolvedAddress[] {
  const first = addrs[0];
  if (first === undefined) return [];
  const a = addrs.filter((x) => x.family === first.family);
  const b = addrs.filter((x) => x.family !== first.family);
  const out: ResolvedAddress[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i] as ResolvedAddress);
    if (i < b.length) out.push(b[i] as ResolvedAddress);
  }
  return out;
}

/** @internal Connects a raw socket to one address; an abort destroys it. */
export function netConnect(
  addr: ResolvedAddress,
  port: number,
  signal: AbortSignal,
): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const sock = net.connect({
      host: addr.address,
      port,
      family: addr.family,
      allowHalfOpen: true,
    });
    const onAbort = (): void => {
      sock.destroy();
      reject(signal.reason as Error);
    };
    sock.once("connect", () => {
      signal.removeEventListener("abort", onAbort);
      sock.off("error", onError);
      resolve(sock);
    });
    const onError = (err: Error): void => {
      signal.removeEventListener("abort", onAbort);
      sock.destroy();
      reject(err);
    };
    sock.once("error", onError);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** @internal Happy eyeballs: a connected raw socket to `host:port`. */
export async function connectHappy(
  host: string,
  port: number,
  delay: number,
  lookup: (host: string) => Promise<readonly ResolvedAddress[]>,
  connect: Connector = netConnect,
): Promise<net.Socket> {
  const found: unknown = await cancellable(() => lookup(host));
  if (!Array.isArray(found)) {
    throw new TypeError(
      `Expected \`options.lookup\` to resolve to an array of { address, family }, got ${describe(found)}`,
    );
  }
  const addrs = interleave(found as readonly ResolvedAddress[]);
  if (addrs.length === 0) throw new Error(`${host} resolved to no address`);
  let winner: net.Socket | null = null;
  const errors: unknown[] = [];
  try {
    await withNursery(async (nursery) => {
      for (const addr of addrs) {
        const failed = new Event();
        nursery.spawn(async function attempt() {
          try {
            const sock = await cancellable((signal) => connect(addr, port, signal));
            if (winner === null) {
              winner = sock;
              nursery.cancel(); // the losers, and the loop below
            } else {
              sock.destroy();
            }
          } catch (err) {
            if (isCancelled(err)) throw err;
            errors.push(err);
            failed.set();
          }
        });
        await moveOnAfter(delay, () => failed.wait());
      }
    });
  } catch (err) {
    (winner as net.Socket | null)?.destroy();
    throw err;
  }
  if (winner === null) {
    if (errors.length === 1) throw errors[0];
    throw new MultiError(
      errors,
      `All ${errors.length} connection attempts to ${host}:${port} failed`,
    );
  }
  return winner;
}

/**
 * Opens a TCP connection to `host:port`. When the name resolves to several addresses, the
 * attempts are staggered (happy eyeballs, RFC 8305): the first to connect wins, the others
 * are cancelled. A checkpoint; a cancellation or a timeout around it stops every attempt.
 *
 * @returns the connection, as a stream; close it (or use `await using`)
 * @throws the connection error (a `MultiError` of all of them when several addresses failed)
 * @example
 * ```ts
 * await using sock = await giambio.openTcpStream("example.com", 80);
 * await sock.sendAll(Buffer.from("GET / HTTP/1.0\r\n\r\n"));
 * ```
 */
export function openTcpStream(
  host: string,
  port: number,
  options?: OpenTcpStreamOptions,
): Promise<AsyncSocket> {
  if (typeof host !== "string" || host === "") {
    throw new TypeError(`Expected \`host\` to be a non-empty string, got ${describe(host)}`);
  }
  checkPort(port);
  checkOptions(options, "options");
  const delay = options?.happyEyeballsDelay ?? 0.25;
  checkDuration(delay, "options.happyEyeballsDelay");
  const lookup = options?.lookup ?? defaultLookup;
  checkFunction(lookup, "options.lookup");
  const connect = options?.connect ?? netConnect;
  checkFunction(connect, "options.connect");
  return compound(
    "openTcpStream",
    currentFrame("openTcpStream"),
    openStream,
    [host, port] as const,
    {
      delay,
      lookup,
      connect,
    },
  );
}

async function openStream(
  _frame: Frame,
  [host, port]: readonly [string, number],
  o: {
    delay: number;
    lookup: (host: string) => Promise<readonly ResolvedAddress[]>;
    connect: Connector;
  },
): Promise<AsyncSocket> {
  return new AsyncSocket(await connectHappy(host, port, o.delay, o.lookup, o.connect));
}

/**
 * Options of {@link listenTcp} and {@link serveTcp}.
 *
 * @example
 * ```ts
 * await using listener = await giambio.listenTcp(0, "127.0.0.1", { backlog: 128 });
 * ```
 */
export interface ListenOptions {
  /** The address to bind; default: every interface. */
  host?: string;
  /** The length of the queue of pending connections. @default 511 */
  backlog?: number;
  /**
   * `serveTcp` and `serveTls` only: told of each connection whose handler failed only
   * because that connection broke (a `BrokenResourceError` from its own stream, or a
   * `MultiError` made only of such errors). The connection is closed and the server goes
   * on serving; a peer hanging up is not a server failure. Any other error from a handler
   * stops the server. An error thrown here stops the server too.
   * @default drop them
   */
  onConnectionError?: (error: unknown) => void;
}

/** @internal Checks the options of `listenTcp`, `serveTcp` and `serveTls`. */
export function checkListenOptions(options: unknown): void {
  checkOptions(options, "options");
  const o = options as ListenOptions | undefined;
  if (o?.backlog !== undefined) checkInteger(o.backlog, "options.backlog", 0);
  if (o?.onConnectionError !== undefined && typeof o.onConnectionError !== "function") {
    throw new TypeError(
      `Expected \`options.onConnectionError\` to be a function, got ${describe(o.onConnectionError)}`,
    );
  }
}

/** @internal Starts `server` listening; resolves once it is. */
export function listen(
  server: net.Server,
  port: number,
  host: string | undefined,
  backlog: number | undefined,
): Promise<void> {
  return cancellable(
    (signal) =>
      new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => {
          signal.removeEventListener("abort", onAbort);
          reject(err);
        };
        const onAbort = (): void => {
          server.off("error", onError);
          server.close();
          reject(signal.reason as Error);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        server.once("error", onError);
        server.listen({ port, host, backlog }, () => {
          signal.removeEventListener("abort", onAbort);
          server.off("error", onError);
          resolve();
        });
      }),
  );
}

/**
 * Listens for TCP connections on `port` (0 picks a free one; see `listener.address`).
 * A checkpoint.
 *
 * @param host - the address to bind (default: every interface)
 * @returns a listener: `accept()` connections, `close()` it (or `await using`)
 * @example
 * ```ts realtime
 * await giambio.run(async () => {
 *   await using listener = await giambio.listenTcp(0, "127.0.0.1"); // port 0: any free port
 *   await using client = await giambio.openTcpStream("127.0.0.1", listener.address.port);
 *   await using conn = await listener.accept();
 *   await client.sendAll(Buffer.from("hello"));
 *   console.log(Buffer.from(await conn.receive()).toString());
 * });
 * ```
 *
 * ```text
 * hello
 * ```
 */
export function listenTcp(
  port: number,
  host?: string,
  options?: Omit<ListenOptions, "host">,
): Promise<AsyncSocket> {
  checkPort(port);
  if (host !== undefined && typeof host !== "string") {
    throw new TypeError(`Expected \`host\` to be a string, got ${describe(host)}`);
  }
  checkListenOptions(options);
  return compound("listenTcp", currentFrame("listenTcp"), listenOn, port, {
    host,
    backlog: options?.backlog,
  });
}

async function listenOn(
  _frame: Frame,
  port: number,
  o: { host: string | undefined; backlog: number | undefined },
): Promise<AsyncSocket> {
  const server = net.createServer({ allowHalfOpen: true });
  await listen(server, port, o.host, o.backlog);
  return new AsyncSocket(server);
}

/** Handles one connection of {@link serveTcp}: the stream is closed when it returns. */
export type ConnectionHandler = (stream: AsyncSocket) => unknown;

/**
 * Serves TCP connections on `port`, forever: each connection is handled by
 * `handler(stream)` in a task of its own, and closed when the handler returns. Run it with
 * `nursery.start(giambio.serveTcp, handler, port)` to get the bound address back once it
 * listens (so port 0 works in tests). Cancel it to stop: the listener and every open
 * connection are closed. A handler that fails only because its own connection broke (a
 * `BrokenResourceError` from that stream, or a `MultiError` made only of those) ends that
 * connection alone: the error goes to `options.onConnectionError`, if given, and the server
 * goes on. Any other error from a handler stops the server with that error (no bug is
 * swallowed).
 *
 * @example
 * ```ts realtime
 * await giambio.run(async () => {
 *   await giambio.withNursery(async (nursery) => {
 *     const greet = async (stream: giambio.AsyncSocket): Promise<void> => {
 *       await stream.sendAll(Buffer.from("hello\n"));
 *     };
 *     const addr = await nursery.start(giambio.serveTcp, greet, 0, { host: "127.0.0.1" });
 *     await using client = await giambio.openTcpStream("127.0.0.1", addr.port);
 *     console.log(Buffer.from(await client.receive()).toString().trim());
 *     nursery.cancel(); // stops the server
 *   });
 * });
 * ```
 *
 * ```text
 * hello
 * ```
 */
export function serveTcp(
  handler: ConnectionHandler,
  port: number,
  options?: ListenOptions,
): Promise<never>;
export function serveTcp(
  status: TaskStatus<net.AddressInfo>,
  handler: ConnectionHandler,
  port: number,
  options?: ListenOptions,
): Promise<never>;
export function serveTcp(...args: unknown[]): Promise<never> {
  const status =
    args[0] instanceof TaskStatus ? (args.shift() as TaskStatus<net.AddressInfo>) : null;
  const [handler, port, options] = args as [ConnectionHandler, number, ListenOptions | undefined];
  checkFunction(handler, "handler");
  checkPort(port);
  checkListenOptions(options);
  const frame = currentFrame("serveTcp");
  return compound("serveTcp", frame, serveOn, { handler, status }, { port, options });
}

async function serveOn(
  _frame: Frame,
  { handler, status }: { handler: ConnectionHandler; status: TaskStatus<net.AddressInfo> | null },
  { port, options }: { port: number; options: ListenOptions | undefined },
): Promise<never> {
  const server = net.createServer({ allowHalfOpen: true });
  await listen(server, port, options?.host, options?.backlog);
  return serveListener(new AsyncSocket(server), handler, status, options?.onConnectionError);
}

/** @internal Accepts connections on `listener` forever, each in a task of its own. */
export async function serveListener(
  listener: AsyncSocket,
  handler: ConnectionHandler,
  status: TaskStatus<net.AddressInfo> | null,
  onConnectionError: ((error: unknown) => void) | undefined,
): Promise<never> {
  try {
    status?.started(listener.address);
    await withNursery(async (nursery) => {
      for (;;) {
        const conn = await listener.accept();
        nursery.spawn(async function handleConnection() {
          await using stream = conn;
          try {
            await handler(stream);
          } catch (err) {
            // A peer hanging up ends its own connection, not the server (SPEC §9).
            if (!onlyBroke(err, stream)) throw err;
            onConnectionError?.(err);
          }
        });
      }
    });
  } finally {
    await listener[Symbol.asyncDispose]();
  }
  throw new Error("unreachable: serving stops only by cancellation or failure");
}
