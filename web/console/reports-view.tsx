/**
 * The Reports page, fetched the first time an admin opens it: the page and uPlot are a
 * chunk of their own (esbuild splitting, scripts/build-web.mjs), so the desk an admin
 * works in all day neither downloads nor parses them.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ChatClient } from '../shared/client.js';
import { type Lang, translator } from '../shared/i18n/index.js';
import { reportStrings } from '../shared/i18n/reports.js';
import type { Identity } from '../shared/types.js';

type Page = typeof import('./reports/page.js');

interface Props {
  client: ChatClient;
  me: Identity;
  lang: Lang;
}

interface Loaded {
  ReportsPage: Page['ReportsPage'];
  reportsApi: Page['reportsApi'];
}

export function ReportsView({ client, me, lang }: Props) {
  const r = useMemo(() => translator(reportStrings, lang), [lang]);
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    import('./reports/page.js').then(
      (page) => {
        if (live) setLoaded({ ReportsPage: page.ReportsPage, reportsApi: page.reportsApi });
      },
      () => {
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  const api = useMemo(() => loaded?.reportsApi({ client, me }), [loaded, client, me.id, me.role]);
  if (failed) {
    return (
      <p class="alert" role="alert">
        {r('pageFailed')}
      </p>
    );
  }
  if (!loaded || !api) {
    return (
      <p class="reports__loading" role="status">
        {r('loading')}
      </p>
    );
  }
  const { ReportsPage } = loaded;
  return <ReportsPage api={api} lang={lang} r={r} />;
}
