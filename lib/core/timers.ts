/**
 * The time of one run: every sleep and deadline in one `TimerHeap`, driven by a single
 * host `setTimeout` armed for the earliest entry (or, on a virtual clock, by jumps).
 *
 * Why a cap on the host timer: Node's `setTimeout` takes at most 2³¹−1 ms (about 24.8
 * days); anything longer is silently turned into 1 ms with a `TimeoutOverflowWarning`.
 * A sleep of 30 days or 1e308 seconds must wait that long without waking the process a
 * thousand times a second, so the host timer is armed for at most `MAX_HOST_MS`, and when
 * it fires early it simply re-arms for what is left. An `Infinity` deadline never enters
 * the heap at all.
 *
 * Imports nothing from the rest of the kernel but the heap.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { TimerHeap, type TimerEntry, type TimerTarget } from "./timer-heap";

/** The longest delay `setTimeout` accepts without overflowing. */
/** @internal */
export const MAX_HOST_MS = 2 ** 31 - 1;

/** @internal */
export class Timers {
  private readonly heap = new TimerHeap();
  private host: NodeJS.Timeout | null = null;
  private hostAt = Infinity;

  /**
   * @param now - the run's clock, in seconds
   * @param virtual - whether time moves only by jumps (then no host timer is armed)
   * @param onFire - called when the host timer fires, before due entries are popped
   */
  constructor(
    private readonly now: () => number,
    private readonly virtual: boolean,
    private readonly onFire: () => void,
  ) {}

  /** The earliest deadline, or `Infinity`. */
  get earliest(): number {
    return this.heap.earliest;
  }

  /** How many entries are scheduled. */
  get size(): number {
    return this.heap.size;
  }

  /** Schedules `target._timeout()` at `deadline` (finite), and arms the host timer. */
  add(deadline: number, target: TimerTarget): TimerEntry {
    const entry = this.heap.add(deadline, target);
    this.arm();
    return entry;
  }

  /** Moves an entry to a new (finite) deadline. */
  move(entry: TimerEntry, deadline: number): void {
    this.heap.update(entry, deadline);
    this.arm();
  }

  /** Drops an entry (the host timer is left alone: it re-arms when it fires). */
  remove(entry: TimerEntry): void {
    this.heap.remove(entry);
    if (this.heap.size === 0) this.disarm();
  }

  /** Calls `_timeout()` on every entry that is due, then re-arms. */
  fireDue(): void {
    const now = this.now();
    for (let e = this.heap.popDue(now); e !== undefined; e = this.heap.popDue(now)) {
      e.target._timeout();
    }
    this.arm();
  }

  /** Drops every entry and the host timer. */
  clear(): void {
    this.heap.clear();
    this.disarm();
  }

  /** (Re)arms the host timer for the earliest entry. */
  private arm(): void {
    if (this.virtual) return;
    const at = this.heap.earliest;
    if (at === Infinity) {
      this.disarm();
      return;
    }
    // An armed timer that fires no later than needed is kept: it re-arms when it fires.
    if (this.host !== null && this.hostAt <= at) return;
    if (this.host !== null) clearTimeout(this.host);
    const ms = Math.min(MAX_HOST_MS, Math.max(0, Math.ceil((at - this.now()) * 1000)));
    this.hostAt = ms === MAX_HOST_MS ? this.now() + ms / 1000 : at;
    this.host = setTimeout(this.onHost, ms);
  }

  private disarm(): void {
    if (this.host !== null) clearTimeout(this.host);
    this.host = null;
    this.hostAt = Infinity;
  }

  private readonly onHost = (): void => {
    this.host = null;
    this.hostAt = Infinity;
    this.onFire();
    this.fireDue();
  };
}
