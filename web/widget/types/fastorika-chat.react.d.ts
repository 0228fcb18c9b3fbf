/**
 * `<fastorika-chat>` in React's JSX (@types/react 18 and 19, `jsx: react-jsx`): include
 * this file (and fastorika-chat.d.ts beside it) in a React + TypeScript project. Listen to
 * the element's events with a ref (see docs/console-and-widget.md).
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { FastorikaChatAttributes, FastorikaChatElement } from './fastorika-chat';

type FastorikaChatProps = DetailedHTMLProps<
  HTMLAttributes<FastorikaChatElement>,
  FastorikaChatElement
> &
  FastorikaChatAttributes;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'fastorika-chat': FastorikaChatProps;
    }
  }
}
