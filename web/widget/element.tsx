/**
 * `<fastorika-chat>`: the widget as a custom element with its own Shadow DOM, so the host
 * page's CSS cannot reach inside and the widget's CSS cannot leak out. Styles are a
 * constructed stylesheet (adoptedStyleSheets): they need no `style-src 'unsafe-inline'`
 * in the host page's Content-Security-Policy.
 */
import { render } from 'preact';
import { detectLang } from '../shared/i18n/detect.js';
import { translator } from '../shared/i18n/index.js';
import { widgetStrings } from '../shared/i18n/widget.js';
import { WidgetApp } from './app.js';
import { ATTRIBUTES, identityOf, readConfig } from './config.js';
import css from './widget.css';

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

export class FastorikaChat extends HTMLElement {
  static observedAttributes = ATTRIBUTES;
  /** Where the widget's script came from: the default chat server. */
  static defaultServer = '';
  private mount: HTMLDivElement | undefined;

  connectedCallback(): void {
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
    if (this.mount) render(null, this.mount);
  }

  attributeChangedCallback(): void {
    if (this.isConnected && this.mount) this.update();
  }

  private update(): void {
    if (!this.mount) return;
    const config = readConfig(this, FastorikaChat.defaultServer || location.origin);
    const lang = detectLang(config.lang);
    const identity = identityOf(config);
    if (!identity) {
      const w = translator(widgetStrings, lang);
      this.mount.textContent = w('notConfigured');
      this.mount.classList.add('misconfigured');
      return;
    }
    // A changed identity or token re-renders with a new connection.
    render(null, this.mount);
    render(
      <WidgetApp
        key={`${identity.id}:${config.token ?? ''}`}
        config={config}
        identity={identity}
        lang={lang}
      />,
      this.mount,
    );
  }
}
