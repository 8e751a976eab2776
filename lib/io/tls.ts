/**
 * TLS over TCP, with the same stream interface: `openTlsStream` and `serveTls`.
 *
 * @module
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { cancellable } from "../cancellable";
import {
  TaskStatus,
  checkDuration,
  checkFunction,
  checkOptions,
  compound,
  currentFrame,
  describe,
  type Frame,
} from "../core";
import { AsyncSocket, checkPort } from "./socket";
import {
  connectHappy,
  defaultLookup,
  listen,
  checkListenOptions,
  serveListener,
  type ConnectionHandler,
  type ListenOptions,
  type OpenTcpStreamOptions,
} from "./tcp";

/**
 * Opens a TLS connection to `host:port`: a TCP connection (with happy eyeballs, see
 * `openTcpStream`), then the TLS handshake, with `tlsOptions` passed to `tls.connect`
 * (`ca`, `rejectUnauthorized`, `servername`, ...; `servername` defaults to `host`). A
 * checkpoint; cancelling it during the handshake destroys the socket.
 *
 * @returns the connection, as a stream with the same interface as TCP
 * @throws the TLS or connection error
 * @example
 * ```ts
 * await using sock = await giambio.openTlsStream("example.com", 443);
 * await sock.sendAll(Buffer.from("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"));
 * ```
 */
export function openTlsStream(
  host: string,
  port: number,
  tlsOptions?: tls.ConnectionOptions,
  options?: OpenTcpStreamOptions,
): Promise<AsyncSocket> {
  if (typeof host !== "string" || host === "") {
    throw new TypeError(`Expected \`host\` to be a non-empty string, got ${describe(host)}`);
  }
  checkPort(port);
  checkOptions(tlsOptions, "tlsOptions");
  checkOptions(options, "options");
  checkDuration(options?.happyEyeballsDelay ?? 0.25, "options.happyEyeballsDelay");
  if (options?.lookup !== undefined) checkFunction(options.lookup, "options.lookup");
  if (options?.connect !== undefined) checkFunction(options.connect, "options.connect");
  return compound("openTlsStream", currentFrame("openTlsStream"), openTls, [host, port] as const, {
    tlsOptions: tlsOptions ?? {},
    options: options ?? {},
  });
}

async function openTls(
  _frame: Frame,
  [host, port]: readonly [string, number],
  { tlsOptions, options }: { tlsOptions: tls.ConnectionOptions; options: OpenTcpStreamOptions },
): Promise<AsyncSocket> {
  const raw = await connectHappy(
    host,
    port,
    options.happyEyeballsDelay ?? 0.25,
    options.lookup ?? defaultLookup,
    options.connect,
  );
  const servername = tlsOptions.servername ?? (net.isIP(host) === 0 ? host : undefined);
  const secure = await cancellable(
    (signal) =>
      new Promise<tls.TLSSocket>((resolve, reject) => {
        const sock = tls.connect({
          ...tlsOptions,
          socket: raw,
          ...(servername === undefined ? {} : { servername }),
        });
        const onError = (err: Error): void => {
          signal.removeEventListener("abort", onAbort);
          sock.destroy();
          raw.destroy();
          reject(err);
        };
        const onAbort = (): void => {
          sock.off("error", onError);
          sock.destroy();
          raw.destroy();
          reject(signal.reason as Error);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        sock.once("error", onError);
        sock.once("secureConnect", () => {
          signal.removeEventListener("abort", onAbort);
          sock.off("error", onError);
          resolve(sock);
        });
      }),
  );
  return new AsyncSocket(secure);
}

/**
 * Serves TLS connections on `port`, forever, like `serveTcp`: each connection, once its
 * handshake is done, is handled by `handler(stream)` in a task of its own and closed when
 * the handler returns. `tlsOptions` go to `tls.createServer` (`key`, `cert`, ...). Run it
 * with `nursery.start(giambio.serveTls, handler, port, tlsOptions)` to get the bound
 * address back. As with `serveTcp`, a handler that fails only because its own connection
 * broke ends that connection alone (the error goes to `options.onConnectionError`); any
 * other error stops the server.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 *
 * const tlsOptions = { key: readFileSync("key.pem"), cert: readFileSync("cert.pem") };
 * async function echo(stream: giambio.AsyncSocket): Promise<void> {
 *   for (let data = await stream.receive(); data.length > 0; data = await stream.receive()) {
 *     await stream.sendAll(data);
 *   }
 * }
 *
 * await giambio.withNursery(async (nursery) => {
 *   const addr = await nursery.start(giambio.serveTls, echo, 0, tlsOptions);
 *   console.log(`serving on port ${addr.port}`);
 * });
 * ```
 */
export function serveTls(
  handler: ConnectionHandler,
  port: number,
  tlsOptions: tls.TlsOptions,
  options?: ListenOptions,
): Promise<never>;
export function serveTls(
  status: TaskStatus<net.AddressInfo>,
  handler: ConnectionHandler,
  port: number,
  tlsOptions: tls.TlsOptions,
  options?: ListenOptions,
): Promise<never>;
export function serveTls(...args: unknown[]): Promise<never> {
  const status =
    args[0] instanceof TaskStatus ? (args.shift() as TaskStatus<net.AddressInfo>) : null;
  const [handler, port, tlsOptions, options] = args as [
    ConnectionHandler,
    number,
    tls.TlsOptions,
    ListenOptions | undefined,
  ];
  checkFunction(handler, "handler");
  checkPort(port);
  if (typeof tlsOptions !== "object" || tlsOptions === null) {
    throw new TypeError(
      `Expected \`tlsOptions\` to be an object (key, cert, ...), got ${describe(tlsOptions)}`,
    );
  }
  checkListenOptions(options);
  return compound(
    "serveTls",
    currentFrame("serveTls"),
    serveTlsOn,
    { handler, status },
    {
      port,
      tlsOptions,
      options,
    },
  );
}

async function serveTlsOn(
  _frame: Frame,
  { handler, status }: { handler: ConnectionHandler; status: TaskStatus<net.AddressInfo> | null },
  {
    port,
    tlsOptions,
    options,
  }: { port: number; tlsOptions: tls.TlsOptions; options: ListenOptions | undefined },
): Promise<never> {
  // Not allowHalfOpen here: a client that leaves during the handshake must close the
  // socket. AsyncSocket turns half-open on once the connection is wrapped.
  const server = tls.createServer(tlsOptions);
  // A client whose handshake fails is dropped; it is not an error of the server.
  server.on("tlsClientError", (_err: Error, sock: tls.TLSSocket) => sock.destroy());
  await listen(server, port, options?.host, options?.backlog);
  return serveListener(
    new AsyncSocket(server, "secureConnection"),
    handler,
    status,
    options?.onConnectionError,
  );
}
