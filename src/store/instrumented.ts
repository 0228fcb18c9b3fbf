/**
 * A Store that counts for the metrics: messages stored, and store operations that failed.
 * It forwards every call to the real store (as a Proxy, so it needs no change when the
 * Store interface grows, and a test that replaces a method on it replaces the real one).
 */
import type { Store } from './store.js';

export interface StoreCounters {
  stored(): void;
  failed(): void;
}

type Method = (...args: unknown[]) => unknown;

export function instrumentStore(store: Store, count: StoreCounters): Store {
  const wrappers = new WeakMap<Method, Method>();
  const wrap = (method: Method, isAppend: boolean): Method => {
    let wrapper = wrappers.get(method);
    if (!wrapper) {
      wrapper = (...args: unknown[]) => {
        const result = method.apply(store, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          (value: unknown) => {
            if (isAppend && (value as { kind?: unknown } | undefined)?.kind === 'stored') {
              count.stored();
            }
            return value;
          },
          (err: unknown) => {
            count.failed();
            throw err;
          },
        );
      };
      wrappers.set(method, wrapper);
    }
    return wrapper;
  };
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? wrap(value as Method, property === 'appendMessage')
        : value;
    },
  });
}
