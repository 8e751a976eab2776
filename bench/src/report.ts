/**
 * From samples to the table: the median of each variant's samples over the rounds, each
 * column's ratio to its row's baseline, and whether giambio meets the row's target; then
 * the table as text.
 *
 * @module
 */
import type { NodeBinary } from "./nodes.js";
import {
  resolveRef,
  targetFor,
  type Metrics,
  type NodeKey,
  type Ref,
  type Target,
  type Unit,
  type Workload,
} from "./workload.js";

/** Every sample taken, by Node version, workload and variant. */
export class Samples {
  private readonly byKey = new Map<string, Metrics[]>();

  add(node: NodeKey, workload: string, variant: string, metrics: Metrics): void {
    const key = `${node}|${workload}|${variant}`;
    const list = this.byKey.get(key);
    if (list === undefined) this.byKey.set(key, [metrics]);
    else list.push(metrics);
  }

  /** The median of `metric` over the rounds; NaN without samples. */
  median(node: NodeKey, workload: string, variant: string, metric: string): number {
    const values = (this.byKey.get(`${node}|${workload}|${variant}`) ?? [])
      .map((m) => m[metric])
      .filter((v): v is number => typeof v === "number" && !Number.isNaN(v))
      .sort((a, b) => a - b);
    if (values.length === 0) return NaN;
    const mid = values.length >> 1;
    return values.length % 2 === 1
      ? (values[mid] ?? NaN)
      : ((values[mid - 1] ?? NaN) + (values[mid] ?? NaN)) / 2;
  }
}

/** The columns of the table that hold variants, in order. */
export const COLUMNS = ["giambio", "effect", "effection"] as const;
export type Column = (typeof COLUMNS)[number];
export const COLUMN_TITLES: Readonly<Record<Column, string>> = {
  giambio: "giambio",
  effect: "Effect",
  effection: "Effection",
};

/** A median and its ratio to the row's baseline (NaN without one). */
export interface Cell {
  readonly value: number;
  readonly ratio: number;
}

/** One row of the table for one Node version. */
export interface Line {
  readonly workload: Workload;
  readonly label: string;
  readonly unit: Unit;
  readonly node: NodeBinary;
  /** The baseline's name (`raw`, `floor`), or "" for a row without one. */
  readonly vs: string;
  readonly baseline: number;
  /** Undefined where the row has no such column. */
  readonly cells: Readonly<Record<Column, Cell | undefined>>;
  readonly target: Target | undefined;
  /** Whether giambio met the target; undefined without a target or without data. */
  readonly met: boolean | undefined;
}

/** Every line of the table: each workload's rows, each for every Node version. */
export function judge(
  workloads: readonly Workload[],
  nodes: readonly NodeBinary[],
  samples: Samples,
): Line[] {
  const lines: Line[] = [];
  for (const workload of workloads) {
    for (const row of workload.rows) {
      for (const node of nodes) {
        const median = (ref: Ref<string>): number => {
          const [variant, metric] = resolveRef(ref, row.metric);
          return samples.median(node.key, workload.id, variant, metric);
        };
        const baseline = row.baseline === undefined ? NaN : median(row.baseline);
        const cell = (ref: Ref<string> | undefined): Cell | undefined => {
          if (ref === undefined) return undefined;
          const value = median(ref);
          return { value, ratio: value / baseline };
        };
        const cells = {
          giambio: cell(row.giambio),
          effect: cell(row.effect),
          effection: cell(row.effection),
        };
        const target = targetFor(row.target, node.key);
        const g = cells.giambio;
        const judged =
          g !== undefined && !Number.isNaN(target?.onRatio === true ? g.ratio : g.value);
        const met = target === undefined || !judged ? undefined : target.met(g.value, g.ratio);
        const vs =
          row.baseline === undefined ? "" : (row.baselineName ?? resolveRef(row.baseline, "")[0]);
        lines.push({
          workload,
          label: row.label,
          unit: row.unit,
          node,
          vs,
          baseline,
          cells,
          target,
          met,
        });
      }
    }
  }
  return lines;
}

/** A median in its unit: `41.2`, `1,588`, `52.7k`, `3.21M`. */
export function formatValue(value: number, unit: Unit): string {
  if (Number.isNaN(value)) return "-";
  if (unit === "/s" || unit === "req/s") {
    if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
    if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  }
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** `0.95×`, `12.3×`, `144×`: three significant digits at most. */
function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "";
  const abs = Math.abs(ratio);
  return `${ratio.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2)}×`;
}

/** A column's cell: `238 (5.78×)`; blank where the row has no such column. */
export function formatCell(cell: Cell | undefined, unit: Unit): string {
  if (cell === undefined) return "";
  const ratio = formatRatio(cell.ratio);
  return ratio === ""
    ? formatValue(cell.value, unit)
    : `${formatValue(cell.value, unit)} (${ratio})`;
}

export function formatMet(line: Line): string {
  if (line.target === undefined) return "";
  return line.met === undefined ? "no data" : line.met ? "met" : "MISSED";
}

/** The table's header and cells, as strings; the label only on a row's first line. */
export function tableCells(lines: readonly Line[]): { header: string[]; rows: string[][] } {
  const header = [
    "workload",
    "node",
    "vs",
    "baseline",
    ...COLUMNS.map((c) => COLUMN_TITLES[c]),
    "target",
    "giambio",
  ];
  const rows = lines.map((line, i) => {
    const previous = lines[i - 1];
    const first =
      previous === undefined ||
      previous.label !== line.label ||
      previous.workload !== line.workload;
    const unit = line.unit === "" ? "" : ` (${line.unit})`;
    return [
      first ? `${line.workload.id} ${line.label}${unit}` : "",
      line.node.key,
      line.vs,
      line.vs === "" ? "" : formatValue(line.baseline, line.unit),
      ...COLUMNS.map((c) => formatCell(line.cells[c], line.unit)),
      line.target?.text ?? "",
      formatMet(line),
    ];
  });
  return { header, rows };
}

/** The table as aligned text: labels left, figures right. */
export function renderText(lines: readonly Line[]): string {
  const { header, rows } = tableCells(lines);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const render = (r: readonly string[]): string =>
    r
      .map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(render)].join(
    "\n",
  );
}

/** How giambio fared against its targets: a count, then one line per target missed. */
export function targetSummary(lines: readonly Line[]): { count: string; missed: string[] } {
  const judged = lines.filter((l) => l.target !== undefined);
  const missed = judged.filter((l) => l.met === false);
  const noData = judged.filter((l) => l.met === undefined);
  const parts = [`${judged.length - missed.length - noData.length} met`, `${missed.length} missed`];
  if (noData.length > 0) parts.push(`${noData.length} without data`);
  return {
    count: `giambio's targets: ${parts.join(", ")}.`,
    missed: missed.map((l) => {
      const g = l.cells.giambio;
      const ratio = g === undefined ? "" : formatRatio(g.ratio);
      const got = g === undefined ? "" : `${formatValue(g.value, l.unit)} ${l.unit}`.trim();
      const target = l.target?.text ?? "";
      return `missed: ${l.workload.id} ${l.label}, Node ${l.node.key}: ${got}${ratio === "" ? "" : `, ${ratio}`} (target ${target})`;
    }),
  };
}
