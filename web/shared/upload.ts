/**
 * One upload as multipart/form-data over XMLHttpRequest: of Chromium's two ways to send a
 * body, only XHR reports upload progress over HTTP/1.1 (a fetch() with a streamed body
 * needs HTTP/2 and cannot be FormData). Cancelled by its AbortSignal.
 */

export interface UploadRequest {
  url: string;
  token?: string | undefined;
  fields: Readonly<Record<string, string>>;
  file: File;
  onProgress?(loaded: number, total: number): void;
  signal?: AbortSignal | undefined;
}

/** What came back: the status and the parsed body (undefined when it was not JSON). */
export interface UploadAnswer {
  status: number;
  body: unknown;
}

/** The request never got an answer: the network failed, or it was cancelled. */
export class UploadInterrupted extends Error {
  constructor(readonly reason: 'network' | 'aborted') {
    super(reason === 'aborted' ? 'Upload cancelled' : 'Upload failed: no answer');
    this.name = 'UploadInterrupted';
  }
}

export function postFile(req: UploadRequest): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) return reject(new UploadInterrupted('aborted'));
    const form = new FormData();
    // Fields before the file: the server reads them before it reads a byte of the file.
    for (const [key, value] of Object.entries(req.fields)) form.set(key, value);
    form.set('file', req.file, req.file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', req.url);
    if (req.token) xhr.setRequestHeader('authorization', `Bearer ${req.token}`);
    xhr.upload.onprogress = (e) => req.onProgress?.(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new UploadInterrupted('network'));
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => reject(new UploadInterrupted('aborted'));
    req.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}
