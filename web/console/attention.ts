/**
 * New messages while the tab is hidden: counted in the page title and, when the admin
 * allowed it, shown as a system notification. The count resets when the tab is seen.
 */
import { useCallback, useEffect, useRef } from 'preact/hooks';

export function useAttention(title: string, titleWithCount: (count: number) => string) {
  const count = useRef(0);
  const format = useRef(titleWithCount);
  format.current = titleWithCount;

  useEffect(() => {
    document.title = count.current > 0 ? format.current(count.current) : title;
    const seen = () => {
      if (document.visibilityState !== 'visible') return;
      count.current = 0;
      document.title = title;
    };
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, [title]);

  return useCallback((heading: string, body: string, tag: string) => {
    if (document.visibilityState === 'visible') return;
    count.current += 1;
    document.title = format.current(count.current);
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      new Notification(heading, { body: body.slice(0, 140), tag });
    }
  }, []);
}

export const canAskForNotifications = (): boolean =>
  typeof Notification !== 'undefined' && Notification.permission === 'default';
