/** Strings of the transcript download, in the console and the widget. */
import type { Catalogue } from './index.js';

export type TranscriptKey = 'transcriptHtml' | 'transcriptFailed';

/**
 * Both apps'. A customer is told to try again, never the error itself (a browser's
 * `TypeError: Failed to fetch`, or the server's English sentence).
 */
export const transcriptStrings: Catalogue<TranscriptKey> = {
  en: {
    transcriptHtml: 'Download transcript',
    transcriptFailed: 'The transcript did not download. Try again.',
  },
  ru: {
    transcriptHtml: 'Скачать переписку',
    transcriptFailed: 'Переписку не удалось скачать. Повторите.',
  },
  uz: {
    transcriptHtml: 'Yozishmani yuklab olish',
    transcriptFailed: 'Yozishma yuklab olinmadi. Qayta urining.',
  },
};

export type ConsoleTranscriptKey = 'transcriptJson' | 'transcriptFailedBecause';

/** The console's own: agents also take the JSON, and are told the server's reason. */
export const consoleTranscriptStrings: Catalogue<ConsoleTranscriptKey> = {
  en: {
    transcriptJson: 'Transcript (JSON)',
    transcriptFailedBecause: 'The transcript was not downloaded: {reason}',
  },
  ru: {
    transcriptJson: 'Переписка (JSON)',
    transcriptFailedBecause: 'Переписку не удалось скачать: {reason}',
  },
  uz: {
    transcriptJson: 'Yozishma (JSON)',
    transcriptFailedBecause: 'Yozishma yuklab olinmadi: {reason}',
  },
};
