/** Longest display name kept (the column holds 256). */
const MAX_NAME = 200;

/**
 * A display name for an uploaded file: the last path segment of what the client sent, without
 * control characters, quotes or separators, at most 200 characters; `attachment.<ext>` when
 * nothing usable is left. It is only ever shown and sent back, never used as a path.
 */
export function safeFilename(clientName: string | undefined, extension: string): string {
  const last = (clientName ?? '').split(/[\\/]/).pop() ?? '';
  let name = last
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f"*:<>?|;]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (name.length > MAX_NAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, MAX_NAME - ext.length) + ext;
  }
  return name || `attachment.${extension}`;
}

/** RFC 5987 encoding of a UTF-8 value (`filename*`). */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * `Content-Disposition: attachment` naming the file: an ASCII fallback (`filename=`) and the exact
 * UTF-8 name (`filename*=`, RFC 6266), so non-Latin names (e.g. Chinese) survive.
 */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${rfc5987(filename)}`;
}
