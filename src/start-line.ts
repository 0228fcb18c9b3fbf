/**
 * The one line a server prints when it is up: where it listens and the addresses a person
 * opens first (the agent console, the widget demo, the API docs), built from the address
 * it actually bound, so PORT=0 or a HOST shows what is true; with METRICS_PORT, also its
 * scrape address (METRICS_PORT=0 is reported nowhere else).
 */
import type { AddressInfo } from 'node:net';

export interface StartUrls {
  /** The address and port bound, as `host:port`. */
  listen: string;
  console: string;
  widgetDemo: string;
  docs: string;
  /** METRICS_PORT's scrape address: the port it bound, which METRICS_PORT=0 chooses. */
  metrics?: string;
}

/** Every interface is not an address a browser can open: this machine's name for itself is. */
const EVERY_INTERFACE = new Set(['0.0.0.0', '::']);

export function startUrls({ address, port, family }: AddressInfo, metricsPort?: number): StartUrls {
  const host = EVERY_INTERFACE.has(address)
    ? 'localhost'
    : family === 'IPv6'
      ? `[${address}]`
      : address;
  const base = `http://${host}:${port}`;
  const listen = `${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  return {
    listen,
    console: `${base}/console`,
    widgetDemo: `${base}/widget/demo`,
    docs: `${base}/docs`,
    ...(metricsPort === undefined ? {} : { metrics: `http://${host}:${metricsPort}/metrics` }),
  };
}

export function startLine(urls: StartUrls): string {
  const everywhere = urls.listen.startsWith('0.0.0.0:') || urls.listen.startsWith('[::]:');
  return [
    `Fastorika chat server listening on ${urls.listen}${everywhere ? ' (every interface)' : ''}`,
    `console ${urls.console}`,
    `widget demo ${urls.widgetDemo}`,
    `API docs ${urls.docs}`,
    ...(urls.metrics === undefined ? [] : [`metrics ${urls.metrics}`]),
  ].join(' · ');
}
