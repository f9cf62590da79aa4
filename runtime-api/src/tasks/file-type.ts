/** A file type attachments may have, recognised by its first bytes. */
export interface SniffedType {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';
  extension: string;
}

const startsWith = (buf: Uint8Array, bytes: number[], at = 0) =>
  buf.length >= at + bytes.length && bytes.every((b, i) => buf[at + i] === b);

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/**
 * What the content is (JPEG, PNG, WebP or PDF), from its magic bytes; undefined for anything else.
 * The client's declared type and file name are never trusted: a renamed executable stays refused.
 */
export function sniffFileType(buf: Uint8Array): SniffedType | undefined {
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return { contentType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { contentType: 'image/png', extension: 'png' };
  if (startsWith(buf, ascii('RIFF')) && startsWith(buf, ascii('WEBP'), 8))
    return { contentType: 'image/webp', extension: 'webp' };
  if (startsWith(buf, ascii('%PDF-'))) return { contentType: 'application/pdf', extension: 'pdf' };
  return undefined;
}

export const ACCEPTED_TYPES = 'JPEG, PNG, WebP or PDF';
