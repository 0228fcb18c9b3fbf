/**
 * A message's text and attachment. Text is always rendered as text (Preact escapes it);
 * a fileUrl becomes a link only when it is http(s), otherwise it is shown as plain text.
 */

import { showBidiControls } from '../bidi.js';
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
      {/* Its own direction, and controls shown, not obeyed (bidi.ts). */}
      {content ? (
        <p class="msg__text" dir="auto">
          {showBidiControls(content)}
        </p>
      ) : null}
      {fileUrl ? (
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
