/**
 * A request URL as it may be logged: the value of a `token` query parameter (Socket.io
 * clients that cannot set `auth` put their JWT there, and a REST client might too) is
 * replaced, so no token reaches the logs. pino's redact covers headers and fields, not
 * the inside of a URL string. A card number in the URL (an agent searching for one,
 * `?q=4111…`, a label filter) is masked as in any client text, its encoded spaces read as
 * spaces, so no log line keeps it whole.
 */
import { redactClientText } from '../redaction/client-text.js';

export function loggableUrl(url: string): string {
  const out = url.includes('token=') ? url.replace(/([?&]token=)[^&#]*/gi, '$1[Redacted]') : url;
  const masked = redactClientText(out.replace(/%20|\+/g, ' '));
  return masked.masked > 0 ? masked.text : out;
}
