/**
 * A request URL as it may be logged: the value of a `token` query parameter (Socket.io
 * clients that cannot set `auth` put their JWT there, and a REST client might too) is
 * replaced, so no token reaches the logs. pino's redact covers headers and fields, not
 * the inside of a URL string.
 */
export function loggableUrl(url: string): string {
  if (!url.includes('token=')) return url;
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[Redacted]');
}
