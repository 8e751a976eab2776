/**
 * What reaches a run from outside: Ctrl-C (SIGINT), the outside `signal` of `runWith`, and
 * the keep-alive that stops Node from exiting under a run whose tasks all wait forever.
 *
 * Ctrl-C (SPEC §1): the first SIGINT cancels the run; a second, while it unwinds, also
 * cancels shielded scopes; a third ends the process at once with exit status 130, after
 * writing each run's task tree to stderr, so that a task stuck on a promise giambio cannot
 * cancel never leaves the user without a way out. However many runs are alive, the process
 * has one SIGINT listener, added with the first run that handles signals and removed with
 * the last.
 *
 * The keep-alive: a live run holds one ref'ed interval that does nothing. Without it, a run
 * whose tasks all wait forever (a server's `sleepForever()`) would let Node exit on the
 * spot with every `finally` block unrun; with it, the process waits for Ctrl-C, as a trio
 * program does.
 *
 * Imports nothing from the rest of the kernel.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */

/** What a run does when interrupted. */
/** @internal */
export interface InterruptTarget {
  /** The `n`th SIGINT of this run (1: cancel, 2: cancel shielded scopes too). */
  _interrupt(n: number): void;
  /** The run's task tree, as text, for the third SIGINT. */
  _describe(): string;
}

const KEEP_ALIVE_MS = 2 ** 31 - 1;
const EXIT_STATUS = 130;

function noop(): void {}

const targets = new Map<InterruptTarget, { count: number }>();

function onSigint(): void {
  for (const [target, state] of [...targets]) {
    state.count++;
    if (state.count >= 3) {
      exitNow();
      return;
    }
    target._interrupt(state.count);
  }
}

function exitNow(): void {
  const trees: string[] = [];
  for (const target of targets.keys()) {
    try {
      trees.push(target._describe());
    } catch (err) {
      trees.push(`(the task tree could not be written: ${String(err)})`);
    }
  }
  process.stderr.write(
    `giambio: a third Ctrl-C: exiting at once (status ${EXIT_STATUS}); what was still running:\n` +
      `${trees.join("\n\n")}\n`,
  );
  process.exit(EXIT_STATUS);
}

/** @internal */
export class Interrupts {
  private keepAlive: NodeJS.Timeout | null = null;
  private onAbort: (() => void) | null = null;
  private handling = false;
  private readonly state = { count: 0 };

  constructor(
    private readonly target: InterruptTarget,
    private readonly signal: AbortSignal | undefined,
    private readonly handleSignals: boolean,
  ) {}

  /** Starts listening; `cancel(reason)` is called when the outside signal aborts. */
  start(cancel: (reason: unknown) => void): void {
    const signal = this.signal;
    if (signal !== undefined) {
      if (signal.aborted) cancel(signal.reason);
      else {
        this.onAbort = () => cancel(signal.reason);
        signal.addEventListener("abort", this.onAbort, { once: true });
      }
    }
    if (this.handleSignals) {
      if (targets.size === 0) process.on("SIGINT", onSigint);
      targets.set(this.target, this.state);
      this.handling = true;
    }
    this.keepAlive = setInterval(noop, KEEP_ALIVE_MS);
  }

  /** How many SIGINTs this run received. */
  get count(): number {
    return this.state.count;
  }

  stop(): void {
    if (this.onAbort !== null) this.signal?.removeEventListener("abort", this.onAbort);
    this.onAbort = null;
    if (this.handling) {
      this.handling = false;
      targets.delete(this.target);
      if (targets.size === 0) process.off("SIGINT", onSigint);
    }
    if (this.keepAlive !== null) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }
}
