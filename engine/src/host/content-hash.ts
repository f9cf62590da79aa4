/**
 * 64-bit FNV-1a of a resource's text, to tell whether a redeployment changed anything. The engine
 * stays free of platform APIs (node:crypto is not in browsers); this is not a security hash — the
 * runtime's audit chain uses SHA-256.
 */
export function contentHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
