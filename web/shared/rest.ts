/**
 * A REST call named by its route (`'GET /api/chats/user/:userId'`) with the parts the
 * route table says it takes, so a client cannot send a body a route does not read or
 * miss a path parameter, and its reply is typed by the same table.
 */
import type {
  RestBodies,
  RestParams,
  RestQueries,
  RestRouteKey,
  RestSuccess,
} from '../../src/schemas/rest.js';

export type { RestRouteKey, RestSuccess };

/** Absent when the route has none, optional when every field is, required otherwise. */
type Part<Name extends string, T> = [T] extends [never]
  ? { [P in Name]?: never }
  : undefined extends T
    ? { [P in Name]?: T }
    : object extends T
      ? { [P in Name]?: T }
      : { [P in Name]: T };

export type RestRequest<K extends RestRouteKey> = Part<'params', RestParams[K]> &
  Part<'query', RestQueries[K]> &
  Part<'body', RestBodies[K]>;

/** What fetch needs: the method, the path with its parameters and query filled in, the body. */
export interface RestCall {
  method: string;
  path: string;
  body: unknown;
}

type QueryValue = string | number | boolean | undefined;
interface AnyParts {
  params?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
}

export function restCall<K extends RestRouteKey>(route: K, parts: RestRequest<K>): RestCall;
export function restCall(route: RestRouteKey, parts: AnyParts): RestCall {
  const [method = 'GET', template = ''] = route.split(' ');
  const path = template.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(parts.params?.[name] ?? ''),
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(parts.query ?? {}))
    if (value !== undefined) query.set(key, String(value));
  const search = query.size > 0 ? `?${query}` : '';
  return { method, path: `${path}${search}`, body: parts.body };
}
