/**
 * Introspection of a run, for `taskTree()` and the third Ctrl-C: a snapshot of every task,
 * what it waits on, and the deadlines around it, read from the kernel's own structures.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import type { CancelScope } from "./cancel-scope";
import type { Nursery } from "./nursery";
import type { Runner } from "./runner";
import type { Task, TaskState } from "./task";

/** One task in a {@link TaskTree}. */
export interface TaskNode {
  readonly id: number;
  readonly name: string;
  readonly state: TaskState;
  /**
   * What the task is blocked in (`"sleep"`, `"join(worker #4)"`, `"cancellable"`,
   * `"nursery children"`, ...), or `null` when it is not blocked (running or ready).
   */
  readonly waitingOn: string | null;
  /** When its current sleep ends, on the run's clock; `null` when it is not sleeping. */
  readonly wakesAt: number | null;
  /** The earliest deadline of the cancel scopes around it, on the run's clock (`Infinity` for none). */
  readonly deadline: number;
  /** Whether the code it runs has been cancelled (it gets `Cancelled` at its next checkpoint). */
  readonly cancelled: boolean;
  /** Where it was spawned, with `runWith({ traceSpawns: true })`; else `null`. */
  readonly spawnedAt: string | null;
  /** Its children, from every nursery it has open (its own implicit one first), in spawn order. */
  readonly children: readonly TaskNode[];
}

/**
 * A snapshot of a run's tasks: the root task and, below it, everything it started.
 *
 * @example
 * ```ts
 * import { taskTree } from "giambio/testing";
 *
 * await giambio.run(async function main() {
 *   console.log(String(taskTree()));
 * });
 * ```
 *
 * ```text
 * main #... running
 * ```
 */
export interface TaskTree {
  readonly root: TaskNode;
  /** How many tasks the tree holds. */
  readonly size: number;
  /** The tree as indented text, one task per line. */
  toString(): string;
}

/** A snapshot of the tasks of `runner`'s run. */
/** @internal */
export function describeRun(runner: Runner): TaskTree {
  const root = runner._root as Task;
  let size = 0;
  const visit = (task: Task): TaskNode => {
    size++;
    const w = task._waitingOn;
    const waitingOn =
      w !== null
        ? typeof w._what === "string"
          ? w._what
          : `join(${w._what.name} #${w._what.id})`
        : task._waitingChildren
          ? "its children"
          : null;
    const timer = w?._timer ?? null;
    const scope = w?._scope ?? task._scope;
    return {
      id: task.id,
      name: task.name,
      state: task._state,
      waitingOn,
      wakesAt: timer !== null && timer.index >= 0 ? timer.deadline : null,
      deadline: effectiveDeadline(scope),
      cancelled: scope._cancelled,
      spawnedAt: task._spawnSite,
      children: childrenOf(task).map(visit),
    };
  };
  const tree = visit(root);
  return { root: tree, size, toString: () => render(tree) };
}

function childrenOf(task: Task): Task[] {
  const nurseries: Nursery[] = [];
  if (task._implicit !== null) nurseries.push(task._implicit);
  if (task._open !== null) nurseries.push(...task._open);
  const out: Task[] = [];
  for (const n of nurseries) {
    out.push(...n.children);
    if (n._starting !== null) out.push(...n._starting);
  }
  return out.sort((a, b) => a.id - b.id);
}

function effectiveDeadline(scope: CancelScope): number {
  let d = Infinity;
  for (let s: CancelScope | null = scope; s !== null; s = s._parent) {
    if (s._deadline < d && !s._cancelCalled) d = s._deadline;
    if (s._shield) break;
  }
  return d;
}

function render(root: TaskNode): string {
  const lines: string[] = [];
  const line = (node: TaskNode, prefix: string, childPrefix: string): void => {
    let text = `${prefix}${node.name} #${node.id} ${node.state}`;
    if (node.waitingOn !== null) text += `, waiting on ${node.waitingOn}`;
    if (node.wakesAt !== null) text += ` until ${node.wakesAt}`;
    if (node.deadline !== Infinity) text += `, deadline ${node.deadline}`;
    if (node.cancelled) text += ", cancelled";
    lines.push(text);
    if (node.spawnedAt !== null) {
      const first = node.spawnedAt.split("\n")[0] ?? "";
      lines.push(`${childPrefix}${node.children.length > 0 ? "│ " : "  "} spawned ${first}`);
    }
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      line(child, `${childPrefix}${last ? "└─ " : "├─ "}`, `${childPrefix}${last ? "   " : "│  "}`);
    });
  };
  line(root, "", "");
  return lines.join("\n");
}
