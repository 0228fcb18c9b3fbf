/**
 * The Reports page (docs/reports.md): a period in a time zone, the summary's figures, three
 * charts over the period (chats opened and closed, the first response's median, the
 * average rating), the agents' table and the CSV downloads. A superadmin sees every
 * agent; an admin their own chats and row (the server decides; the page says which).
 * Loaded on first use (a chunk of its own, with uPlot), so the desk does not carry it.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Lang, Translate } from '../../shared/i18n/index.js';
import type { ReportKey } from '../../shared/i18n/reports.js';
import { saveFile } from '../../shared/save-file.js';
import { Isolated } from '../../shared/ui/isolated.js';
import type { AgentRow, CsvReport, Metric, Point, Range, ReportsApi, Summary } from './api.js';
import { Chart, type Series } from './chart.js';
import {
  bucketLabel,
  bucketTick,
  COUNT_STEPS,
  count,
  DURATION_STEPS,
  dateWords,
  duration,
  SCORE_STEPS,
  score,
  share,
} from './figures.js';
import { browserZone, defaultPeriod, instantsOf, type Period, zoneChoices } from './range.js';

interface Props {
  api: ReportsApi;
  lang: Lang;
  r: Translate<ReportKey>;
}

interface Report {
  period: Period;
  summary: Summary;
  series: Record<Metric, Point[]>;
  agents: AgentRow[];
}

type Load =
  | { kind: 'loading' }
  | { kind: 'failed'; reason: string }
  | { kind: 'ready'; report: Report };

const COLORS = { opened: '#0a58ca', closed: '#047857', firstResponse: '#b45309', csat: '#6d28d9' };

const rangeOf = (period: Period): Range => ({
  ...instantsOf(period),
  interval: period.interval,
  timezone: period.timezone,
});

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function loadReport(api: ReportsApi, period: Period): Promise<Report> {
  const range = rangeOf(period);
  const [summary, agents, opened, closed, firstResponse, csat] = await Promise.all([
    api.summary(range),
    api.agents(range),
    api.series('opened', range),
    api.series('closed', range),
    api.series('firstResponse', range),
    api.series('csat', range),
  ]);
  return { period, summary, agents, series: { opened, closed, firstResponse, csat } };
}

/**
 * A time or rating bucket with nothing in it comes as `0` (every bucket is present): the
 * charts leave a gap there rather than a first response of no seconds or a rating of 0.
 */
const gapWhenEmpty = (points: Point[]) => points.map((p) => (p.value === 0 ? null : p.value));

function Figure({ name, label, value }: { name: string; label: string; value: string }) {
  return (
    <div class="report-figure">
      <dt>{label}</dt>
      <dd data-figure={name}>{value}</dd>
    </div>
  );
}

function SummaryCards({ summary, lang, r }: { summary: Summary; lang: Lang; r: Props['r'] }) {
  const times = [
    ['waiting', r('waiting'), summary.waiting],
    ['firstResponse', r('firstResponse'), summary.firstResponse],
    ['resolution', r('resolution'), summary.resolution],
  ] as const;
  return (
    <section class="report-cards" aria-labelledby="report-summary">
      <h3 id="report-summary" class="visually-hidden">
        {r('summary')}
      </h3>
      <section class="report-card">
        <h4>{r('chats')}</h4>
        <dl>
          <Figure name="opened" label={r('opened')} value={count(summary.chats.opened, lang)} />
          <Figure name="closed" label={r('closed')} value={count(summary.chats.closed, lang)} />
          <Figure name="missed" label={r('missed')} value={count(summary.chats.missed, lang)} />
        </dl>
      </section>
      {times.map(([name, title, t]) => (
        <section key={name} class="report-card">
          <h4>{title}</h4>
          <dl>
            <Figure name={`${name}.median`} label={r('median')} value={duration(t.median, lang)} />
            <Figure name={`${name}.p90`} label={r('p90')} value={duration(t.p90, lang)} />
          </dl>
        </section>
      ))}
      <section class="report-card">
        <h4>{r('messages')}</h4>
        <dl>
          <Figure
            name="messages.user"
            label={r('messagesUser')}
            value={count(summary.messages.user, lang)}
          />
          <Figure
            name="messages.admin"
            label={r('messagesAdmin')}
            value={count(summary.messages.admin, lang)}
          />
        </dl>
      </section>
      <section class="report-card">
        <h4>{r('csat')}</h4>
        <dl>
          <Figure
            name="csat.average"
            label={r('csatAverage')}
            value={score(summary.csat.average, lang)}
          />
          <Figure
            name="csat.responses"
            label={r('csatResponses')}
            value={count(summary.csat.responses, lang)}
          />
          <Figure
            name="csat.positiveShare"
            label={r('csatPositive')}
            value={share(summary.csat.responses > 0 ? summary.csat.positiveShare : null, lang)}
          />
        </dl>
        <CsatScores byScore={summary.csat.byScore} lang={lang} r={r} />
      </section>
    </section>
  );
}

