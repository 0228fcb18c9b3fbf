/**
 * Whether this node should be sent traffic: not while it is starting, and not once it
 * has been told to stop (SIGTERM), so that a load balancer drains it before its
 * connections close. Liveness is /health; this is /ready (http/routes/operations.ts).
 */
export type ReadinessState = 'starting' | 'ready' | 'draining';

export interface Readiness {
  state(): ReadinessState;
  /** Started: listening, store open. */
  ready(): void;
  /** Stopping: from now on /ready is 503, for good. */
  drain(): void;
}

export function createReadiness(): Readiness {
  let state: ReadinessState = 'starting';
  return {
    state: () => state,
    ready: () => {
      if (state === 'starting') state = 'ready';
    },
    drain: () => {
      state = 'draining';
    },
  };
}
