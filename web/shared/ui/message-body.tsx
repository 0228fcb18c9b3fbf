/**
 * A message's text and attachment. Text is always rendered as text (Preact escapes it);
 * an uploaded attachment is shown as itself (attachment-view.tsx); a v2 fileUrl becomes a
 * link only when it is http(s), otherwise it is shown as plain text.
 */

import { showBidiControls } from '../bidi.js';
import type { CommonKey } from '../i18n/common.js';
import type { Lang, Translate } from '../i18n/index.js';
import type { MessageAttachment, MessageType } from '../types.js';
import { safeHttpUrl } from '../urls.js';
import { AttachmentView } from './attachment-view.js';

interface Props {
  content: string;
  messageType: MessageType;
  fileUrl: string | null;
  attachment?: MessageAttachment | undefined;
  /** The chat server's origin ('' on its own pages), for attachments' links. */
  server: string;
  t: Translate<CommonKey>;
  lang: Lang;
}

export function MessageBody({ content, messageType, fileUrl, attachment, server, t, lang }: Props) {
  const href = safeHttpUrl(fileUrl);
  const label = messageType === 'image' ? t('image') : t('attachment');
  return (
    <div class="msg__body">
      {attachment ? (
        <AttachmentView attachment={attachment} server={server} t={t} lang={lang} />
      ) : null}
      {/* Its own direction, and controls shown, not obeyed (bidi.ts). */}
      {content ? (
        <p class="msg__text" dir="auto">
          {showBidiControls(content)}
        </p>
      ) : null}
      {fileUrl && !attachment ? (
        href ? (
          <a class="msg__file" href={href} target="_blank" rel="noopener noreferrer nofollow">
            {label}: {showBidiControls(href)}
          </a>
        ) : (
          <p class="msg__file msg__file--unsafe">
            {label}: <bdi>{showBidiControls(fileUrl)}</bdi>
          </p>
        )
      ) : null}
    </div>
  );
}