/**
 * The ratings as five bars, one per score (csat.byScore), each row a table row so that a
 * screen reader reads the counts. Widths are set through the CSSOM, so no inline style
 * attribute reaches the page.
 */
function CsatScores(props: { byScore: readonly number[]; lang: Lang; r: Props['r'] }) {
  const { byScore, lang, r } = props;
  const most = Math.max(0, ...byScore);
  const bar = (el: HTMLSpanElement | null, n: number) => {
    if (el) el.style.width = `${most > 0 ? (100 * n) / most : 0}%`;
  };
  return (
    <table class="csat-split" data-chart="csatScores">
      <caption>{r('csatSplit')}</caption>
      <tbody>
        {[5, 4, 3, 2, 1].map((score) => {
          const n = byScore[score - 1] ?? 0;
          return (
            <tr key={score}>
              <th scope="row">{r('csatScore', { n: score })}</th>
              <td data-score={score} data-value={n}>
                <span
                  class={`csat-split__bar${score >= 4 ? ' csat-split__bar--positive' : ''}`}
                  ref={(el) => bar(el, n)}
                />
                {count(n, lang)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Charts({ report, lang, r }: { report: Report; lang: Lang; r: Props['r'] }) {
  const { period, series } = report;
  const charts = useMemo(() => {
    const xs = series.opened.map((p) => Date.parse(p.at) / 1000);
    const bucket = (x: number) =>
      bucketLabel(new Date(x * 1000).toISOString(), period.interval, period.timezone, lang);
    const tick = (x: number) => bucketTick(x * 1000, period.interval, period.timezone, lang);
    const line = (label: string, color: string, values: Array<number | null>): Series => ({
      label,
      color,
      values,
      kind: 'line',
    });
    return {
      xs,
      bucket,
      tick,
      volume: [
        line(
          r('opened'),
          COLORS.opened,
          series.opened.map((p) => p.value),
        ),
        line(
          r('closed'),
          COLORS.closed,
          series.closed.map((p) => p.value),
        ),
      ],
      firstResponse: [line(r('median'), COLORS.firstResponse, gapWhenEmpty(series.firstResponse))],
      csat: [
        {
          label: r('csatAverage'),
          color: COLORS.csat,
          values: gapWhenEmpty(series.csat),
          kind: 'bars',
        } satisfies Series,
      ],
      count: (v: number) => count(v, lang),
      duration: (v: number) => duration(v, lang),
      score: (v: number) => score(v, lang),
    };
  }, [series, period, lang, r]);
  const common = {
    xs: charts.xs,
    timezone: period.timezone,
    bucket: charts.bucket,
    tick: charts.tick,
    r,
  };
  return (
    <div class="report-charts">
      <Chart
        {...common}
        name="volume"
        title={r('volumeChart')}
        series={charts.volume}
        value={charts.count}
        steps={COUNT_STEPS}
      />
      <Chart
        {...common}
        name="firstResponse"
        title={r('firstResponseChart')}
        series={charts.firstResponse}
        value={charts.duration}
        steps={DURATION_STEPS}
      />
      <Chart
        {...common}
        name="csat"
        title={r('csatChart')}
        series={charts.csat}
        value={charts.score}
        steps={SCORE_STEPS}
        top={5}
      />
    </div>
  );
}

function AgentsTable(props: { agents: AgentRow[]; everyone: boolean; lang: Lang; r: Props['r'] }) {
  const { agents, everyone, lang, r } = props;
  const title = everyone ? r('agentsTitle') : r('agentsOwn');
  return (
    <section class="report-agents" aria-labelledby="report-agents">
      <h3 id="report-agents">{title}</h3>
      {agents.length === 0 ? (
        <p>{r('noAgents')}</p>
      ) : (
        <section
          class="report-agents__scroll"
          aria-labelledby="report-agents"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls sideways on a narrow screen; the keyboard must reach it
          tabIndex={0}
        >
          <table class="report-table" data-table="agents">
            <thead>
              <tr>
                <th scope="col">{r('agent')}</th>
                <th scope="col">{r('agentChats')}</th>
                <th scope="col">{r('agentFirstResponse')}</th>
                <th scope="col">{r('agentResolution')}</th>
                <th scope="col">{r('agentCsat')}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.adminId} data-admin-id={a.adminId}>
                  <th scope="row">
                    <Isolated text={a.adminName || a.adminId} />
                  </th>
                  <td data-field="chats">{count(a.chats, lang)}</td>
                  <td data-field="firstResponseMedian">{duration(a.firstResponseMedian, lang)}</td>
                  <td data-field="resolutionMedian">{duration(a.resolutionMedian, lang)}</td>
                  <td data-field="csatAverage">{score(a.csatAverage, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}

const CSV: ReadonlyArray<[CsvReport, Metric | undefined, ReportKey]> = [
  ['summary', undefined, 'csvSummary'],
  ['timeseries', 'opened', 'csvOpened'],
  ['timeseries', 'closed', 'csvClosed'],
  ['timeseries', 'firstResponse', 'csvFirstResponse'],
  ['timeseries', 'csat', 'csvCsat'],
  ['agents', undefined, 'csvAgents'],
];

function Downloads({ api, period, r }: { api: ReportsApi; period: Period; r: Props['r'] }) {
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const download = (report: CsvReport, metric: Metric | undefined) => {
    setProblem(undefined);
    api.csv(report, rangeOf(period), metric).then(
      (blob) => saveFile(blob, `fastorika-${metric ?? report}-${period.from}-${period.to}.csv`),
      (err: unknown) => setProblem(r('csvFailed', { reason: reasonOf(err) })),
    );
  };
  return (
    <section class="report-downloads" aria-labelledby="report-downloads">
      <h3 id="report-downloads">{r('csvTitle')}</h3>
      <ul>
        {CSV.map(([report, metric, label]) => (
          <li key={label}>
            <button
              type="button"
              class="button button--plain"
              data-csv={metric ?? report}
              onClick={() => download(report, metric)}
            >
              {r(label)}
            </button>
          </li>
        ))}
      </ul>
      {problem ? <p role="alert">{problem}</p> : null}
    </section>
  );
}

export { reportsApi } from './api.js';

export function ReportsPage({ api, lang, r }: Props) {
  const [draft, setDraft] = useState<Period>(() => defaultPeriod(Date.now(), browserZone()));
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const zones = useMemo(() => zoneChoices(draft.timezone, 'UTC'), [draft.timezone]);

  const show = useCallback(
    (period: Period) => {
      setLoad({ kind: 'loading' });
      loadReport(api, period).then(
        (report) => setLoad({ kind: 'ready', report }),
        (err: unknown) => setLoad({ kind: 'failed', reason: reasonOf(err) }),
      );
    },
    [api],
  );
  // The first report, for the default period, as the page opens.
  useEffect(() => show(draft), [show]);

  const set = (change: Partial<Period>) => setDraft((d) => ({ ...d, ...change }));
  const report = load.kind === 'ready' ? load.report : undefined;

  return (
    <section class="reports" aria-labelledby="reports-title" aria-busy={load.kind === 'loading'}>
      <header class="reports__header">
        <h2 id="reports-title">{r('reportsTitle')}</h2>
        <p class="reports__scope">{api.everyone ? r('scopeAll') : r('scopeOwn')}</p>
      </header>
      <form
        class="reports__period"
        aria-label={r('period')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          show(draft);
        }}
      >
        <label>
          {r('from')}
          <input
            type="date"
            name="from"
            lang={lang}
            value={draft.from}
            onInput={(e) => set({ from: e.currentTarget.value })}
          />
          <span class="reports__date-words" data-date-words="from">
            {dateWords(draft.from, lang)}
          </span>
        </label>
        <label>
          {r('to')}
          <input
            type="date"
            name="to"
            lang={lang}
            value={draft.to}
            onInput={(e) => set({ to: e.currentTarget.value })}
          />
          <span class="reports__date-words" data-date-words="to">
            {dateWords(draft.to, lang)}
          </span>
        </label>
        <label>
          {r('timezone')}
          <select
            name="timezone"
            value={draft.timezone}
            onChange={(e) => set({ timezone: e.currentTarget.value })}
          >
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <label>
          {r('interval')}
          <select
            name="interval"
            value={draft.interval}
            onChange={(e) => set({ interval: e.currentTarget.value === 'hour' ? 'hour' : 'day' })}
          >
            <option value="day">{r('intervalDay')}</option>
            <option value="hour">{r('intervalHour')}</option>
          </select>
        </label>
        <button type="submit" class="button">
          {r('show')}
        </button>
      </form>
      {load.kind === 'failed' ? (
        <p class="alert reports__problem" role="alert">
          {r('failed', { reason: load.reason })}
        </p>
      ) : null}
      <p role="status" class={load.kind === 'loading' ? 'reports__loading' : 'visually-hidden'}>
        {load.kind === 'loading' ? r('loading') : ''}
      </p>
      {report ? (
        <>
          <SummaryCards summary={report.summary} lang={lang} r={r} />
          <Charts report={report} lang={lang} r={r} />
          <AgentsTable agents={report.agents} everyone={api.everyone} lang={lang} r={r} />
          <Downloads api={api} period={report.period} r={r} />
        </>
      ) : null}
    </section>
  );
}
