/**
 * Resources a run owns: streams opened inside it. SPEC §9: a stream still open when its run
 * ends is closed by the run, which emits a `GiambioWarning` naming it (and, with sites
 * recorded, where it was opened), so an open socket never keeps the process alive after
 * `run` has settled.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { storage, type Frame } from "./context";
import type { Runner } from "./runner";
import { captureOpSite, formatOpSite, type OpSite } from "./trace";

/** What a run can close for its owner. */
export interface Closeable {
  close(): void;
  /** How the warning names it (`"a TCP connection to 127.0.0.1:8080"`). */
  describeResource(): string;
  /** Whether it still holds something open (a socket destroyed by hand does not). */
  isResourceOpen(): boolean;
}

/** @internal One resource, registered with its run. */
export class TrackedResource {
  /** @internal */
  constructor(
    readonly _runner: Runner,
    readonly _resource: Closeable,
    readonly _site: OpSite | null,
  ) {}

  /** @internal The owner closed it: the run forgets it. */
  untrack(): void {
    this._runner._resources.delete(this);
  }
}

/**
 * @internal Registers `resource` with the run of the calling code, if it runs inside one
 * that has not ended; returns the registration, or `null`.
 */
export function trackResource(resource: Closeable): TrackedResource | null {
  const frame = storage.getStore();
  if (frame === undefined) return null;
  const runner = frame._task._runner;
  if (runner._done) return null;
  const tracked = new TrackedResource(
    runner,
    resource,
    runner._recordSites ? captureOpSite() : null,
  );
  runner._resources.add(tracked);
  return tracked;
}

/** @internal The run has ended: closes what is still open, with a warning for each. */
export function closeLeftovers(resources: Set<TrackedResource>): void {
  for (const tracked of [...resources]) {
    resources.delete(tracked);
    let what: string;
    try {
      if (!tracked._resource.isResourceOpen()) continue;
      what = tracked._resource.describeResource();
      tracked._resource.close();
    } catch (err) {
      what = `a stream (closing it threw ${String(err)})`;
    }
    const site = tracked._site !== null ? formatOpSite(tracked._site) : null;
    process.emitWarning(
      `${what} was still open when its run ended${site !== null ? ` (opened at ${site})` : ""}; ` +
        "the run closed it. Close streams where you are done with them, e.g. with `await using`.",
      "GiambioWarning",
    );
  }
}

/**
 * @internal A service a run owns, such as its worker pool (lib/worker/pool.ts): made on
 * first use in the run, and ended when the run ends. Unlike a stream left open, ending it
 * is expected, so it is quiet.
 */
export interface RunService {
  /**
   * The run has ended (every task has): release what the service holds. A promise makes
   * the run settle only once it has (a worker pool waits for its threads to exit).
   */
  endWithRun(): Promise<void> | null;
}

/**
 * @internal The service `key` of the run `frame` belongs to, made with `make()` the first
 * time the run asks for it.
 */
export function runService<T extends RunService>(frame: Frame, key: object, make: () => T): T {
  const services = frame._task._runner._services;
  let service = services.get(key) as T | undefined;
  if (service === undefined) {
    service = make();
    services.set(key, service);
  }
  return service;
}

/**
 * @internal The run has ended: ends its services; returns a promise that settles when
 * every one that needed time has finished (never rejects), or `null` if none did.
 */
export function endServices(services: Map<object, RunService>): Promise<void> | null {
  const pending: Promise<void>[] = [];
  for (const service of services.values()) {
    try {
      const ending = service.endWithRun();
      if (ending !== null) pending.push(ending);
    } catch (err) {
      process.emitWarning(`A run service failed to end: ${String(err)}`, "GiambioWarning");
    }
  }
  services.clear();
  if (pending.length === 0) return null;
  return Promise.allSettled(pending).then(() => undefined);
}
