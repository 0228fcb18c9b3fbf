/** Small hooks over the page and the connection. */
import { useEffect, useState } from 'preact/hooks';
import type { ChatClient, ConnectionState } from './client.js';

export function useConnection(client: ChatClient): ConnectionState {
  const [state, setState] = useState(client.state());
  useEffect(() => {
    setState(client.state());
    return client.onState((s) => setState(s));
  }, [client]);
  return state;
}

export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/** Re-renders every `ms` (for "waiting 5 min" style labels). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
