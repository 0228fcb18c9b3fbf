/**
 * A request URL as it may be logged: the value of a `token` query parameter (Socket.io
 * clients that cannot set `auth` put their JWT there, and a REST client might too) is
 * replaced, so no token reaches the logs. pino's redact covers headers and fields, not
 * the inside of a URL string. A card number in the URL (an agent searching for one,
 * `?q=4111…`, a label filter) is masked as in any client text, its encoded spaces, dashes and
 * digits read as written (a browser percent-encodes full-width or Arabic-Indic digits), so
 * no log line keeps it whole.
 */
import { mayBeInCardRun } from '../redaction/card-numbers.js';
import { redactClientText } from '../redaction/client-text.js';

/** A percent-encoded ASCII digit or dash, or one UTF-8 encoded character past ASCII. */
const ENCODED_CHARACTER = /%3[0-9]|%2d|%[c-f][0-9a-f](?:%[89ab][0-9a-f]){1,3}/gi;

/** The character, if it may be part of a card's run; anything else stays encoded (a control, a bidi override). */
function decoded(sequence: string): string {
  try {
    const ch = decodeURIComponent(sequence);
    return mayBeInCardRun(ch) ? ch : sequence;
  } catch {
    // Not UTF-8 (an overlong or truncated sequence): no digit of any script.
    return sequence;
  }
}

export function loggableUrl(url: string): string {
  const out = url.includes('token=') ? url.replace(/([?&]token=)[^&#]*/gi, '$1[Redacted]') : url;
  const masked = redactClientText(out.replace(/%20|\+/g, ' ').replace(ENCODED_CHARACTER, decoded));
  return masked.masked > 0 ? masked.text : out;
}
