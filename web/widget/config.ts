/**
 * The widget's settings, from its element's attributes (the loader copies the host
 * page's `data-*` attributes of the <script> tag onto the element):
 * `user-id`, `user-name` (AUTH_MODE=none) or `token` (jwt), `lang`, `transports`, `server`.
 */
import type { Transport } from '../shared/client.js';
import { readToken } from '../shared/token.js';
import type { Identity } from '../shared/types.js';

export interface WidgetConfig {
  server: string;
  token: string | undefined;
  userId: string | undefined;
  userName: string | undefined;
  lang: string | undefined;
  transports: Transport[] | undefined;
}

export const ATTRIBUTES = ['server', 'token', 'user-id', 'user-name', 'lang', 'transports'];

function transports(raw: string | null): Transport[] | undefined {
  if (!raw) return undefined;
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is Transport => s === 'websocket' || s === 'polling');
  return list.length > 0 ? list : undefined;
}

export function readConfig(el: Element, fallbackServer: string): WidgetConfig {
  const attr = (name: string) => el.getAttribute(name)?.trim() || undefined;
  return {
    server: (attr('server') ?? fallbackServer).replace(/\/+$/, ''),
    token: attr('token'),
    userId: attr('user-id'),
    userName: attr('user-name'),
    lang: attr('lang'),
    transports: transports(el.getAttribute('transports')),
  };
}

/** Under JWT the token names the user; otherwise the page does (AUTH_MODE=none). */
export function identityOf(config: WidgetConfig): Identity | undefined {
  if (config.token) {
    const claims = readToken(config.token);
    return claims && { id: claims.id, name: claims.name, role: 'user' };
  }
  if (!config.userId) return undefined;
  return { id: config.userId, name: config.userName ?? config.userId, role: 'user' };
}
