/**
 * The upload limit a `config.json` body (`/widget/config.json`, `/console/config.json`)
 * declares: its `attachmentMaxBytes` when it is a positive whole number, else undefined
 * (what answered may be a proxy's page or another server).
 */
export function uploadLimitOf(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || !('attachmentMaxBytes' in body)) {
    return undefined;
  }
  const max = body.attachmentMaxBytes;
  return typeof max === 'number' && Number.isSafeInteger(max) && max > 0 ? max : undefined;
}
