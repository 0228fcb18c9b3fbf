/**
 * `<fastorika-chat>` in Preact's JSX: include this file (and fastorika-chat.d.ts beside it)
 * in a Preact + TypeScript project. Listen to the element's events with a ref (see
 * docs/console-and-widget.md).
 */
import type { HTMLAttributes } from 'preact';
import type { FastorikaChatAttributes, FastorikaChatElement } from './fastorika-chat';

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'fastorika-chat': HTMLAttributes<FastorikaChatElement> & FastorikaChatAttributes;
    }
  }
}
