/**
 * runProcess (SPEC §11): a program run to completion, its outputs, its failures, and what
 * cancellation does to it and to the programs it started.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as giambio from "giambio";
import { MockClock, waitAllTasksBlocked } from "giambio/testing";
import { outcome, runMock } from "../support/giambio";
import {
  FIXTURES,
  NODE,
  checkNoProcessLeft,
  isRunning,
  tempDir,
  waitForLine,
  waitGone,
} from "../support/processes";

checkNoProcessLeft();

let dir: string;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let fileCount = 0;
const freshFile = (): string => path.join(dir, `file-${++fileCount}`);

const text = (b: Buffer | null): string | undefined => b?.toString("utf8");

describe("runProcess", () => {
  it("captures stdout and stderr as Buffers, and leaves them null when not captured", async () => {
    await runMock(async () => {
      const result = await giambio.runProcess(["sh", "-c", "echo out; echo err >&2"], {
        captureStdout: true,
        captureStderr: true,
      });
      expect(result).toEqual({
        command: ["sh", "-c", "echo out; echo err >&2"],
        exitCode: 0,
        signal: null,
        stdout: Buffer.from("out\n"),
        stderr: Buffer.from("err\n"),
      });
      expect(Buffer.isBuffer(result.stdout)).toBe(true);
      const quiet = await giambio.runProcess(["true"]);
      expect(quiet.stdout).toBeNull();
      expect(quiet.stderr).toBeNull();
    });
  });

  it("sends `input` (a string or bytes) to stdin, then end of file; without it stdin is empty", async () => {
    await runMock(async () => {
      const fromString = await giambio.runProcess(["cat"], { input: "héllo", captureStdout: true });
      expect(text(fromString.stdout)).toBe("héllo");
      const bytes = new Uint8Array([0, 1, 2, 255]);
      const fromBytes = await giambio.runProcess(["cat"], { input: bytes, captureStdout: true });
      expect([...(fromBytes.stdout as Buffer)]).toEqual([0, 1, 2, 255]);
      const none = await giambio.runProcess(["cat"], { captureStdout: true });
      expect(none.stdout?.length).toBe(0);
    });
  });

  it("a child that exits without reading its input is no failure", async () => {
    await runMock(async () => {
      const big = Buffer.alloc(4 * 1024 * 1024, 120);
      const result = await giambio.runProcess(["true"], { input: big });
      expect(result.exitCode).toBe(0);
    });
  });

  it("reports the exit status, and the signal that ended a child (exitCode null)", async () => {
    await runMock(async () => {
      const three = await giambio.runProcess(["sh", "-c", "exit 3"], { check: false });
      expect(three.exitCode).toBe(3);
      expect(three.signal).toBeNull();
      const killed = await giambio.runProcess(["sh", "-c", "kill -USR1 $$"], { check: false });
      expect(killed.exitCode).toBeNull();
      expect(killed.signal).toBe("SIGUSR1");
    });
  });

  it("with check (the default), a non-zero exit throws ProcessError with the fields and the tail of stderr", async () => {
    await runMock(async () => {
      const command = ["sh", "-c", "echo partial; echo first >&2; echo 'it broke' >&2; exit 3"];
      const { error } = await outcome(
        giambio.runProcess(command, { captureStdout: true, captureStderr: true }),
      );
      expect(error).toBeInstanceOf(giambio.ProcessError);
      const err = error as giambio.ProcessError;
      expect(err.name).toBe("ProcessError");
      expect(err.command).toEqual(command);
      expect(err.exitCode).toBe(3);
      expect(err.signal).toBeNull();
      expect(text(err.stdout)).toBe("partial\n");
      expect(text(err.stderr)).toBe("first\nit broke\n");
      expect(err.message).toBe(
        "Command `sh -c 'echo partial; echo first >&2; echo '\\''it broke'\\'' >&2; exit 3'` " +
          "exited with status 3; the end of its stderr:\n  first\n  it broke",
      );
    });
  });

  it("ProcessError's message keeps only the last lines of a long stderr, and names a signal", async () => {
    await runMock(async () => {
      const { error } = await outcome(
        giambio.runProcess(
          ["sh", "-c", "for i in $(seq 1 50); do echo line $i >&2; done; exit 1"],
          {
            captureStderr: true,
          },
        ),
      );
      const lines = (error as Error).message.split("\n");
      expect(lines.slice(1)).toEqual([
        "  …",
        ...Array.from({ length: 10 }, (_, i) => `  line ${41 + i}`),
      ]);
      const killed = await outcome(giambio.runProcess(["sh", "-c", "kill -KILL $$"]));
      expect((killed.error as Error).message).toBe(
        "Command `sh -c 'kill -KILL $$'` was killed by SIGKILL",
      );
      expect((killed.error as giambio.ProcessError).signal).toBe("SIGKILL");
    });
  });

  it("with shell: true runs a string through /bin/sh", async () => {
    await runMock(async () => {
      const result = await giambio.runProcess("echo $((1 + 2)) | tr 3 x", {
        shell: true,
        captureStdout: true,
      });
      expect(text(result.stdout)).toBe("x\n");
      expect(result.command).toBe("echo $((1 + 2)) | tr 3 x");
      const { error } = await outcome(giambio.runProcess("exit 4", { shell: true }));
      expect((error as Error).message).toBe("Command `exit 4` exited with status 4");
    });
  });

  it("runs in `cwd` (a path or a file: URL) with exactly the environment `env`", async () => {
    await runMock(async () => {
      const here = await giambio.runProcess(["pwd"], { cwd: dir, captureStdout: true });
      expect(text(here.stdout)).toBe(`${fs.realpathSync(dir)}\n`);
      const url = await giambio.runProcess(["pwd"], {
        cwd: pathToFileURL(dir),
        captureStdout: true,
      });
      expect(text(url.stdout)).toBe(`${fs.realpathSync(dir)}\n`);
      const env = await giambio.runProcess([NODE, "-p", "JSON.stringify(process.env)"], {
        env: { ONLY: "this" },
        captureStdout: true,
      });
      expect(JSON.parse(text(env.stdout) as string)).toEqual({ ONLY: "this" });
    });
  });

  it("a program that cannot be started is an error naming it (ENOENT, EACCES, a missing cwd)", async () => {
    await runMock(async () => {
      const missing = await outcome(giambio.runProcess(["no-such-program-giambio", "-x"]));
      expect(missing.error).toMatchObject({
        code: "ENOENT",
        message:
          'Cannot run `no-such-program-giambio -x`: no program "no-such-program-giambio" was found in PATH (ENOENT)',
      });
      const notExecutable = path.join(FIXTURES, "README.md");
      const denied = await outcome(giambio.runProcess([notExecutable]));
      expect(denied.error).toMatchObject({
        code: "EACCES",
        message: `Cannot run \`${notExecutable}\`: "${notExecutable}" is not an executable file (EACCES)`,
      });
      const noDir = await outcome(giambio.runProcess(["true"], { cwd: path.join(dir, "nope") }));
      expect((noDir.error as Error).message).toContain("its working directory");
      expect((noDir.error as Error).message).toContain("does not exist");
    });
  });

  it("is a checkpoint: in an already cancelled scope the program never starts", async () => {
    const file = freshFile();
    await runMock(async () => {
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        await giambio.runProcess(["touch", file]);
      });
    });
    expect(fs.existsSync(file)).toBe(false);
  });

  it("cancelling a `sh -c` that started a grandchild leaves neither alive", async () => {
    const file = freshFile();
    let pids: number[] = [];
    await runMock(async () => {
      await giambio.withNursery(async (nursery) => {
        let scope: giambio.CancelScope | undefined;
        nursery.spawn(() =>
          giambio.withCancelScope(async (s) => {
            scope = s;
            await giambio.runProcess([
              "sh",
              "-c",
              'sleep 100 & echo $$ $! > "$1"; wait',
              "sh",
              file,
            ]);
          }),
        );
        pids = (await waitForLine(file)).split(" ").map(Number);
        expect(pids.every(isRunning)).toBe(true);
        scope?.cancel();
      });
      // runProcess returned: the shell has been reaped; its child got the group's SIGTERM.
      expect(isRunning(pids[0] as number)).toBe(false);
    });
    await waitGone(pids[1] as number);
    expect(pids.map(isRunning)).toEqual([false, false]);
  });

  it("a child that ignores SIGTERM is killed with SIGKILL 5 seconds later, on the run's clock", async () => {
    const file = freshFile();
    const clock = new MockClock();
    await runMock(async () => {
      let returnedAt = -1;
      let cancelledBy: unknown = null;
      await giambio.withNursery(async (nursery) => {
        let scope: giambio.CancelScope | undefined;
        nursery.spawn(async () => {
          await giambio.withCancelScope(async (s) => {
            scope = s;
            try {
              await giambio.runProcess([NODE, path.join(FIXTURES, "ignore-sigterm.cjs"), file]);
            } catch (err) {
              cancelledBy = err;
              throw err;
            } finally {
              returnedAt = giambio.clock();
            }
          });
        });
        const [pid, grandchild] = (await waitForLine(file)).split(" ").map(Number);
        scope?.cancel();
        await waitAllTasksBlocked();
        clock.jump(4.9);
        await waitAllTasksBlocked();
        expect(returnedAt).toBe(-1); // still waiting for it...
        expect(isRunning(pid as number)).toBe(true); // ...and it is still there...
        // ...but its own child, which does not ignore SIGTERM, got it too, as a member of
        // the process group.
        await giambio.cancellable(waitGone(grandchild as number));
        clock.jump(0.1);
      });
      expect(returnedAt).toBe(5);
      expect(giambio.isCancelled(cancelledBy)).toBe(true);
    }, clock);
  });

  it("deliverCancel(process) replaces the default, and the call still waits for the exit", async () => {
    const file = freshFile();
    const delivered: giambio.Process[] = [];
    await runMock(async () => {
      await giambio.withNursery(async (nursery) => {
        let scope: giambio.CancelScope | undefined;
        nursery.spawn(() =>
          giambio.withCancelScope(async (s) => {
            scope = s;
            await giambio.runProcess([NODE, path.join(FIXTURES, "ignore-sigterm.cjs"), file], {
              deliverCancel: async (proc) => {
                delivered.push(proc);
                await giambio.sleep(1);
                process.kill(-proc.pid, "SIGUSR2"); // the whole group
              },
            });
          }),
        );
        await waitForLine(file);
        scope?.cancel();
      });
      expect(giambio.clock()).toBe(1);
    });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toBeInstanceOf(giambio.Process);
    expect(delivered[0]?.signalCode).toBe("SIGUSR2");
  });

  it("a deliverCancel that throws: the group is killed, the call waits, and the error is thrown", async () => {
    const file = freshFile();
    await runMock(async () => {
      const { error } = await outcome(
        giambio.withNursery(async (nursery) => {
          let scope: giambio.CancelScope | undefined;
          nursery.spawn(() =>
            giambio.withCancelScope(async (s) => {
              scope = s;
              await giambio.runProcess([NODE, path.join(FIXTURES, "ignore-sigterm.cjs"), file], {
                deliverCancel: () => {
                  throw new Error("delivery failed");
                },
              });
            }),
          );
          await waitForLine(file);
          scope?.cancel();
        }),
      );
      expect((error as Error).message).toBe("delivery failed");
    });
  });
});
