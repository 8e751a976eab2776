/**
 * The stream conformance suite: the same specs over TCP, TLS and memoryStreamPair().
 */
import * as giambio from "giambio";
import { waitAllTasksBlocked } from "giambio/testing";
import { outcome } from "../support/giambio";
import { receiveExactly, runIo, streamKinds, text } from "../support/streams";

describe.each(streamKinds)("%s stream", (_name, connect) => {
  it("carries bytes both ways, and receive returns at most maxBytes", async () => {
    await runIo(async () => {
      const [a, b] = await connect();
      await using _a = a;
      await using _b = b;
      await a.sendAll(Buffer.from("hello world"));
      expect((await receiveExactly(b, 11)).toString()).toBe("hello world");
      await b.sendAll(Buffer.from("0123456789"));
      const first = await a.receive(4);
      expect(first.length).toBeLessThanOrEqual(4);
      expect(first.length).toBeGreaterThan(0);
      const rest = await receiveExactly(a, 10 - first.length);
      expect(text(first) + rest.toString()).toBe("0123456789");
    });
  });

  it("sendEof half-closes: the peer receives an empty result, and can still send", async () => {
    await runIo(async () => {
      const [a, b] = await connect();
      await using _a = a;
      await using _b = b;
      await a.sendAll(Buffer.from("last"));
      await a.sendEof();
      expect((await receiveExactly(b, 4)).toString()).toBe("last");
      expect((await b.receive()).length).toBe(0);
      await b.sendAll(Buffer.from("reply"));
      expect((await receiveExactly(a, 5)).toString()).toBe("reply");
    });
  });

  it("a cancelled receive loses no bytes: the next receive gets them", async () => {
    await runIo(async () => {
      const [a, b] = await connect();
      await using _a = a;
      await using _b = b;
      const r = await giambio.withCancelScope(async (scope) => {
        giambio.spawn(async () => {
          await waitAllTasksBlocked();
          scope.cancel();
        });
        return b.receive();
      });
      expect(r).toBeUndefined();
      await a.sendAll(Buffer.from("kept"));
      expect((await receiveExactly(b, 4)).toString()).toBe("kept");
    });
  });

  it("composes with timeouts: moveOnAfter around a receive moves on", async () => {
    await runIo(async () => {
      const [a, b] = await connect();
      await using _a = a;
      await using _b = b;
      expect(await giambio.moveOnAfter(0.01, () => b.receive(1024))).toBeUndefined();
    });
  });

  it("closing wakes a blocked receiver with ClosedResourceError, and later calls too", async () => {
    await runIo(async () => {
      const [a, b] = await connect();
      await using _a = a;
      const blocked = giambio.spawn(() => outcome(b.receive()));
      await waitAllTasksBlocked();
      b.close();
      expect((await blocked.join()).error).toBeInstanceOf(giambio.ClosedResourceError);
      expect((await outcome(b.receive())).error).toBeInstanceOf(giambio.ClosedResourceError);
      expect((await outcome(b.sendAll(Buffer.from("x")))).error).toBeInstanceOf(
        giambio.ClosedResourceError,
      );
    });
  });

  it("two tasks receiving at once is a BusyResourceError", async () => {
    await runIo(async () => {
      const [a, b] = await connect();
      await using _a = a;
      await using _b = b;
      const first = giambio.spawn(() => b.receive());
      await waitAllTasksBlocked();
      expect((await outcome(b.receive())).error).toBeInstanceOf(giambio.BusyResourceError);
      await a.sendAll(Buffer.from("!"));
      expect(text(await first.join())).toBe("!");
    });
  });

  it("every method is a checkpoint: cancelled code sends and receives nothing", async () => {
    await runIo(async () => {
      const [a, b] = await connect();
      await using _a = a;
      await using _b = b;
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        expect((await outcome(a.sendAll(Buffer.from("no")))).error).toBeInstanceOf(
          giambio.Cancelled,
        );
      });
      await a.sendAll(Buffer.from("yes"));
      expect((await receiveExactly(b, 3)).toString()).toBe("yes");
    });
  });

  it("rejects bad input at the call, naming the argument", async () => {
    await runIo(async () => {
      const [a, b] = await connect();
      await using _a = a;
      await using _b = b;
      expect(() => a.sendAll("text" as never)).toThrow(
        'Expected `data` to be a Uint8Array or Buffer, got `"text"` (string)',
      );
      expect(() => a.receive(-1)).toThrow(
        "Expected `maxBytes` to be an integer >= 1, got `-1` (number)",
      );
      expect(() => a.receive(0)).toThrow(RangeError);
      expect(() => a.receive("8" as never)).toThrow(TypeError);
    });
  });
});
