import { scaleBand, scaleLinear } from "d3-scale";
import type { ReactNode } from "react";

/**
 * Charts drawn on the server as SVG with d3-scale (scales, nice domains, ticks): they show without
 * JavaScript and print. Every chart comes with its data table, which screen readers use: the SVG
 * itself is one image named by its caption, the table carries the figures.
 */

export interface BarSeries {
  key: string;
  label: string;
  /** A CSS class giving the bars their colour (see app.css: .series-a, .series-b, .series-goal). */
  className: string;
}

export interface BarGroup {
  label: string;
  /** By series key; null is "not available" (no bar, and the table says so). */
  values: Record<string, number | null>;
}

const WIDTH = 640;
const LABEL_WIDTH = 190;
const BAR = 14;

/** Horizontal bars, one group per row (e.g. a channel), one bar per series (e.g. posts and goal). */
export function BarChart(props: { id: string; caption: string; series: BarSeries[]; groups: BarGroup[]; format: (n: number) => string; notAvailable: string; headerLabel: string }) {
  const { id, caption, series, groups, format } = props;
  const max = Math.max(1, ...groups.flatMap((g) => series.map((s) => g.values[s.key] ?? 0)));
  const x = scaleLinear().domain([0, max]).nice().range([LABEL_WIDTH, WIDTH - 50]);
  const groupHeight = series.length * BAR + 12;
  const height = groups.length * groupHeight + 28;
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{caption}</figcaption>
      <p className="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <span key={s.key}>
            <span className={`bar-key ${s.className}`} /> {s.label}{" "}
          </span>
        ))}
      </p>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${id}-caption`} className="chart-svg">
        {x.ticks(5).map((tick) => (
          <g key={tick} transform={`translate(${x(tick)},0)`} aria-hidden="true">
            <line y1={0} y2={height - 22} className="chart-grid" />
            <text y={height - 6} textAnchor="middle" className="chart-tick">
              {format(tick)}
            </text>
          </g>
        ))}
        {groups.map((g, i) => (
          <g key={g.label} transform={`translate(0,${i * groupHeight + 4})`}>
            <text x={LABEL_WIDTH - 8} y={(series.length * BAR) / 2 + 4} textAnchor="end" className="chart-label">
              {g.label.length > 28 ? `${g.label.slice(0, 27)}…` : g.label}
            </text>
            {series.map((s, j) => {
              const v = g.values[s.key];
              return v === null || v === undefined ? null : (
                <rect key={s.key} x={LABEL_WIDTH} y={j * BAR} width={Math.max(0, x(v) - LABEL_WIDTH)} height={BAR - 2} className={s.className}>
                  <title>{`${g.label} — ${s.label}: ${format(v)}`}</title>
                </rect>
              );
            })}
          </g>
        ))}
      </svg>
      <DataTable id={`${id}-table`} caption={caption} header={[props.headerLabel, ...series.map((s) => s.label)]} rows={groups.map((g) => [g.label, ...series.map((s) => (g.values[s.key] === null || g.values[s.key] === undefined ? props.notAvailable : format(g.values[s.key]!)))])} />
    </figure>
  );
}

/** Columns over months (e.g. contact-center volumes), the marked months (covered by posts) drawn apart. */
export function ColumnChart(props: { id: string; caption: string; columns: { label: string; value: number | null; marked: boolean }[]; format: (n: number) => string; markedLabel: string; unmarkedLabel: string; notAvailable: string; headerLabels: [string, string, string]; yes: string; no: string }) {
  const { id, caption, columns, format } = props;
  const height = 180;
  const max = Math.max(1, ...columns.map((c) => c.value ?? 0));
  const x = scaleBand<string>().domain(columns.map((c) => c.label)).range([44, WIDTH - 8]).padding(0.2);
  const y = scaleLinear().domain([0, max]).nice().range([height - 24, 8]);
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{caption}</figcaption>
      <p className="chart-legend" aria-hidden="true">
        <span className="bar-key series-b" /> {props.markedLabel} <span className="bar-key series-a" /> {props.unmarkedLabel}
      </p>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${id}-caption`} className="chart-svg">
        {y.ticks(4).map((tick) => (
          <g key={tick} transform={`translate(0,${y(tick)})`} aria-hidden="true">
            <line x1={44} x2={WIDTH - 8} className="chart-grid" />
            <text x={40} y={4} textAnchor="end" className="chart-tick">
              {format(tick)}
            </text>
          </g>
        ))}
        {columns.map((c) =>
          c.value === null ? null : (
            <rect key={c.label} x={x(c.label)} y={y(c.value)} width={x.bandwidth()} height={Math.max(0, y(0) - y(c.value))} className={c.marked ? "series-b" : "series-a"}>
              <title>{`${c.label}: ${format(c.value)}${c.marked ? ` — ${props.markedLabel}` : ""}`}</title>
            </rect>
          ),
        )}
        {columns.map((c) => (
          <text key={c.label} x={(x(c.label) ?? 0) + x.bandwidth() / 2} y={height - 8} textAnchor="middle" className="chart-tick" aria-hidden="true">
            {c.label.slice(2)}
          </text>
        ))}
      </svg>
      <DataTable id={`${id}-table`} caption={caption} header={props.headerLabels} rows={columns.map((c) => [c.label, c.value === null ? props.notAvailable : format(c.value), c.marked ? props.yes : props.no])} />
    </figure>
  );
}

/** A chart's figures as a table, under the chart: what screen readers read, and what anyone can copy. */
export function DataTable(props: { id: string; caption: string; header: readonly string[]; rows: readonly (readonly ReactNode[])[] }) {
  return (
    <div className="chart-data">
      <table className="work-table" id={props.id}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.header.map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) =>
                j === 0 ? (
                  <th key={j} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={j}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
