/**
 * An attachment in the history. An image is its thumbnail, a button that opens it full
 * size in a dialog (Escape or Close closes it and focus goes back to the thumbnail; the
 * dialog also links to the file in a new tab); one the browser could not load (its link
 * refused: expired, or signed by a node with another secret) says so and links to the
 * file instead of leaving an empty box. Any other file is a link named by the file and
 * its size. Links are the server's signed paths, resolved against its origin.
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { formatSize, isImageType, thumbnailBox } from '../attachments.js';
import { isolated } from '../bidi.js';
import type { CommonKey } from '../i18n/common.js';
import type { Lang, Translate } from '../i18n/index.js';
import type { MessageAttachment } from '../types.js';
import { Isolated } from './isolated.js';

interface Props {
  attachment: MessageAttachment;
  /** The chat server's origin ('' on its own pages). */
  server: string;
  t: Translate<CommonKey>;
  lang: Lang;
}

/** Only the server's own paths become links (never another origin, never a scheme). */
export function attachmentHref(server: string, path: string | undefined): string | undefined {
  if (!path?.startsWith('/') || path.startsWith('//')) return undefined;
  return `${server}${path}`;
}

export function AttachmentView({ attachment, server, t, lang }: Props) {
  const href = attachmentHref(server, attachment.url);
  const size = formatSize(attachment.size, lang, t);
  if (!href) return null;
  if (!isImageType(attachment.contentType)) {
    return (
      <FileLink href={href} size={size}>
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M6 2h8l5 5v15H6zM14 2v5h5" />
        </svg>
        <Isolated class="msg__file-name" text={attachment.name} />
      </FileLink>
    );
  }
  return <ImageAttachment {...{ attachment, href, size, server, t }} />;
}

/** The file, opened in a new tab, its size last: what stands for a file that is not shown. */
function FileLink(props: {
  href: string;
  size: string;
  unavailable?: boolean;
  children: ComponentChildren;
}) {
  const unavailable = props.unavailable ? ' msg__file--unavailable' : '';
  return (
    <a
      class={`msg__file msg__file--attachment${unavailable}`}
      href={props.href}
      target="_blank"
      rel="noopener noreferrer"
    >
      {props.children}
      <span class="msg__file-size">{props.size}</span>
    </a>
  );
}

interface ImageProps {
  attachment: MessageAttachment;
  href: string;
  size: string;
  server: string;
  t: Translate<CommonKey>;
}

function ImageAttachment({ attachment, href, size, server, t }: ImageProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const [unavailable, setUnavailable] = useState(false);
  const thumb = attachmentHref(server, attachment.thumbnailUrl) ?? href;
  const label = t('openImage', { name: isolated(attachment.name) });
  const close = () => {
    dialog.current?.close();
    opener.current?.focus();
  };
  if (unavailable) {
    return (
      <FileLink href={href} size={size} unavailable>
        <span role="status">{t('imageUnavailable', { name: isolated(attachment.name) })}</span>
      </FileLink>
    );
  }
  return (
    <>
      <button
        ref={opener}
        type="button"
        class="msg__image"
        aria-label={label}
        title={label}
        aria-haspopup="dialog"
        onClick={() => dialog.current?.showModal()}
      >
        <img
          src={thumb}
          alt=""
          loading="lazy"
          {...thumbnailBox(attachment.width, attachment.height)}
          onError={() => setUnavailable(true)}
        />
      </button>
      <dialog
        ref={dialog}
        class="viewer"
        aria-label={attachment.name}
        // Escape closes the dialog only, not what it is in (the widget's panel).
        onKeyDown={(e) => e.key === 'Escape' && e.stopPropagation()}
        onClose={() => opener.current?.focus()}
        onClick={(e) => e.target === dialog.current && close()}
      >
        <div class="viewer__bar">
          <span class="viewer__name">
            <Isolated text={attachment.name} /> · {size}
          </span>
          <a class="viewer__open" href={href} target="_blank" rel="noopener noreferrer">
            {t('openInNewTab')}
          </a>
          <button type="button" class="viewer__close" onClick={close}>
            {t('closeImage')}
          </button>
        </div>
        <img class="viewer__image" src={href} alt={attachment.name} loading="lazy" />
      </dialog>
    </>
  );
}
