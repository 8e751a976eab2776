// The seed tutorial's echo server ("Doing I/O"), ported line for line. Talk to it with
// `nc localhost 1501`; stop it with Ctrl-C.
//
//   npm run example:echo            (or: node build/examples/echo-server.js [port])
import * as net from "node:net";
import * as giambio from "giambio";

// logging.basicConfig(level=20, format="[%(levelname)s] %(asctime)s %(message)s", datefmt="%d/%m/%Y %p")
function logInfo(message: string): void {
  const now = new Date();
  const date = [now.getDate(), now.getMonth() + 1]
    .map((n) => String(n).padStart(2, "0"))
    .concat(String(now.getFullYear()))
    .join("/");
  process.stderr.write(`[INFO] ${date} ${now.getHours() < 12 ? "AM" : "PM"} ${message}\n`);
}

type Address = [host: string, port: number];
const show = ([host, port]: Address): string => `('${host}', ${port})`;

async function server(address: Address): Promise<void> {
  const sock = net.createServer(); // Create the socket object (IPv4, as the seed's AF_INET)
  // We bind to the address and start listening for connections, before wrapping the socket
  await giambio.cancellable(
    new Promise<void>((resolve) =>
      sock.listen({ host: address[0] || "0.0.0.0", port: address[1], backlog: 5 }, resolve),
    ),
  );
  const asock = giambio.wrapSocket(sock); // We make the socket an async socket
  logInfo(`Echo server serving asynchronously at ${show(address)}`);
  try {
    while (true) {
      const conn = await asock.accept(); // Here we use our wrapper
      const addr: Address = [conn.remoteAddress.address ?? "?", conn.remoteAddress.port ?? 0];
      logInfo(`${show(addr)} connected`);
      giambio.spawn(echoHandler, conn, addr); // We spawn a child task and keep listening for other clients
    }
  } finally {
    asock.close();
  }
}

async function echoHandler(sock: giambio.AsyncSocket, addr: Address): Promise<void> {
  try {
    await using _ = sock; // Handy trick that will automagically close the socket for us when we're done
    await sock.sendAll(Buffer.from("Welcome to the server pal, feel free to send me something!\n"));
    while (true) {
      await sock.sendAll(Buffer.from("-> "));
      const data = await sock.receive(1024); // We get some data from the client
      if (data.length === 0) {
        break;
      }
      // Below there's some decoding/encoding mess that you can safely not care about
      const toSendBack = data;
      const escaped = JSON.stringify(Buffer.from(data).toString("utf8")).slice(1, -1);
      logInfo(`Got: '${escaped}' from ${show(addr)}`);
      // And now we send back our reply!
      await sock.sendAll(Buffer.concat([Buffer.from("Got: "), toSendBack]));
      logInfo(`Echoed back '${escaped}' to ${show(addr)}`);
    }
  } catch (error) {
    // A client that hangs up or resets mid-conversation broke only its own connection:
    // that is not a reason to stop serving everybody else
    if (!(error instanceof giambio.BrokenResourceError)) throw error;
  }
  // When we leave the block, the client has disconnected
  logInfo(`Connection from ${show(addr)} closed`);
}

if (require.main === module) {
  const port = Number(process.argv[2] ?? 1501);
  giambio.run(server, ["", port]).catch((error: unknown) => {
    // Exceptions propagate!
    const e = error as Error;
    console.log(`Exiting due to a ${e.name}: '${e.message}'`);
    // Ctrl-C is how this server is meant to stop; anything else is a failure
    if (!(error instanceof giambio.KeyboardInterrupt)) process.exitCode = 1;
  });
}
