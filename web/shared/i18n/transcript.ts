/** Strings of the transcript download, in the console and the widget. */
import type { Catalogue } from './index.js';

export type TranscriptKey = 'transcriptHtml' | 'transcriptJson' | 'transcriptFailed';

export const transcriptStrings: Catalogue<TranscriptKey> = {
  en: {
    transcriptHtml: 'Download transcript',
    transcriptJson: 'Transcript (JSON)',
    transcriptFailed: 'The transcript was not downloaded: {reason}',
  },
  ru: {
    transcriptHtml: 'Скачать переписку',
    transcriptJson: 'Переписка (JSON)',
    transcriptFailed: 'Переписку не удалось скачать: {reason}',
  },
  uz: {
    transcriptHtml: 'Yozishmani yuklab olish',
    transcriptJson: 'Yozishma (JSON)',
    transcriptFailed: 'Yozishma yuklab olinmadi: {reason}',
  },
};
