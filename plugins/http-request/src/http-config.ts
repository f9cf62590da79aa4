/** The http-request plugin's configuration (JSON Schema: `configSchema` in package.json). */
export interface HttpRequestConfig {
  /**
   * Hosts requests may go to: exact names (`api.example.com`), subdomain wildcards
   * (`*.example.com`, not the apex) or IP literals. Every other host is refused.
   */
  allowedHosts: string[];
  /**
   * Allow addresses on private, loopback, link-local and other non-public networks. Off by
   * default: an allowed name that resolves to such an address (DNS rebinding, an internal
   * metadata service) is refused.
   */
  allowPrivateNetworks?: boolean;
  /** Time limit of a request that sets no `timeoutMs`; default 10 000 ms. */
  defaultTimeoutMs?: number;
  /** Largest response body read; a larger one fails the job without retries. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Secret: sent as `Authorization: Bearer …` when the task sets no Authorization header. */
  bearerToken?: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
