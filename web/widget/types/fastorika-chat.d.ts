/**
 * Types of the `<fastorika-chat>` element for a host page written in TypeScript: its
 * attributes, its `token` property and the DOM events it dispatches. Self-contained (no
 * import): copy it into the host project. The JSX typings for React and Preact are
 * `fastorika-chat.react.d.ts` and `fastorika-chat.preact.d.ts` beside it.
 * The widget's own code builds on this file, so the two cannot disagree.
 */

/** `fastorika:token-expired`: ask your backend for a fresh token and set it on the element. */
export interface FastorikaTokenExpiredDetail {
  /** When the current token expires (epoch ms), or null when it does not say. */
  expiresAt: number | null;
  /** false: it expires soon (sent ahead, time to refresh); true: the server refused it already. */
  expired: boolean;
}

/** The events `<fastorika-chat>` dispatches (they bubble and cross the shadow root). */
export interface FastorikaChatEventMap {
  /** The chat panel opened. */
  'fastorika:open': CustomEvent<null>;
  /** The chat panel closed. */
  'fastorika:close': CustomEvent<null>;
  /** Agent replies the user has not seen: the count (0 once they are seen). */
  'fastorika:unread': CustomEvent<number>;
  'fastorika:token-expired': CustomEvent<FastorikaTokenExpiredDetail>;
}

export type FastorikaChatEventName = keyof FastorikaChatEventMap;

/** The element's attributes (the same as the loader's `data-*` attributes, without `data-`). */
export interface FastorikaChatAttributes {
  /** The user's JWT (AUTH_MODE=jwt). Setting a new one keeps the open panel and the draft. */
  token?: string;
  /** The user, with AUTH_MODE=none only. */
  'user-id'?: string;
  'user-name'?: string;
  /** `en`, `ru` or `uz`; else the page's `<html lang>`, the browser's languages, English. */
  lang?: string;
  /** Leave unset: polling, upgraded to WebSocket where it works. `polling` or `websocket` force one. */
  transports?: string;
  /** The chat server's origin, when it is not where widget.js came from. */
  server?: string;
}

export interface FastorikaChatElement extends HTMLElement {
  /** The user's JWT: the `token` attribute. Set a fresh one on `fastorika:token-expired`. */
  token: string | null;
  /** The count of the last `fastorika:unread` (0 before any), for a page that listens late. */
  readonly unread: number;
  addEventListener<K extends FastorikaChatEventName>(
    type: K,
    listener: (this: FastorikaChatElement, ev: FastorikaChatEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: FastorikaChatElement, ev: HTMLElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends FastorikaChatEventName>(
    type: K,
    listener: (this: FastorikaChatElement, ev: FastorikaChatEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: FastorikaChatElement, ev: HTMLElementEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'fastorika-chat': FastorikaChatElement;
  }
}
