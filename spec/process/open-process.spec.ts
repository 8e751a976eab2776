/**
 * openProcess and Process (SPEC §11): a running child, its pipes as streams, wait(),
 * kill(), and `await using` disposal.
 */
import * as path from "node:path";
import * as giambio from "giambio";
import { MockClock, waitAllTasksBlocked } from "giambio/testing";
import { outcome, runMock } from "../support/giambio";
import { FIXTURES, NODE, checkNoProcessLeft, isRunning, waitGone } from "../support/processes";
import { expectWarning } from "../support/warnings";

checkNoProcessLeft();

const IGNORE_SIGTERM = path.join(FIXTURES, "ignore-sigterm.cjs");

/** Reads a stream to its end. */
async function readAll(stream: giambio.ReceiveStream): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for (let c = await stream.receive(); c.length > 0; c = await stream.receive()) parts.push(c);
  return Buffer.concat(parts);
}

/** Reads one line (without its newline) from `stream`, byte by byte. */
async function readLine(stream: giambio.ReceiveStream): Promise<string> {
  let line = "";
  for (;;) {
    const c = await stream.receive(1);
    if (c.length === 0 || c[0] === 10) return line;
    line += String.fromCharCode(c[0] as number);
  }
}

describe("openProcess", () => {
  it("returns the running process at once: pid, exitCode and signalCode null while it runs", async () => {
    await runMock(async () => {
      await using proc = giambio.openProcess(["sh", "-c", "read line; exit 5"]);
      expect(proc).toBeInstanceOf(giambio.Process);
      expect(proc.pid).toBeGreaterThan(0);
      expect(isRunning(proc.pid)).toBe(true);
      expect(proc.exitCode).toBeNull();
      expect(proc.signalCode).toBeNull();
      expect(proc.command).toEqual(["sh", "-c", "read line; exit 5"]);
      await proc.stdin?.sendAll(Buffer.from("go\n"));
      expect(await proc.wait()).toBe(5);
      expect(proc.exitCode).toBe(5);
      expect(proc.signalCode).toBeNull();
      expect(await proc.wait()).toBe(5); // again, at once
    });
  });

  it("wait() resolves with null when a signal ended the child, and kill() sends one", async () => {
    await runMock(async () => {
      await using proc = giambio.openProcess(["sleep", "100"]);
      expect(proc.kill("SIGINT")).toBe(true);
      expect(await proc.wait()).toBeNull();
      expect(proc.signalCode).toBe("SIGINT");
      expect(proc.exitCode).toBeNull();
      expect(proc.kill()).toBe(false); // gone: nothing to signal
    });
  });

  it("each pipe is a stream unless its option says inherit or ignore (then null)", async () => {
    await runMock(async () => {
      await using piped = giambio.openProcess(["true"]);
      expect(piped.stdin).not.toBeNull();
      expect(piped.stdout).not.toBeNull();
      expect(piped.stderr).not.toBeNull();
      await using other = giambio.openProcess(["true"], {
        stdin: "ignore",
        stdout: "ignore",
        stderr: "inherit",
      });
      expect([other.stdin, other.stdout, other.stderr]).toEqual([null, null, null]);
    });
  });

  it("streams both ways with backpressure: a child that echoes 10 MiB back", async () => {
    const size = 10 * 1024 * 1024;
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
    await giambio.runWith({ handleSignals: false }, async () => {
      await using proc = giambio.openProcess(["cat"]);
      let receivedWhenSent = -1;
      let received = 0;
      const parts: Uint8Array[] = [];
      await giambio.withNursery(async (nursery) => {
        nursery.spawn(async () => {
          await proc.stdin?.sendAll(data);
          receivedWhenSent = received;
          await proc.stdin?.sendEof();
        });
        for (;;) {
          const chunk = await (proc.stdout as giambio.ReceiveStream).receive(16384);
          if (chunk.length === 0) break;
          parts.push(chunk);
          received += chunk.length;
        }
      });
      expect(Buffer.concat(parts).equals(data)).toBe(true);
      // sendAll settled only once the child had taken the bytes, which it could do only as
      // fast as we read its output: by then nearly all of it had come back.
      expect(receivedWhenSent).toBeGreaterThan(size - 2 * 1024 * 1024);
      expect(await proc.wait()).toBe(0);
    });
  });

  it("a cancelled receive loses no bytes", async () => {
    await runMock(async () => {
      await using proc = giambio.openProcess(["sh", "-c", "read line; echo got $line"]);
      const stdout = proc.stdout as giambio.ReceiveStream;
      expect(await giambio.moveOnAfter(1, () => stdout.receive())).toBeUndefined();
      await proc.stdin?.sendAll(Buffer.from("it\n"));
      expect(await readAll(stdout)).toEqual(Buffer.from("got it\n"));
    });
  });

  it("await using disposal closes stdin and waits for the exit", async () => {
    let proc: giambio.Process | undefined;
    await runMock(async () => {
      {
        await using p = giambio.openProcess(["sh", "-c", "cat > /dev/null; exit 7"]);
        proc = p;
        await p.stdin?.sendAll(Buffer.from("some input"));
      }
      expect(proc?.exitCode).toBe(7);
    });
  });

  it("disposal on cancellation sends SIGTERM to the process group and waits until it is gone", async () => {
    let proc: giambio.Process | undefined;
    let grandchild = 0;
    const clock = new MockClock(); // no autojump: the 5 s grace never passes
    await runMock(async () => {
      await giambio.withCancelScope(async (scope) => {
        await using p = giambio.openProcess(["sh", "-c", "sleep 100 & echo $!; wait"]);
        proc = p;
        grandchild = Number(await readLine(p.stdout as giambio.ReceiveStream));
        expect(isRunning(grandchild)).toBe(true);
        scope.cancel();
        await giambio.sleep(1); // throws Cancelled: the block is left, the process disposed
      });
      expect(proc?.signalCode).toBe("SIGTERM");
      expect(giambio.clock()).toBe(0);
    }, clock);
    await waitGone(grandchild); // it had SIGTERM too, as a member of the group
    expect(isRunning(grandchild)).toBe(false);
  });

  it("disposal on cancellation kills a child that ignores SIGTERM 5 seconds later, on the run's clock", async () => {
    const clock = new MockClock();
    let proc: giambio.Process | undefined;
    let leftAt = -1;
    await runMock(async () => {
      await giambio.withNursery(async (nursery) => {
        let scope: giambio.CancelScope | undefined;
        const ready = new giambio.Event();
        nursery.spawn(async () => {
          await giambio.withCancelScope(async (s) => {
            scope = s;
            try {
              await using p = giambio.openProcess([NODE, IGNORE_SIGTERM]);
              proc = p;
              await readLine(p.stdout as giambio.ReceiveStream); // its SIGTERM handler is in place
              ready.set();
              await giambio.sleepForever();
            } finally {
              leftAt = giambio.clock();
            }
          });
        });
        await ready.wait();
        scope?.cancel();
        await waitAllTasksBlocked();
        clock.jump(4.9);
        await waitAllTasksBlocked();
        expect(leftAt).toBe(-1);
        expect(isRunning((proc as giambio.Process).pid)).toBe(true);
        clock.jump(0.1);
      });
      expect(leftAt).toBe(5);
      expect(proc?.signalCode).toBe("SIGKILL");
    }, clock);
  });

  it("deliverCancel replaces the default for disposal too", async () => {
    const delivered: number[] = [];
    let proc: giambio.Process | undefined;
    await runMock(async () => {
      await giambio.withCancelScope(async (scope) => {
        await using p = giambio.openProcess(["sleep", "100"], {
          deliverCancel: (q) => {
            delivered.push(q.pid);
            q.kill("SIGHUP");
          },
        });
        proc = p;
        scope.cancel();
        await giambio.checkpoint();
      });
    });
    expect(delivered).toEqual([proc?.pid]);
    expect(proc?.signalCode).toBe("SIGHUP");
  });

  it("a program that cannot be started is thrown by openProcess itself, naming it", async () => {
    await runMock(() => {
      expect(() => giambio.openProcess(["no-such-program-giambio"])).toThrow(
        'Cannot run `no-such-program-giambio`: no program "no-such-program-giambio" was found in PATH (ENOENT)',
      );
      expect(() => giambio.openProcess(["./nope/prog"])).toThrow(
        /there is no program ".\/nope\/prog"/,
      );
    });
  });

  it("a process still running when its run ends is killed, with a warning naming it", async () => {
    let proc: giambio.Process | undefined;
    const [warning] = await expectWarning(
      () =>
        runMock(() => {
          proc = giambio.openProcess(["sleep", "100"]);
        }),
      /still open when its run ended/,
    );
    expect(warning?.message).toContain(`process ${proc?.pid} (\`sleep 100\`)`);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (proc?.signalCode === "SIGKILL") resolve();
        else setImmediate(check);
      };
      check();
    });
  });

  it("refuses a bad signal in kill()", async () => {
    await runMock(async () => {
      await using proc = giambio.openProcess(["true"]);
      expect(() => proc.kill("SIGNOPE" as never)).toThrow(
        new TypeError(
          'Expected `signal` to be a signal name such as "SIGTERM" or a signal number, got `"SIGNOPE"` (string)',
        ),
      );
      expect((await outcome(proc.wait())).value).toBe(0);
    });
  });
});
