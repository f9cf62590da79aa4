/** `hostname` of a URL without IPv6 brackets, lower case. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * Whether `host` is on the allow-list: an exact entry, or a `*.suffix` entry for a subdomain of
 * `suffix` (`*.example.com` admits `api.example.com`, not `example.com`).
 */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const h = bareHost(host).replace(/\.$/, '');
  return allowedHosts.some((entry) => {
    const e = bareHost(entry.trim()).replace(/\.$/, '');
    if (e.startsWith('*.')) return h.endsWith(e.slice(1)) && h.length > e.length - 1;
    return h === e;
  });
}
