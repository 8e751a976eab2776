/**
 * Idleness of one run: task counts, `waitAllTasksBlocked()` and autojump.
 *
 * The run counts live tasks and blocked tasks (a task is blocked while it has a parked
 * wait: a sleep, a join, a `cancellable`, its children). When the two counts meet, every
 * task waits on something outside the run, and a check is armed for the next turn of the
 * event loop. If nothing ran in between (`activity` did not move), the run is idle: the
 * `waitAllTasksBlocked()` waiter with the smallest cushion is woken, or a `MockClock` with
 * autojump jumps to the next deadline, whichever asked for the shorter real-time cushion
 * (waiters win ties). This is trio's design: autojump is just another idle waiter.
 *
 * Imports nothing from the rest of the kernel.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */

/** A wait that idleness can end. */
/** @internal */
export interface IdleWait {
  wake(value: undefined): void;
  cleanup: ((w: never) => void) | null;
}

/** What idleness asks of its run. */
/** @internal */
export interface IdleHost {
  /** Whether a batch is queued (then the run is not idle). */
  readonly _batchPending: boolean;
  /** The autojump threshold of the run's clock, in real seconds, or `false`. */
  readonly _autojump: number | false;
  /** The earliest deadline of the run. */
  readonly _earliest: number;
  /** Moves virtual time to `time`. */
  _jumpTo(time: number): void;
}

interface IdleEntry {
  readonly cushion: number;
  readonly wait: IdleWait;
}

/** @internal */
export class Idleness {
  live = 0;
  blocked = 0;
  /** Moves whenever a task starts, ends, blocks or unblocks: tells a real idle period apart. */
  activity = 0;
  private done = false;
  private immediate: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;
  private epoch = 0;
  private since = 0;
  private readonly waiters: IdleEntry[] = [];

  constructor(private readonly host: IdleHost) {}

  spawned(): void {
    this.live++;
    this.activity++;
  }

  taskBlocked(): void {
    this.blocked++;
    this.activity++;
    if (this.blocked === this.live) this.check();
  }

  taskUnblocked(): void {
    this.blocked--;
    this.activity++;
  }

  exited(): void {
    this.live--;
    this.activity++;
    this.check();
  }

  /** Parks `w` until every other task has been blocked for `cushion` real seconds. */
  waitIdle(w: IdleWait, cushion: number): void {
    const entry: IdleEntry = { cushion, wait: w };
    const list = this.waiters;
    let i = list.length;
    while (i > 0 && (list[i - 1] as IdleEntry).cushion > cushion) i--;
    list.splice(i, 0, entry);
    w.cleanup = () => {
      const at = this.waiters.indexOf(entry);
      if (at >= 0) this.waiters.splice(at, 1);
    };
    this.check();
  }

  /** Arms the idle check if every task is blocked and someone waits for idleness. */
  check(): void {
    if (this.immediate !== null || this.timer !== null || this.done) return;
    if (this.blocked !== this.live || this.live === 0) return;
    if (this.waiters.length === 0 && this.host._autojump === false) return;
    this.epoch = this.activity;
    this.since = performance.now();
    this.immediate = setImmediate(this.onIdle);
  }

  stop(): void {
    this.done = true;
    if (this.immediate !== null) clearImmediate(this.immediate);
    if (this.timer !== null) clearTimeout(this.timer);
    this.immediate = this.timer = null;
  }

  private readonly onIdle = (): void => {
    this.immediate = this.timer = null;
    if (this.done) return;
    if (this.activity !== this.epoch || this.host._batchPending) {
      this.check(); // something ran meanwhile: the idle period starts again
      return;
    }
    if (this.blocked !== this.live) return; // the next block re-arms
    const first = this.waiters[0];
    const threshold = this.host._autojump;
    const next = this.host._earliest;
    const jump =
      threshold !== false &&
      next !== Infinity &&
      (first === undefined || threshold < first.cushion);
    const cushion = jump ? threshold : first === undefined ? Infinity : first.cushion;
    if (cushion === Infinity) return;
    const left = cushion * 1000 - (performance.now() - this.since);
    if (left > 0) {
      this.timer = setTimeout(this.onIdle, left);
      return;
    }
    if (jump) {
      this.host._jumpTo(next);
    } else {
      this.waiters.shift();
      (first as IdleEntry).wait.wake(undefined);
    }
  };
}
