/**
 * The scrolling history of one chat: stored messages by `seq`, then this tab's pending
 * sends. Scrolling to the top (or the "earlier messages" button, for keyboards) loads the
 * previous page; the view keeps its place when a page is prepended and follows new
 * messages while it is at the bottom.
 */
import type { ComponentChildren, HTMLAttributes } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { showBidiControls } from '../bidi.js';
import type { CommonKey } from '../i18n/common.js';
import type { Lang, Translate } from '../i18n/index.js';
import {
  deliveryOf,
  fullTime,
  messageTime,
  type PendingSend,
  type ReaderClock,
  type Timeline,
  timelineItems,
} from '../timeline.js';
import type { Message } from '../types.js';
import { useNow } from '../use-page.js';
import { Isolated } from './isolated.js';
import { MessageBody } from './message-body.js';

/** Attributes a page adds to one message's item (`data-*` ones included). */
export type MessageMark = HTMLAttributes<HTMLLIElement> & { [data: `data-${string}`]: string };

export interface Notice {
  key: string;
  text: ComponentChildren;
  /** Shown after the message with this seq (0: before all). */
  afterSeq: number;
}

interface Props {
  timeline: Timeline;
  /** Messages of this reader's side (the user's, or the admins'), shown on the right with a delivery state. */
  mine(m: Message): boolean;
  /** The reader's own id: their messages are labelled "You", others by name. */
  selfId: string;
  t: Translate<CommonKey>;
  lang: Lang;
  onRetry(p: PendingSend): void;
  onLoadOlder?(): void;
  loadingOlder?: boolean;
  notices?: readonly Notice[];
  /** Shown under the last message (e.g. "Anna is typing…"). */
  footer?: ComponentChildren;
  /** The reader's time zone; the browser's when not given. */
  timeZone?: string;
  /** The chat server's origin ('' on its own pages), for attachments' links. */
  server?: string;
  /**
   * The console's additions (its search's found message), passed in so that the widget's
   * bundle does not carry them: attributes for one message's item, and a look at the
   * list after each render (after the list's own scrolling).
   */
  mark?(m: Message): MessageMark | undefined;
  onLayout?(list: HTMLDivElement): void;
}

const NEAR_TOP_PX = 48;
const NEAR_BOTTOM_PX = 64;
/** "Today" turns into "Yesterday" at midnight: the labels are redrawn this often. */
const CLOCK_TICK_MS = 60_000;

export function MessageList(props: Props) {
  const { timeline, mine, t, lang, onRetry, onLoadOlder, loadingOlder, notices = [] } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const before = useRef({ first: 0, height: 0, top: 0, atBottom: true });
  const clock: ReaderClock = { lang, now: useNow(CLOCK_TICK_MS), timeZone: props.timeZone };

  const remember = () => {
    const el = scroller.current;
    if (!el) return;
    before.current = {
      first: timeline.messages[0]?.seq ?? 0,
      height: el.scrollHeight,
      top: el.scrollTop,
      atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX,
    };
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const prev = before.current;
    const first = timeline.messages[0]?.seq ?? 0;
    if (prev.first !== 0 && first < prev.first && !prev.atBottom) {
      // Older page prepended: keep the message that was in view where it was.
      el.scrollTop = el.scrollHeight - prev.height + prev.top;
    } else if (prev.atBottom) {
      el.scrollTop = el.scrollHeight;
    }
    props.onLayout?.(el);
    remember();
  });

  const onScroll = () => {
    remember();
    const el = scroller.current;
    if (el && el.scrollTop < NEAR_TOP_PX && timeline.hasOlder && !loadingOlder) onLoadOlder?.();
  };

  const noticesAfter = (seq: number) =>
    notices
      .filter((n) => n.afterSeq === seq)
      .map((n) => (
        <li key={n.key} class="notice">
          {n.text}
        </li>
      ));

  const renderMessage = (m: Message) => {
    const own = mine(m);
    const state = deliveryOf(m);
    return [
      <li
        key={m._id}
        class={`msg ${own ? 'msg--mine' : 'msg--theirs'} msg--${m.senderType}`}
        data-seq={m.seq}
        data-state={own ? state : undefined}
        {...props.mark?.(m)}
      >
        <span class="msg__sender">
          {m.senderId === props.selfId ? t('you') : <Isolated text={m.senderName} />}
        </span>
        <MessageBody
          content={m.content}
          messageType={m.messageType}
          fileUrl={m.fileUrl}
          attachment={m.attachment}
          server={props.server ?? ''}
          t={t}
          lang={lang}
        />
        <span class="msg__meta">
          <time dateTime={m.createdAt} title={fullTime(m.createdAt, clock)}>
            {messageTime(m.createdAt, clock)}
          </time>
          {own ? <span class={`msg__state msg__state--${state}`}>{t(state)}</span> : null}
        </span>
      </li>,
      ...noticesAfter(m.seq),
    ];
  };

  const renderPending = (p: PendingSend) => (
    <li
      key={p.clientMessageId}
      class="msg msg--mine msg--pending"
      data-state={p.state}
      data-client-id={p.clientMessageId}
    >
      <span class="msg__sender">{t('you')}</span>
      <div class="msg__body">
        {p.attachment ? (
          <p class="msg__file msg__file--pending">
            <Isolated text={p.attachment.name} />
          </p>
        ) : null}
        {p.content ? (
          <p class="msg__text" dir="auto">
            {showBidiControls(p.content)}
          </p>
        ) : null}
      </div>
      <span class="msg__meta">
        <span class={`msg__state msg__state--${p.state}`}>{t(p.state)}</span>
        {p.state === 'failed' ? (
          <button type="button" class="msg__retry" onClick={() => onRetry(p)}>
            {t('retry')}
          </button>
        ) : null}
      </span>
    </li>
  );

  return (
    <div
      class="messages"
      ref={scroller}
      onScroll={onScroll}
      role="log"
      aria-label={t('messages')}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must be reachable by keyboard
      tabIndex={0}
    >
      {timeline.hasOlder ? (
        <button
          type="button"
          class="messages__older"
          disabled={loadingOlder}
          onClick={() => onLoadOlder?.()}
        >
          {loadingOlder ? t('loadingOlder') : t('loadOlder')}
        </button>
      ) : null}
      <ol class="messages__list">
        {noticesAfter(0)}
        {timelineItems(timeline, clock, t).flatMap((item) =>
          item.kind === 'day' ? (
            <li key={`day-${item.day}`} class="day" data-day={item.day}>
              <time dateTime={item.day}>{item.label}</time>
            </li>
          ) : item.kind === 'message' ? (
            renderMessage(item.message)
          ) : (
            renderPending(item.pending)
          ),
        )}
      </ol>
      {props.footer ? (
        <p class="messages__typing" aria-live="polite">
          {props.footer}
        </p>
      ) : null}
    </div>
  );
}
