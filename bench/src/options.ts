/**
 * The command line of the harness (see main.ts for what each option does).
 *
 * @module
 */
import * as path from "node:path";
import type { NodeKey, Workload } from "./workload.js";
import { WORKLOADS, findWorkload } from "./workloads/index.js";

/** `full` (the default), `quick` (fewer rounds, targets only) or `smoke` (tiny sizes). */
export type Mode = "full" | "quick" | "smoke";

export interface Options {
  readonly mode: Mode;
  readonly workloads: readonly Workload[];
  /** Only this Node version; both when undefined. */
  readonly node: NodeKey | undefined;
  readonly rounds: number;
  readonly warmups: number;
  readonly json: string | undefined;
  readonly cpuProf: string | undefined;
  readonly markdown: string | undefined;
  /** `NODE_ENV` for the children; unset (the default environment) when undefined. */
  readonly nodeEnv: string | undefined;
  readonly waitIdle: boolean;
}

/** Rounds (one sample per variant each) and warm-up runs per child, by mode. */
const DEFAULTS: Readonly<Record<Mode, { rounds: number; warmups: number }>> = {
  full: { rounds: 5, warmups: 2 },
  quick: { rounds: 3, warmups: 1 },
  smoke: { rounds: 1, warmups: 0 },
};

export const USAGE = `usage: node bench/build/main.js [--quick | --smoke] [--only <id>[,<id>...]]
         [--node 20|24] [--rounds <n>] [--env <NODE_ENV>] [--wait-idle]
         [--json <file>] [--cpu-prof <dir>] [--markdown <file>]

  --quick      the workloads with targets, ${DEFAULTS.quick.rounds} rounds, ${DEFAULTS.quick.warmups} warm-up run per child
  --smoke      every workload at tiny sizes, 1 round, no warm-up: proves every variant runs
               (its figures mean nothing)
  --only       these workloads (ids below, any case), whatever the mode
  --node       only Node 20 (the node running this) or only Node 24
  --rounds     rounds (default ${DEFAULTS.full.rounds}; each round runs every variant once, in turn)
  --env        run the children with NODE_ENV=<value> (default: NODE_ENV unset)
  --wait-idle  before each child, wait (up to 2 minutes) for other processes to leave the
               CPUs idle (Linux); without it, their load is only reported
  --json       also write every sample to this file
  --cpu-prof   run every child with --cpu-prof, writing the profiles under this directory
  --markdown   write the table into this file, between <!-- bench:begin --> and
               <!-- bench:end --> (docs/performance.md has them)

workloads:
${WORKLOADS.map((w) => `  ${w.id.padEnd(13)}${w.title}${w.quick ? "" : " (not in --quick)"}`).join("\n")}
`;

/** Prints `error` and the usage, then exits with status 2. */
export function usageError(error: string): never {
  process.stderr.write(`bench: ${error}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usageError(`${flag} takes an integer >= 1, got \`${text}\``);
  return n;
}

/** Parses `argv` (the arguments after the script); exits on `--help` or a bad option. */
export function parseOptions(argv: readonly string[]): Options {
  let mode: Mode = "full";
  let only: Workload[] | undefined;
  let node: NodeKey | undefined;
  let rounds: number | undefined;
  let json: string | undefined;
  let cpuProf: string | undefined;
  let markdown: string | undefined;
  let nodeEnv: string | undefined;
  let waitIdle = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? "";
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) usageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--quick":
      case "--smoke":
        if (mode !== "full") usageError("--quick and --smoke exclude each other");
        mode = flag === "--quick" ? "quick" : "smoke";
        break;
      case "--only":
        only = value()
          .split(",")
          .map((id) => findWorkload(id.trim()) ?? usageError(`no workload \`${id}\``));
        break;
      case "--node": {
        const v = value();
        if (v !== "20" && v !== "24") usageError(`--node takes 20 or 24, got \`${v}\``);
        node = v;
        break;
      }
      case "--rounds":
        rounds = positiveInteger(value(), flag);
        break;
      case "--env":
        nodeEnv = value();
        break;
      case "--wait-idle":
        waitIdle = true;
        break;
      case "--json":
        json = path.resolve(value());
        break;
      case "--cpu-prof":
        cpuProf = path.resolve(value());
        break;
      case "--markdown":
        markdown = path.resolve(value());
        break;
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        usageError(`unknown option \`${flag}\``);
    }
  }
  const workloads = only ?? WORKLOADS.filter((w) => mode !== "quick" || w.quick);
  const defaults = DEFAULTS[mode];
  return {
    mode,
    workloads,
    node,
    rounds: rounds ?? defaults.rounds,
    warmups: defaults.warmups,
    json,
    cpuProf,
    markdown,
    nodeEnv,
    waitIdle,
  };
}
