/**
 * The console's search (GET /api/search): a search box, and the results as a list of
 * buttons — the customer, the matching message's snippet with the matches marked — each
 * opening its chat at that message. Keyboard only works: the form submits on Enter,
 * Escape in the box closes the results, the results are buttons in the tab order. The snippet is
 * text: the server's ranges become <mark> around text nodes, never markup from the server.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as LIMITS from '../../src/schemas/limits.js';
import { adminClaimOf } from '../shared/claim.js';
import { ApiError, type ChatClient } from '../shared/client.js';
import { formatDate } from '../shared/dates.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Lang, Translate } from '../shared/i18n/index.js';
import type { RestSuccess } from '../shared/rest.js';
import type { Chat, Identity, Message } from '../shared/types.js';
import { Isolated, sentence } from '../shared/ui/isolated.js';
import { snippetCuts } from './format.js';

type SearchResult = RestSuccess<'GET /api/search'>['results'][number];
type Highlight = NonNullable<SearchResult['highlight']>;

/** A result's date as `toLocaleDateString` writes it (11/30/2026, 30.11.2026; 30-noyabr, 2026). */
const NUMERIC_DATE = { year: 'numeric', month: 'numeric', day: 'numeric' } as const;

interface Props {
  client: ChatClient;
  me: Identity;
  c: Translate<ConsoleKey>;
  /** The console's language: result dates are written in it, as the rest of the page. */
  lang: Lang;
  /** The admin chose a result: open its chat (at the message, when there is one). */
  onOpen(chat: Chat, message: Message | undefined): void;
  /** What the sidebar shows while no results are: the chat lists. */
  children: ComponentChildren;
  /** Told whether the results hold the sidebar (the lists' place) or not. */
  onShown?(shown: boolean): void;
  /** Each new value closes the results: something outside asked for the lists' place. */
  closeRequest?: number;
}

/**
 * The snippet as text nodes, each range in a <mark>, with `…` where the server cut it out
 * of a longer text (`whole`: the message, or the name), which it does at a character count,
 * often inside a word ("равствуйте").
 */
export function Marked({ highlight, whole }: { highlight: Highlight; whole?: string | undefined }) {
  const parts: ComponentChildren[] = [];
  const cut =
    whole === undefined ? { before: false, after: false } : snippetCuts(whole, highlight.text);
  if (cut.before) parts.push('…');
  let at = 0;
  for (const [start, end] of highlight.ranges) {
    if (start < at || end <= start) continue;
    if (start > at) parts.push(<Isolated key={`t${at}`} text={highlight.text.slice(at, start)} />);
    parts.push(
      <mark key={`m${start}`}>
        <Isolated text={highlight.text.slice(start, end)} />
      </mark>,
    );
    at = end;
  }
  if (at < highlight.text.length)
    parts.push(<Isolated key={`t${at}`} text={highlight.text.slice(at)} />);
  if (cut.after) parts.push('…');
  return <span class="search-result__snippet">{parts}</span>;
}

export function SearchPanel(props: Props) {
  const { client, me, c, lang, onOpen, children, onShown, closeRequest } = props;
  const [q, setQ] = useState('');
  const [results, setResults] = useState<SearchResult[] | undefined>(undefined);
  const [next, setNext] = useState<string | null>(null);
  /** The query of the results shown: "more" continues it, whatever the box holds since. */
  const [shownQ, setShownQ] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ComponentChildren>(undefined);

  const run = (cursor: string | null) => {
    // A cursor belongs to its query's list (another query with it is refused).
    const text = cursor ? shownQ : q.trim();
    if (!text) return;
    setBusy(true);
    setProblem(undefined);
    client
      .request('GET /api/search', {
        query: {
          q: text,
          ...adminClaimOf(me),
          ...(cursor ? { cursor } : {}),
        },
      })
      .then(
        (page) => {
          if (!cursor) setShownQ(text);
          setResults((before) => (cursor && before ? [...before, ...page.results] : page.results));
          setNext(page.nextCursor);
        },
        (err: unknown) => {
          const reason =
            err instanceof ApiError || err instanceof Error ? err.message : String(err);
          setProblem(sentence(c('searchFailed'), { reason }));
        },
      )
      .finally(() => setBusy(false));
  };
  // Closing the search clears its box too: what stays typed is not what the lists show.
  const close = () => {
    setQ('');
    setResults(undefined);
    setNext(null);
    setProblem(undefined);
  };
  const asked = useRef(closeRequest);
  useEffect(() => {
    if (asked.current === closeRequest) return;
    asked.current = closeRequest;
    close();
  }, [closeRequest]);
  const shown = results !== undefined;
  const told = useRef(onShown);
  told.current = onShown;
  useEffect(() => told.current?.(shown), [shown]);

  return (
    <search class="search">
      <form
        class="search__form"
        onSubmit={(e) => {
          e.preventDefault();
          run(null);
        }}
      >
        <label for="search-q" class="visually-hidden">
          {c('searchLabel')}
        </label>
        <input
          id="search-q"
          type="search"
          value={q}
          maxLength={LIMITS.searchQueryChars}
          placeholder={c('searchPlaceholder')}
          onInput={(e) => setQ(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && results) close();
          }}
        />
        <button type="submit" class="button" disabled={busy}>
          {c('searchSubmit')}
        </button>
        {results ? (
          <button type="button" class="button button--plain" onClick={close}>
            {c('searchClear')}
          </button>
        ) : null}
      </form>
      {problem ? (
        <p class="search__problem" role="alert">
          {problem}
        </p>
      ) : null}
      {results === undefined ? (
        children
      ) : (
        <section class="search__results" aria-label={c('searchResults')} aria-busy={busy}>
          <p role="status" class="visually-hidden">
            {results.length === 0 ? c('searchNone') : `${c('searchResults')}: ${results.length}`}
          </p>
          {results.length === 0 ? <p class="chat-list__empty">{c('searchNone')}</p> : null}
          <ul class="chat-list">
            {results.map((r) => (
              <li key={r.message?._id ?? `chat-${r.chat._id}`}>
                <button
                  type="button"
                  class="chat-item search-result"
                  data-chat-id={r.chat._id}
                  data-message-id={r.message?._id}
                  onClick={() => onOpen(r.chat, r.message)}
                >
                  <span class="chat-item__top">
                    <Isolated class="chat-item__name" text={r.chat.userName || r.chat.userId} />
                    {r.message ? (
                      <time class="chat-item__meta" dateTime={r.message.createdAt}>
                        {formatDate(Date.parse(r.message.createdAt), lang, undefined, NUMERIC_DATE)}
                      </time>
                    ) : (
                      <span class="chat-item__meta">{c('searchUserMatch')}</span>
                    )}
                  </span>
                  {r.message && r.message.senderType !== 'user' ? (
                    <Isolated class="search-result__sender" text={r.message.senderName} />
                  ) : null}
                  {r.highlight ? (
                    <Marked
                      highlight={r.highlight}
                      whole={r.message ? r.message.content : r.chat.userName}
                    />
                  ) : null}
                </button>
              </li>
            ))}
          </ul>
          {next ? (
            <button type="button" class="button" disabled={busy} onClick={() => run(next)}>
              {c('searchMore')}
            </button>
          ) : null}
        </section>
      )}
    </search>
  );
}
