/**
 * `<fastorika-chat>`: the widget as a custom element with its own Shadow DOM, so the host
 * page's CSS cannot reach inside and the widget's CSS cannot leak out. Styles are a
 * constructed stylesheet (adoptedStyleSheets): they need no `style-src 'unsafe-inline'`
 * in the host page's Content-Security-Policy.
 *
 * The host page talks to it by attributes (or the `token` property) and DOM events
 * (types/fastorika-chat.d.ts). A new token for the same user keeps the widget mounted:
 * the open panel and the typed draft stay, the connection re-authenticates.
 */
import { render } from 'preact';
import { detectLang } from '../shared/i18n/detect.js';
import { translator } from '../shared/i18n/index.js';
import { readToken } from '../shared/token.js';
import { scheduleRefresh } from '../shared/token-refresh.js';
import { WidgetApp } from './app.js';
import { ATTRIBUTES, identityOf, readConfig } from './config.js';
import { widgetStrings } from './strings.js';
import { css } from './styles.js';
import type {
  FastorikaChatElement,
  FastorikaChatEventMap,
  FastorikaChatEventName,
} from './types/fastorika-chat.js';

function styleSheet(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = document.createElement('style');
  style.textContent = css;
  root.append(style);
}

/** The detail each event carries. */
export type EventDetail<K extends FastorikaChatEventName> =
  FastorikaChatEventMap[K] extends CustomEvent<infer D> ? D : never;
export type Dispatch = <K extends FastorikaChatEventName>(type: K, detail: EventDetail<K>) => void;

export class FastorikaChat
  extends HTMLElement
  implements Pick<FastorikaChatElement, 'token' | 'unread'>
{
  static observedAttributes = ATTRIBUTES;
  /** Where the widget's script came from: the default chat server. */
  static defaultServer = '';
  private mount: HTMLDivElement | undefined;
  /** The token whose refresh is scheduled, and how to cancel that. */
  private scheduled: { token: string | undefined; cancel: () => void } | undefined;

  get token(): string | null {
    return this.getAttribute('token');
  }

  set token(value: string | null) {
    if (value) this.setAttribute('token', value);
    else this.removeAttribute('token');
  }

  private unreadNow = 0;

  /** The last `fastorika:unread` count, for a page that starts listening late. */
  get unread(): number {
    return this.unreadNow;
  }

  private readonly dispatch: Dispatch = (type, detail) => {
    if (type === 'fastorika:unread' && typeof detail === 'number') this.unreadNow = detail;
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  };

  connectedCallback(): void {
    // A `token` set on the element before this class was defined shadows the setter.
    if (Object.hasOwn(this, 'token')) {
      const value: unknown = Reflect.get(this, 'token');
      Reflect.deleteProperty(this, 'token');
      this.token = typeof value === 'string' ? value : null;
    }
    if (!this.mount) {
      const root = this.attachShadow({ mode: 'open' });
      styleSheet(root);
      this.mount = document.createElement('div');
      this.mount.className = 'fc-root';
      root.append(this.mount);
    }
    this.update();
  }

  disconnectedCallback(): void {
    this.scheduled?.cancel();
    this.scheduled = undefined;
    if (this.mount) render(null, this.mount);
  }

  attributeChangedCallback(): void {
    if (this.isConnected && this.mount) this.update();
  }

  /** Asks the page for a fresh token a while before this one expires. */
  private scheduleTokenRefresh(token: string | undefined): void {
    if (this.scheduled?.token === token) return;
    this.scheduled?.cancel();
    const expiresAt = token ? readToken(token)?.expiresAt : undefined;
    const cancel = scheduleRefresh(expiresAt, () =>
      this.dispatch('fastorika:token-expired', { expiresAt: expiresAt ?? null, expired: false }),
    );
    this.scheduled = { token, cancel };
  }

  private update(): void {
    if (!this.mount) return;
    const config = readConfig(this, FastorikaChat.defaultServer || location.origin);
    const lang = detectLang(config.lang);
    const identity = identityOf(config);
    this.scheduleTokenRefresh(config.token);
    if (!identity) {
      const w = translator(widgetStrings, lang);
      render(null, this.mount);
      this.mount.textContent = w('notConfigured');
      this.mount.classList.add('misconfigured');
      return;
    }
    if (this.mount.classList.contains('misconfigured')) {
      this.mount.classList.remove('misconfigured');
      this.mount.textContent = '';
    }
    // Another user, server or transport is a new connection; a new token for the same
    // user is not (the app re-authenticates its client).
    const connection = [
      identity.id,
      config.server,
      config.token ? 'jwt' : 'none',
      config.transports?.join(',') ?? '',
    ].join('|');
    render(
      <WidgetApp
        key={connection}
        config={config}
        identity={identity}
        lang={lang}
        dispatch={this.dispatch}
      />,
      this.mount,
    );
  }
}
