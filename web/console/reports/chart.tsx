/**
 * One report chart: uPlot draws it on a canvas (hidden from screen readers, which read
 * the table under it: the same numbers, one row per bucket). The table is visually hidden
 * until the admin asks for it. uPlot sets its elements' sizes through the CSSOM
 * (element.style), which the console's CSP (style-src 'self') allows; its stylesheet is
 * bundled into the console's own.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { Translate } from '../../shared/i18n/index.js';
import type { ReportKey } from '../../shared/i18n/reports.js';

export interface Series {
  label: string;
  /** One per bucket; null where the bucket has nothing to show (a gap, `—` in the table). */
  values: Array<number | null>;
  color: string;
  kind: 'line' | 'bars';
}

interface Props {
  /** Names the figure (`data-chart`), for the tests. */
  name: string;
  title: string;
  /** The buckets' starts, in seconds since the epoch. */
  xs: number[];
  series: Series[];
  timezone: string;
  /** A bucket as the table's first column and the x axis write it. */
  bucket(at: number): string;
  /** A value as the table and the y axis write it. */
  value(v: number): string;
  /** A bucket as the x axis writes it, shorter than the table's (no year). */
  tick(at: number): string;
  /** The steps the y axis may use (whole counts, round durations). */
  steps?: number[] | undefined;
  /** The y axis's top, when the scale has one (ratings: 5). */
  top?: number | undefined;
  r: Translate<ReportKey>;
}

const HEIGHT = 220;

function options(props: Props, width: number): uPlot.Options {
  const { series, timezone, tick, value, xs, steps, top } = props;
  const step = xs.length > 1 ? (xs[1] ?? 0) - (xs[0] ?? 0) : 86_400;
  const bars = uPlot.paths.bars?.({ size: [0.6, 48] });
  return {
    width,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), timezone),
    scales: {
      // Half a bucket either side, so the first and last bars are drawn whole.
      x: { time: true, range: (_u, min, max) => [min - step / 2, max + step / 2] },
      y: { range: (_u, _min, max) => [0, top ?? (max > 0 ? max * 1.1 : 1)] },
    },
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    series: [
      {},
      ...series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          spanGaps: false,
          ...(s.kind === 'bars' && bars
            ? { paths: bars, fill: s.color, points: { show: false } }
            : {}),
        }),
      ),
    ],
    axes: [
      { values: (_u, splits) => splits.map((x) => tick(x)) },
      {
        values: (_u, splits) => splits.map((y) => value(y)),
        size: 70,
        ...(steps ? { incrs: steps } : {}),
      },
    ],
  };
}

function Plot(props: Props) {
  const { xs, series, timezone, tick, value } = props;
  const box = useRef<HTMLDivElement>(null);
  // The page memoizes what a chart draws, so it is drawn again only when that changes.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [xs, ...series.map((s) => s.values)];
    const plot = new uPlot(options(props, el.clientWidth || 600), data, el);
    const resized = new ResizeObserver(() => {
      if (el.clientWidth > 0) plot.setSize({ width: el.clientWidth, height: HEIGHT });
    });
    resized.observe(el);
    return () => {
      resized.disconnect();
      plot.destroy();
    };
  }, [xs, series, timezone, tick, value]);
  return <div class="report-chart__plot" ref={box} aria-hidden="true" />;
}

export function Chart(props: Props) {
  const { name, title, xs, series, bucket, value, r } = props;
  const [tableShown, setTableShown] = useState(false);
  const id = `report-${name}`;
  return (
    <figure class="report-chart" data-chart={name} aria-labelledby={`${id}-title`}>
      <figcaption class="report-chart__caption">
        <h3 id={`${id}-title`}>{title}</h3>
        <button
          type="button"
          class="button button--plain"
          aria-expanded={tableShown}
          aria-controls={`${id}-table`}
          onClick={() => setTableShown(!tableShown)}
        >
          {tableShown ? r('hideTable') : r('showTable')}
        </button>
      </figcaption>
      {xs.length > 0 ? <Plot {...props} /> : <p class="report-chart__empty">{r('noData')}</p>}
      {/* The wrapper hides it (a table grows to its content whatever its own width says). */}
      <div id={`${id}-table`} class={tableShown ? 'report-chart__table' : 'visually-hidden'}>
        <table class="report-table">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{r('bucket')}</th>
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {xs.map((x, i) => (
              <tr key={x}>
                <th scope="row">{bucket(x)}</th>
                {series.map((s) => {
                  const v = s.values[i];
                  return (
                    <td key={s.label} data-value={v ?? ''}>
                      {v === null || v === undefined ? '—' : value(v)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
