/**
 * A time-series chart on uPlot (small, maintained, canvas): one line per series, minutes on x. Colours come
 * from the stylesheet's variables, so the chart follows the light and dark schemes; it redraws at the width
 * of its box (360 px phones included). Under each chart the last hour's totals are written out: the
 * chart is never the only way to read the numbers.
 */
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

function options(width: number, series: ChartSeries[], percent: boolean): uPlot.Options {
  const fg = css('--muted');
  const grid = css('--border');
  const axis = (label?: string): uPlot.Axis => ({
    stroke: fg,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    ...(label ? { label } : {}),
  });
  return {
    width,
    height: 200,
    scales: { x: { time: true }, y: percent ? { range: [0, 1] } : { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [axis(), { ...axis(), ...(percent ? { values: (_u: uPlot, v: number[]) => v.map((x) => `${Math.round(x * 100)}%`) } : {}) }],
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: css(PALETTE[i % PALETTE.length]!), width: 2, spanGaps: false, points: { show: false } }))],
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
  };
}

export function Chart(props: { title: string; id: string; minutes: number[]; series: ChartSeries[]; percent?: boolean; testId?: string }) {
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
      plot.current = new uPlot(options(Math.max(200, el.clientWidth), props.series, props.percent === true), data(), el);
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
  }, [labels, props.percent]);

  useEffect(() => {
    plot.current?.setData(data());
  });

  return (
    <figure class="card chart" aria-labelledby={`${props.id}-title`} data-testid={props.testId}>
      <figcaption id={`${props.id}-title`}>
        <h2>{props.title}</h2>
      </figcaption>
      {props.series.length === 0 ? <p class="muted">Nothing in the last hour.</p> : null}
      <div ref={box} class="chart-canvas" aria-hidden="true" />
      <ul class="chart-totals">
        {props.series.map((s, i) => (
          <li key={s.label}>
            <span class={`swatch swatch-${(i % PALETTE.length) + 1}`} aria-hidden="true" />
            {s.label}: <strong>{props.percent ? percentOf(s.values) : total(s.values)}</strong>
          </li>
        ))}
      </ul>
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
