/**
 * What a workload is: its sizes, its variants (one function per implementation, each run in
 * a child process of its own), and the rows it adds to the table, with their targets.
 *
 * @module
 */

/** What one run of a variant measured, by metric name (`{ ms: 41.2 }`). */
export type Metrics = Readonly<Record<string, number>>;

/** `full` is what the targets are about; `smoke` only proves that every variant runs. */
export type SizeName = "full" | "smoke";

/** The Node.js columns of the table: the `node` running the harness, and Node 24. */
export type NodeKey = "20" | "24";

/** The unit of a row's medians; `req/s` and `/s` are better higher, every other lower. */
export type Unit = "ms" | "B" | "%" | "us" | "req/s" | "/s" | "";

/** What giambio's median must reach on one row. */
export interface Target {
  /** As printed in the table: `≤ 3×`. */
  readonly text: string;
  /** Whether it is judged on the ratio to the baseline (no baseline, no verdict). */
  readonly onRatio: boolean;
  /** Whether giambio's median (`value`, and `ratio` = value ÷ baseline) reaches it. */
  met(value: number, ratio: number): boolean;
}

/** One target for every Node version, or one per version. */
export type Targets = Target | Readonly<Record<NodeKey, Target>>;

/** A variant's metric: the row's `metric` of variant `V`, or `[V, otherMetric]`. */
export type Ref<V extends string> = V | readonly [variant: V, metric: string];

/** One line of the table (per Node version). */
export interface Row<V extends string> {
  /** What the row measures, after the workload's id: `spawn + join 100,000 empty tasks`. */
  readonly label: string;
  readonly unit: Unit;
  /** The metric the columns show, unless a column names another. */
  readonly metric: string;
  /** What every column is divided by; none for a row that is judged on its own. */
  readonly baseline?: Ref<V>;
  /** The baseline's name in the table (`floor`, `no ALS`); by default, its variant's. */
  readonly baselineName?: string;
  /** The giambio column: the variant judged against `target`. */
  readonly giambio?: Ref<V>;
  readonly effect?: Ref<V>;
  readonly effection?: Ref<V>;
  readonly target?: Targets;
}

/** A variant: one measured run at the given size, in a child process of its own. */
export type VariantFn<S> = (size: S) => Promise<Metrics>;

/** How a workload file describes itself to {@link defineWorkload}. */
export interface WorkloadSpec<S, V extends string> {
  /** What `--only` takes and the table shows first: `W1`, `lock`. */
  readonly id: string;
  /** One line for `--help`. */
  readonly title: string;
  /** Part of `--quick` (the workloads with targets). */
  readonly quick: boolean;
  readonly sizes: Readonly<Record<SizeName, S>>;
  /**
   * The implementations, each run in its own process. Only variants named `giambio…` may
   * load giambio (the child checks): `raw` must run where AsyncLocalStorage was never
   * enabled. Load peers with `await import()` inside the variant, so that no other
   * variant's process loads them.
   */
  readonly variants: Readonly<Record<V, VariantFn<S>>>;
  readonly rows: readonly Row<NoInfer<V>>[];
  /** At most this many warm-up runs in each child (a workload that warms up inside). */
  readonly maxWarmups?: number;
  /** At most this many rounds (a slow workload whose spread is small). */
  readonly maxRounds?: number;
}

/** A workload with its size type erased, as the harness handles it. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  readonly quick: boolean;
  readonly variants: readonly string[];
  readonly rows: readonly Row<string>[];
  readonly maxWarmups: number;
  readonly maxRounds: number;
  /** Runs `variant` once at `size`. */
  run(variant: string, size: SizeName): Promise<Metrics>;
}

/** Checks a workload file's description and erases its size type. */
export function defineWorkload<S, V extends string>(spec: WorkloadSpec<S, V>): Workload {
  const variants = Object.keys(spec.variants) as V[];
  return {
    id: spec.id,
    title: spec.title,
    quick: spec.quick,
    variants,
    rows: spec.rows,
    maxWarmups: spec.maxWarmups ?? Infinity,
    maxRounds: spec.maxRounds ?? Infinity,
    run(variant, size) {
      if (!(variants as string[]).includes(variant)) {
        throw new Error(
          `Workload ${spec.id} has no variant \`${variant}\` (${variants.join(", ")})`,
        );
      }
      return spec.variants[variant as V](spec.sizes[size]);
    },
  };
}

/** The variant and metric a {@link Ref} names. */
export function resolveRef(ref: Ref<string>, metric: string): [variant: string, metric: string] {
  return typeof ref === "string" ? [ref, metric] : [ref[0], ref[1]];
}

/** giambio's median must be at most `x` times the baseline's. */
export function ratioAtMost(x: number): Target {
  return { text: `≤ ${x}×`, onRatio: true, met: (_value, ratio) => ratio <= x };
}

/** giambio's median must be at least `x` times the baseline's (for a rate). */
export function ratioAtLeast(x: number): Target {
  return { text: `≥ ${x}×`, onRatio: true, met: (_value, ratio) => ratio >= x };
}

/** giambio's median must be at most `x`, in the row's unit. */
export function atMost(x: number, unit: Unit): Target {
  return { text: `≤ ${x} ${unit}`.trim(), onRatio: false, met: (value) => value <= x };
}

/** giambio's median must lie within `x` of zero, either way (a growth in %). */
export function within(x: number, unit: Unit): Target {
  return {
    text: `within ±${x} ${unit}`.trim(),
    onRatio: false,
    met: (value) => Math.abs(value) <= x,
  };
}

/** The target of `targets` for Node version `node`. */
export function targetFor(targets: Targets | undefined, node: NodeKey): Target | undefined {
  if (targets === undefined || "met" in targets) return targets;
  return targets[node];
}
