/**
 * Every workload, in the order of the table: the seven side by side with Effect and
 * Effection first, then giambio against raw alone, then Node's own costs.
 *
 * @module
 */
import type { Workload } from "../workload.js";
import { als } from "./als.js";
import { cancelParked } from "./cancel-parked.js";
import { checkpoints } from "./checkpoints.js";
import { echo } from "./echo.js";
import { failFast } from "./fail-fast.js";
import { allWorkload, mapWorkload } from "./helpers.js";
import { fanOut } from "./fan-out.js";
import { lock } from "./lock.js";
import { pingPong } from "./ping-pong.js";
import { processes } from "./processes.js";
import { sharedSignal } from "./shared-signal.js";
import { signals } from "./signals.js";
import { sleepers } from "./sleepers.js";
import { soak } from "./soak.js";
import { spawnJoin } from "./spawn-join.js";
import { workers } from "./workers.js";
import { yieldPolicy } from "./yield-policy.js";

export const WORKLOADS: readonly Workload[] = [
  spawnJoin,
  cancelParked,
  checkpoints,
  sleepers,
  pingPong,
  fanOut,
  failFast,
  lock,
  echo,
  soak,
  allWorkload,
  mapWorkload,
  workers,
  processes,
  yieldPolicy,
  signals,
  sharedSignal,
  als,
];

/** The workload whose id is `id` (any case), if any. */
export function findWorkload(id: string): Workload | undefined {
  return WORKLOADS.find((w) => w.id.toLowerCase() === id.toLowerCase());
}
