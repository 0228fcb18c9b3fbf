/**
 * The open chat's transcript as a download (HTML to keep or print, JSON for systems): fetched
 * with the admin's token, then saved as a file. The server decides what it holds (an
 * admin's copy has the internal notes).
 */
import { useState } from 'preact/hooks';
import { adminClaimOf } from '../shared/claim.js';
import type { ChatClient } from '../shared/client.js';
import { type Lang, translator } from '../shared/i18n/index.js';
import { consoleTranscriptStrings, transcriptStrings } from '../shared/i18n/transcript.js';
import { saveFile, transcriptName } from '../shared/save-file.js';
import type { Chat, Identity } from '../shared/types.js';

interface Props {
  client: ChatClient;
  me: Identity;
  chat: Chat;
  lang: Lang;
  onError(message: string): void;
}

export function TranscriptButtons({ client, me, chat, lang, onError }: Props) {
  const r = translator(transcriptStrings, lang);
  const own = translator(consoleTranscriptStrings, lang);
  const [busy, setBusy] = useState(false);
  const download = async (format: 'html' | 'json') => {
    setBusy(true);
    try {
      const blob = await client.file('GET /api/chats/:chatId/transcript', {
        params: { chatId: chat._id },
        query: { format, ...adminClaimOf(me) },
      });
      saveFile(blob, transcriptName(chat._id, format));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      onError(own('transcriptFailedBecause', { reason }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        class="button button--plain"
        data-action="transcript-html"
        disabled={busy}
        onClick={() => void download('html')}
      >
        {r('transcriptHtml')}
      </button>
      <button
        type="button"
        class="button button--plain"
        data-action="transcript-json"
        disabled={busy}
        onClick={() => void download('json')}
      >
        {own('transcriptJson')}
      </button>
    </>
  );
}
