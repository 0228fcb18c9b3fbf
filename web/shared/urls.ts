import { isWebUrl } from '../../src/schemas/text-rules.js';

/** Only http(s) URLs ever become links (the server's rule): never javascript:, data:, or anything else. */
export function safeHttpUrl(raw: string | null | undefined): string | undefined {
  return raw && isWebUrl(raw) ? new URL(raw).href : undefined;
}
