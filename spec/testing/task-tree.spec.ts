import * as giambio from "giambio";
import { MockClock, taskTree, waitAllTasksBlocked } from "giambio/testing";
import { runMock } from "../support/giambio";

describe("taskTree", () => {
  it("lists every task with its state, what it waits on, and its deadlines", async () => {
    await runMock(async function main() {
      await giambio.withNursery(async (nursery) => {
        nursery.spawn(async function sleeper() {
          await giambio.moveOnAt(50, () => giambio.sleep(10));
        });
        const worker = nursery.spawn(async function worker() {
          giambio.spawn(giambio.sleepForever);
        });
        nursery.spawn(async function joiner() {
          await worker.join();
        });
        await waitAllTasksBlocked();
        const tree = taskTree();
        expect(tree.size).toBe(5);
        expect(tree.root).toMatchObject({ name: "main", state: "running", waitingOn: null });
        const kids = tree.root.children;
        expect(kids.map((k) => k.name)).toEqual(["sleeper", "worker", "joiner"]);
        expect(kids[0]).toMatchObject({ waitingOn: "sleep", wakesAt: 10, deadline: 50 });
        expect(kids[1]).toMatchObject({ waitingOn: "its children", wakesAt: null });
        expect(kids[1]?.children[0]).toMatchObject({ name: "sleepForever", waitingOn: "sleep" });
        expect(kids[2]?.waitingOn).toBe(`join(worker #${worker.id})`);
        expect(String(tree)).toBe(
          [
            `main #${tree.root.id} running`,
            `├─ sleeper #${kids[0]?.id} running, waiting on sleep until 10, deadline 50`,
            `├─ worker #${kids[1]?.id} running, waiting on its children`,
            `│  └─ sleepForever #${kids[1]?.children[0]?.id} running, waiting on sleep`,
            `└─ joiner #${kids[2]?.id} running, waiting on join(worker #${worker.id})`,
          ].join("\n"),
        );
        nursery.cancel();
      });
    });
  });

  it("shows children still starting under nursery.start()", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (nursery) => {
        const started = nursery.start(async function server(status: giambio.TaskStatus) {
          await giambio.sleep(5);
          status.started();
        });
        giambio.spawn(async () => {
          await waitAllTasksBlocked();
          const names = taskTree().root.children.flatMap((c) => [
            c.name,
            ...c.children.map((g) => g.name),
          ]);
          expect(names).toContain("server");
          nursery.cancel();
        });
        await started.catch(() => undefined);
      });
    });
  });

  it("shows spawn sites with traceSpawns", async () => {
    const clock = new MockClock({ autojump: true });
    await giambio.runWith(
      { clock, handleSignals: false, traceSpawns: true },
      async function main() {
        const t = giambio.spawn(giambio.sleepForever);
        await waitAllTasksBlocked();
        const node = taskTree().root.children[0];
        expect(node?.spawnedAt).toMatch(/task-tree\.spec\.ts:\d+/);
        expect(String(taskTree())).toMatch(/spawned at .*task-tree\.spec\.ts/);
        t.cancel();
      },
    );
  });

  it("shows a cancelled task doing shielded cleanup as not cancelled, and throws outside a run", async () => {
    await runMock(async () => {
      const t = giambio.spawn(async function stubborn() {
        await giambio.withCancelScope(async () => {
          try {
            await giambio.sleepForever();
          } finally {
            await giambio.withCancelScope(() => giambio.sleep(1), { shield: true });
          }
        });
      });
      await waitAllTasksBlocked();
      t.cancel();
      await waitAllTasksBlocked();
      const node = taskTree().root.children[0];
      expect(node).toMatchObject({ name: "stubborn", waitingOn: "sleep", cancelled: false });
      expect(String(taskTree())).not.toContain("cancelled");
    });
    expect(() => taskTree()).toThrow(/taskTree\(\) must be called from inside a task/);
  });
});
