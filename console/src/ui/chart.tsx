/**
 * A time-series chart on uPlot (small, maintained, canvas): one line per series, minutes on x. Colours come
 * from the stylesheet's variables, so the chart follows the light and dark schemes; it redraws at the width
 * of its box (360 px phones included). Under each chart the last hour's totals are written out: the
 * chart is never the only way to read the numbers.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

const PALETTE = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6'];
const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const dark = () => window.matchMedia('(prefers-color-scheme: dark)');

/** How the y axis reads: counts from 0, a share (0-100%), or up/down (1/0, drawn as steps). */
export type ChartKind = 'count' | 'percent' | 'updown';

/** A value with no neighbour draws no line: it gets a dot, or a series with one sampled minute would not show. */
const isolated: uPlot.Series.Points.Filter = (u, i) => {
  const v = u.data[i]!;
  const out: number[] = [];
  for (let j = 0; j < v.length; j++) if (v[j] != null && v[j - 1] == null && v[j + 1] == null) out.push(j);
  return out.length > 0 ? out : null;
};

function yAxis(kind: ChartKind): Partial<uPlot.Axis> {
  if (kind === 'percent') return { values: (_u, v) => v.map((x) => `${Math.round(x * 100)}%`) };
  if (kind === 'updown') return { splits: () => [0, 1], values: (_u, v) => v.map((x) => (x === 1 ? 'up' : 'down')) };
  return {};
}

function yScale(kind: ChartKind): uPlot.Scale {
  if (kind === 'percent') return { range: [0, 1] };
  // A little room either side, so a line at up or down is not drawn on the frame.
  if (kind === 'updown') return { range: [-0.15, 1.15] };
  return { range: (_u, _min, max) => [0, Math.max(1, max)] };
}

function options(width: number, series: ChartSeries[], kind: ChartKind): uPlot.Options {
  const fg = css('--muted');
  const grid = css('--border');
  const axis = (label?: string): uPlot.Axis => ({
    stroke: fg,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    ...(label ? { label } : {}),
  });
  const stepped = kind === 'updown' ? uPlot.paths.stepped?.({ align: 1 }) : undefined;
  return {
    width,
    height: 200,
    scales: { x: { time: true }, y: yScale(kind) },
    axes: [axis(), { ...axis(), ...yAxis(kind) }],
    series: [
      {},
      ...series.map((s, i) => {
        const stroke = css(PALETTE[i % PALETTE.length]!);
        return {
          label: s.label,
          stroke,
          width: 2,
          spanGaps: false,
          points: { show: false, filter: isolated, size: 6, fill: stroke },
          ...(stepped ? { paths: stepped } : {}),
        };
      }),
    ],
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
  };
}

export function Chart(props: {
  title: string;
  id: string;
  minutes: number[];
  series: ChartSeries[];
  /** count (default), percent, or updown. */
  kind?: ChartKind;
  /** What is written under the chart for a series (default: the hour's total, or the latest share). */
  summary?: (s: ChartSeries) => ComponentChildren;
  /** Shown when there is no series (default: nothing in the last hour). */
  empty?: string;
  /** A line under the chart saying where its numbers come from. */
  note?: string;
  testId?: string;
}) {
  const kind = props.kind ?? 'count';
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = props.series.map((s) => s.label).join('\n');
  const data = (): uPlot.AlignedData => [props.minutes.map((m) => m / 1000), ...props.series.map((s) => s.values)];

  // A new set of series (or scheme) makes a new chart; new numbers only new data.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const make = () => {
      plot.current?.destroy();
      plot.current = new uPlot(options(Math.max(200, el.clientWidth), props.series, kind), data(), el);
    };
    make();
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: 200 }));
    resize.observe(el);
    const scheme = dark();
    scheme.addEventListener('change', make);
    return () => {
      resize.disconnect();
      scheme.removeEventListener('change', make);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [labels, kind]);

  useEffect(() => {
    plot.current?.setData(data());
  });

  return (
    <figure class="card chart" aria-labelledby={`${props.id}-title`} data-testid={props.testId}>
      <figcaption id={`${props.id}-title`}>
        <h2>{props.title}</h2>
      </figcaption>
      {props.series.length === 0 ? <p class="muted">{props.empty ?? 'Nothing in the last hour.'}</p> : null}
      <div ref={box} class="chart-canvas" aria-hidden="true" />
      <ul class="chart-totals">
        {props.series.map((s, i) => (
          <li key={s.label}>
            <span class={`swatch swatch-${(i % PALETTE.length) + 1}`} aria-hidden="true" />
            {s.label}: <strong>{props.summary ? props.summary(s) : kind === 'percent' ? percentOf(s.values) : total(s.values)}</strong>
          </li>
        ))}
      </ul>
      {props.note ? <p class="muted chart-note">{props.note}</p> : null}
    </figure>
  );
}

function total(values: Array<number | null>): string {
  return String(values.reduce<number>((a, v) => a + (v ?? 0), 0));
}

function percentOf(values: Array<number | null>): string {
  const last = [...values].reverse().find((v) => v !== null);
  return last === undefined || last === null ? '—' : `${Math.round(last * 100)}% (latest minute)`;
}
