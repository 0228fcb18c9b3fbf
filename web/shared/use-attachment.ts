/**
 * The file waiting beside the message box: picked, pasted or dropped, it uploads at once
 * (with progress, cancellable), then waits to be sent with the next message. One at a
 * time: a new file replaces the one before (cancelling its upload). A file over the
 * server's limit is refused before a byte is sent.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { dragsFiles, filesOf } from './attachments.js';
import { ApiError, type ChatClient } from './client.js';
import type { UploadedAttachment } from './types.js';

export type Draft =
  | { kind: 'none' }
  | { kind: 'uploading'; file: File; loaded: number; total: number }
  | { kind: 'ready'; file: File; attachment: UploadedAttachment }
  | { kind: 'failed'; file: File; error: unknown };

export interface AttachmentDraft {
  draft: Draft;
  /** The server's ATTACHMENT_MAX_BYTES, when it told us. */
  maxBytes: number | undefined;
  attach(file: File): void;
  /** Cancels an upload, drops an uploaded file or a refusal. */
  cancel(): void;
}

const NONE: Draft = { kind: 'none' };

export function useAttachmentDraft(
  client: ChatClient,
  chatId: string | undefined,
  maxBytes: number | undefined,
): AttachmentDraft {
  const [draft, setDraft] = useState<Draft>(NONE);
  const running = useRef<AbortController | undefined>(undefined);

  const stop = useCallback(() => {
    running.current?.abort();
    running.current = undefined;
  }, []);
  useEffect(() => stop, [stop]);

  const attach = useCallback(
    (file: File) => {
      stop();
      if (maxBytes !== undefined && file.size > maxBytes) {
        setDraft({
          kind: 'failed',
          file,
          error: new ApiError(413, 'ATTACHMENT_TOO_LARGE', 'The file is too large'),
        });
        return;
      }
      const controller = new AbortController();
      running.current = controller;
      setDraft({ kind: 'uploading', file, loaded: 0, total: file.size });
      const mine = () => running.current === controller;
      client
        .upload(file, {
          chatId,
          signal: controller.signal,
          onProgress: (loaded, total) => {
            if (mine()) setDraft({ kind: 'uploading', file, loaded, total: total || file.size });
          },
        })
        .then((attachment) => {
          if (!mine()) return;
          running.current = undefined;
          setDraft({ kind: 'ready', file, attachment });
        })
        .catch((error: unknown) => {
          if (!mine()) return;
          running.current = undefined;
          setDraft(
            error instanceof ApiError && error.code === 'ABORTED'
              ? NONE
              : { kind: 'failed', file, error },
          );
        });
    },
    [client, chatId, maxBytes, stop],
  );

  const cancel = useCallback(() => {
    stop();
    setDraft(NONE);
  }, [stop]);

  return { draft, maxBytes, attach, cancel };
}

/**
 * Drag-and-drop of a file onto an area (the chat: its history and its box): the area is
 * marked while a file is over it, and the dropped file is attached.
 */
export function useDropZone(attach: ((file: File) => void) | undefined) {
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them.
  const depth = useRef(0);
  const files = (e: DragEvent) => attach !== undefined && dragsFiles(e.dataTransfer);
  return {
    over,
    handlers: {
      onDragEnter(e: DragEvent) {
        if (!files(e)) return;
        e.preventDefault();
        depth.current += 1;
        setOver(true);
      },
      onDragOver(e: DragEvent) {
        if (!files(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave(e: DragEvent) {
        if (!files(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      },
      onDrop(e: DragEvent) {
        depth.current = 0;
        setOver(false);
        const [file] = filesOf(e.dataTransfer);
        if (!file || !attach) return;
        e.preventDefault();
        attach(file);
      },
    },
  };
}
