/**
 * The client's address as the rate limits and logs should see it. Behind a load
 * balancer every connection comes from the balancer; with TRUST_PROXY the address is
 * taken from X-Forwarded-For, believing only the proxies it names. Fastify's `request.ip`
 * (REST) and the sockets' addresses use the same trust rule, through `proxy-addr`.
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { Config } from './config.js';

export type AddressOf = (req: IncomingMessage) => string;
export type TrustProxy = (address: string, hop: number) => boolean;

export function trustRule(trust: Config['trustProxy']): TrustProxy {
  if (trust === false) return () => false;
  if (trust === true) return () => true;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

export function clientAddress(trust: Config['trustProxy']): AddressOf {
  const rule = trustRule(trust);
  return (req) => proxyAddr(req, rule);
}
