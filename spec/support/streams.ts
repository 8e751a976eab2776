/**
 * Connected stream pairs for the stream conformance suite: TCP and TLS on loopback, and
 * memoryStreamPair().
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tls from "node:tls";
import * as giambio from "giambio";
import { memoryStreamPair } from "giambio/testing";

const FIXTURES = path.resolve(__dirname, "..", "fixtures");
export const TLS_KEY = fs.readFileSync(path.join(FIXTURES, "tls-key.pem"));
export const TLS_CERT = fs.readFileSync(path.join(FIXTURES, "tls-cert.pem"));

export type Pair = [giambio.Stream, giambio.Stream];

export const streamKinds: Array<[string, () => Promise<Pair>]> = [
  [
    "TCP",
    async () => {
      await using listener = await giambio.listenTcp(0, "127.0.0.1");
      const [client, server] = await Promise.all([
        giambio.openTcpStream("127.0.0.1", listener.address.port),
        listener.accept(),
      ]);
      return [client, server];
    },
  ],
  [
    "TLS",
    async () => {
      const server = tls.createServer({ key: TLS_KEY, cert: TLS_CERT });
      await giambio.cancellable(
        new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)),
      );
      await using listener = giambio.wrapSocket(server);
      const [client, conn] = await Promise.all([
        giambio.openTlsStream("127.0.0.1", listener.address.port, { ca: TLS_CERT }),
        listener.accept(),
      ]);
      return [client, conn];
    },
  ],
  ["memoryStreamPair", () => Promise.resolve(memoryStreamPair())],
];

/** Runs `fn` in a run on the real clock (sockets need real I/O), SIGINT handling off. */
export function runIo<T>(fn: () => Promise<T>): Promise<T> {
  return giambio.runWith({ handleSignals: false }, fn);
}

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");

/** Receives until `n` bytes have arrived (or EOF). */
export async function receiveExactly(s: giambio.Stream, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const chunk = await s.receive(n - got);
    if (chunk.length === 0) break;
    parts.push(Buffer.from(chunk));
    got += chunk.length;
  }
  return Buffer.concat(parts);
}
