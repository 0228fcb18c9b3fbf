/**
 * A message's text and attachment. Text is always rendered as text (Preact escapes it);
 * a fileUrl becomes a link only when it is http(s), otherwise it is shown as plain text.
 */

import type { CommonKey } from '../i18n/common.js';
import type { Translate } from '../i18n/index.js';
import type { MessageType } from '../types.js';
import { safeHttpUrl } from '../urls.js';

interface Props {
  content: string;
  messageType: MessageType;
  fileUrl: string | null;
  t: Translate<CommonKey>;
}

export function MessageBody({ content, messageType, fileUrl, t }: Props) {
  const href = safeHttpUrl(fileUrl);
  const label = messageType === 'image' ? t('image') : t('attachment');
  return (
    <div class="msg__body">
      {content ? <p class="msg__text">{content}</p> : null}
      {fileUrl ? (
        href ? (
          <a class="msg__file" href={href} target="_blank" rel="noopener noreferrer nofollow">
            {label}: {href}
          </a>
        ) : (
          <p class="msg__file msg__file--unsafe">
            {label}: {fileUrl}
          </p>
        )
      ) : null}
    </div>
  );
}
