/**
 * Names and texts as the page shows them: each in its own `<bdi>` (an isolate: nothing
 * in it reorders what follows) with its bidirectional controls visible (see bidi.ts).
 */
import type { ComponentChildren } from 'preact';
import { showBidiControls } from '../bidi.js';

interface Props {
  text: string;
  class?: string;
}

export function Isolated({ text, class: className }: Props) {
  return <bdi class={className}>{showBidiControls(text)}</bdi>;
}

/**
 * A translated sentence whose `{placeholders}` are names or texts: the template as the
 * translator gives it without values (`Assigned to {name}`), each value isolated.
 */
export function sentence(template: string, values: Readonly<Record<string, string>>) {
  const parts: ComponentChildren[] = template.split(/(\{\w+\})/).map((part, i) => {
    const value = values[part.slice(1, -1)];
    return /^\{\w+\}$/.test(part) && value !== undefined ? <Isolated key={i} text={value} /> : part;
  });
  return parts;
}
