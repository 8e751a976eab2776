import * as giambio from "giambio";
import { waitAllTasksBlocked } from "giambio/testing";
import { outcome, runMock } from "./support/giambio";

describe("openMemoryChannel", () => {
  it("delivers values in order, and applies backpressure when the buffer is full", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(2);
      let sent = 0;
      const producer = giambio.spawn(async () => {
        for (let i = 0; i < 5; i++) {
          await send.send(i);
          sent++;
        }
      });
      await waitAllTasksBlocked();
      expect(sent).toBe(2); // two in the buffer, the third send waits
      expect(send.statistics()).toMatchObject({ currentBufferUsed: 2, tasksWaitingSend: 1 });
      const got: number[] = [];
      for (let i = 0; i < 5; i++) got.push(await receive.receive());
      expect(got).toEqual([0, 1, 2, 3, 4]);
      await producer.join();
    });
  });

  it("with size 0 is a rendezvous: send waits until a receiver takes the value", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<string>(0);
      let done = false;
      giambio.spawn(async () => {
        await send.send("hi");
        done = true;
      });
      await waitAllTasksBlocked();
      expect(done).toBe(false);
      expect(() => send.sendNoWait("x")).toThrow(giambio.WouldBlock);
      expect(await receive.receive()).toBe("hi");
      await waitAllTasksBlocked();
      expect(done).toBe(true);
    });
  });

  it("accepts Infinity: senders never wait", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(Infinity);
      for (let i = 0; i < 1000; i++) send.sendNoWait(i);
      expect(receive.statistics().currentBufferUsed).toBe(1000);
      expect(receive.receiveNoWait()).toBe(0);
    });
  });

  it("closing the last sender ends the stream: receivers get EndOfChannel once the buffer is drained", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(5);
      await send.send(1);
      const waiting = giambio.spawn(async () => {
        const r2 = receive.clone();
        expect(await r2.receive()).toBe(1);
        return outcome(r2.receive());
      });
      await waitAllTasksBlocked();
      send.close();
      expect((await waiting.join()).error).toBeInstanceOf(giambio.EndOfChannel);
      expect(() => receive.receiveNoWait()).toThrow(giambio.EndOfChannel);
    });
  });

  it("closing the last receiver breaks it: blocked and later senders get BrokenResourceError", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(0);
      const blocked = giambio.spawn(() => outcome(send.send(1)));
      await waitAllTasksBlocked();
      receive.close();
      expect((await blocked.join()).error).toBeInstanceOf(giambio.BrokenResourceError);
      expect((await outcome(send.send(2))).error).toBeInstanceOf(giambio.BrokenResourceError);
    });
  });

  it("using an end you closed is a ClosedResourceError, and so is being blocked on it when it closes", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(0);
      const blocked = giambio.spawn(() => outcome(receive.receive()));
      await waitAllTasksBlocked();
      receive.close();
      expect((await blocked.join()).error).toBeInstanceOf(giambio.ClosedResourceError);
      expect((await outcome(receive.receive())).error).toBeInstanceOf(giambio.ClosedResourceError);
      send.close();
      expect(() => send.sendNoWait(1)).toThrow(giambio.ClosedResourceError);
      expect(() => send.clone()).toThrow(giambio.ClosedResourceError);
    });
  });

  it("counts clones: the side closes when every clone is closed", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(10);
      const s2 = send.clone();
      const s3 = s2.clone();
      expect(send.statistics().openSendChannels).toBe(3);
      send.close();
      send.close(); // idempotent
      s2.close();
      expect(receive.statistics().openSendChannels).toBe(1);
      s3.sendNoWait(7);
      await s3[Symbol.asyncDispose]();
      expect(receive.receiveNoWait()).toBe(7);
      expect(() => receive.receiveNoWait()).toThrow(giambio.EndOfChannel);
    });
  });

  it("for await receives until EndOfChannel", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(0);
      giambio.spawn(async () => {
        await using _ = send;
        for (let i = 0; i < 3; i++) {
          await giambio.sleep(1);
          await send.send(i);
        }
      });
      const got: number[] = [];
      for await (const n of receive) got.push(n);
      expect(got).toEqual([0, 1, 2]);
      expect(giambio.clock()).toBe(3);
    });
  });

  it("a pipeline of three stages shuts down cleanly when its first stage finishes", async () => {
    await runMock(async () => {
      const [toSquare, squareIn] = giambio.openMemoryChannel<number>(1);
      const [toSum, sumIn] = giambio.openMemoryChannel<number>(1);
      let total = 0;
      await giambio.withNursery(async (nursery) => {
        nursery.spawn(async function produce() {
          await using _ = toSquare;
          for (let i = 1; i <= 4; i++) await toSquare.send(i);
        });
        nursery.spawn(async function square() {
          await using _ = toSum;
          for await (const n of squareIn) await toSum.send(n * n);
        });
        nursery.spawn(async function sum() {
          for await (const n of sumIn) total += n;
        });
      });
      expect(total).toBe(1 + 4 + 9 + 16);
      expect(squareIn.statistics()).toMatchObject({ openSendChannels: 0, currentBufferUsed: 0 });
    });
  });

  it("every blocking method is a checkpoint, even when it need not wait", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(5);
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        expect((await outcome(send.send(1))).error).toBeInstanceOf(giambio.Cancelled);
        send.sendNoWait(2);
        expect((await outcome(receive.receive())).error).toBeInstanceOf(giambio.Cancelled);
      });
      expect(receive.receiveNoWait()).toBe(2); // the cancelled send sent nothing
    });
  });

  it("rejects a bad buffer size, naming the argument", () => {
    expect(() => giambio.openMemoryChannel(-1)).toThrow(
      "Expected `maxBufferSize` to be an integer >= 0 or Infinity, got `-1` (number)",
    );
    expect(() => giambio.openMemoryChannel(1.5)).toThrow(RangeError);
    expect(() => giambio.openMemoryChannel(NaN)).toThrow(RangeError);
    expect(() => giambio.openMemoryChannel("2" as never)).toThrow(TypeError);
  });
});
