// Runs a few shell commands in parallel, at most two at a time (a CapacityLimiter), and
// stops them all at the first failure. The failing command's ProcessError reaches the
// nursery, which cancels the other tasks: a command still waiting for its turn never
// starts, and a running one gets SIGTERM (its whole process group, so whatever it
// started stops too), and its task ends only once it has exited. Ctrl-C stops them all
// the same way.
//
//   npx tsc -p tsconfig.examples.json && node build/examples/processes.js
import * as giambio from "giambio";

/** A build in miniature: the third step fails, the last two would take long. */
export const COMMANDS = [
  "echo compiling; sleep 0.1; echo compiled",
  "echo linting",
  "echo '2 tests failed' >&2; exit 1",
  "sleep 30",
  "sleep 30",
];

/** Runs every command, `concurrency` at a time; throws the first failure. */
export async function runAll(commands: readonly string[], concurrency: number): Promise<string[]> {
  const limiter = new giambio.CapacityLimiter(concurrency);
  const outputs: string[] = new Array<string>(commands.length).fill("");
  await giambio.withNursery(async (nursery) => {
    commands.forEach((command, i) => {
      nursery.spawn(async function runOne() {
        await using _ = await limiter.hold();
        const { stdout } = await giambio.runProcess(command, {
          shell: true,
          captureStdout: true,
          captureStderr: true,
        });
        outputs[i] = (stdout as Buffer).toString();
      });
    });
  });
  return outputs;
}

export async function runExample(): Promise<void> {
  await giambio.run(async () => {
    const started = giambio.clock();
    try {
      await runAll(COMMANDS, 2);
      console.log("every command succeeded");
    } catch (err) {
      if (!(err instanceof giambio.ProcessError)) throw err;
      console.log(`stopped at the first failure: ${err.message}`);
    }
    const seconds = giambio.clock() - started;
    console.log(`the 30-second commands were stopped: ${seconds < 30}`);
  });
}

if (require.main === module) {
  runExample().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
