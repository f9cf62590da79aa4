import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * The default MQTT client id: `sf-` and 20 hex digits of a hash of this machine's host name, the
 * broker URL, the user and the mappings. The same configuration on the same machine gets the same
 * id after a restart — which a persistent session needs — while two SafeFlow machines, or two
 * connections with different mappings, get different ids (two clients with one id would take the
 * connection from each other in turn). 23 characters of [0-9a-z-]: what every broker must accept.
 */
export function defaultClientId(parts: {
  url: string;
  username?: string;
  mappings: unknown;
  host?: string;
}): string {
  const digest = createHash('sha256')
    .update(
      JSON.stringify([parts.host ?? hostname(), parts.url, parts.username ?? '', parts.mappings]),
    )
    .digest('hex');
  return `sf-${digest.slice(0, 20)}`;
}
