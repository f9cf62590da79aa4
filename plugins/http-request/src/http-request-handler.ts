import { bpmnError, complete, fail, type JobOutcome, type TaskHandler } from '@safeflow/plugin-sdk';
import { isIP } from 'node:net';
import { isNonPublicAddress, NonPublicAddressError } from './address-guard.js';
import { bareHost, hostAllowed } from './host-allow-list.js';
import { DEFAULT_MAX_RESPONSE_BYTES, type HttpRequestConfig } from './http-config.js';
import { retryAfterMs, toHttpResult } from './http-response.js';
import {
  hasHeader,
  readRequestSpec,
  RequestInputError,
  type RequestSpec,
} from './request-input.js';
import { ResponseTooLargeError, sendRequest } from './send-request.js';

export const HTTP_REQUEST = 'http:request';

/** Where a request goes, for messages and logs: never the query string (it may hold tokens). */
function target(spec: RequestSpec): string {
  return `${spec.method} ${spec.url.origin}${spec.url.pathname}`;
}

/**
 * Refuses a request the configuration does not allow; the job raises an incident at once, since
 * no retry will change the answer.
 */
function refusal(spec: RequestSpec, config: HttpRequestConfig): string | undefined {
  const host = bareHost(spec.url.hostname);
  const allowed = config.allowedHosts ?? [];
  if (allowed.length === 0) return 'no allowedHosts are configured, so no request may be sent';
  if (!hostAllowed(host, allowed)) return `host '${host}' is not in allowedHosts`;
  // Names are checked when they resolve (publicOnlyLookup); literal addresses are checked here.
  if (!config.allowPrivateNetworks && isIP(host) !== 0 && isNonPublicAddress(host)) {
    return `${host} is a private or loopback address (set allowPrivateNetworks to allow it)`;
  }
  return undefined;
}

/**
 * `http:request`: sends one HTTP request and answers the job by the response.
 * - 2xx: complete, the response in `resultVariable` (when the task names one);
 * - 408, 429 and 5xx, network errors, timeouts: fail, retried with back-off (`Retry-After` when
 *   the server sends one), the job's idempotency key in an `Idempotency-Key` header;
 * - other 3xx/4xx: BPMN error `HTTP_<status>` with the response in `resultVariable`, for an error
 *   boundary event (uncaught, an incident at once — retrying would get the same answer);
 * - a request the task or configuration gets wrong: fail with no retries (an incident at once).
 */
export const httpRequestHandler: TaskHandler<HttpRequestConfig> = async (
  job,
  ctx,
): Promise<JobOutcome> => {
  const config = ctx.config;
  let spec: RequestSpec;
  try {
    spec = readRequestSpec(job, config);
  } catch (e) {
    if (e instanceof RequestInputError) return fail(e.message, { retries: 0 });
    throw e;
  }
  const refused = refusal(spec, config);
  if (refused) {
    ctx.logger.warn('http request refused', { target: target(spec), reason: refused });
    return fail(refused, { retries: 0 });
  }

  const headers = { ...spec.headers };
  if (!hasHeader(headers, 'idempotency-key')) headers['Idempotency-Key'] = job.idempotencyKey;
  if (config.bearerToken && !hasHeader(headers, 'authorization')) {
    headers.Authorization = `Bearer ${config.bearerToken}`;
  }

  const timeout = AbortSignal.timeout(spec.timeoutMs);
  let raw;
  try {
    raw = await sendRequest({
      method: spec.method,
      url: spec.url,
      headers,
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      signal: AbortSignal.any([ctx.signal, timeout]),
      maxResponseBytes: config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      publicOnly: !config.allowPrivateNetworks,
    });
  } catch (e) {
    if (e instanceof NonPublicAddressError) {
      ctx.logger.warn('http request refused', { target: target(spec), reason: e.message });
      return fail(e.message, { retries: 0 });
    }
    if (e instanceof ResponseTooLargeError)
      return fail(`${target(spec)}: ${e.message}`, { retries: 0 });
    const reason = timeout.aborted
      ? `timed out after ${spec.timeoutMs} ms`
      : ctx.signal.aborted
        ? 'aborted'
        : e instanceof Error
          ? ((e as NodeJS.ErrnoException).code ?? e.message)
          : String(e);
    ctx.logger.warn('http request failed', { target: target(spec), reason });
    return fail(`${target(spec)} failed: ${reason}`);
  }

  const result = toHttpResult(raw);
  const status = result.status;
  ctx.logger.info('http request answered', { target: target(spec), status });
  const variables = spec.resultVariable ? { [spec.resultVariable]: result } : undefined;
  if (status >= 200 && status < 300) return complete(variables);
  if (status === 408 || status === 429 || status >= 500) {
    const backoff = retryAfterMs(raw.headers, ctx.now());
    return fail(
      `${target(spec)} answered ${status}`,
      backoff !== undefined ? { retryBackoffMs: backoff } : {},
    );
  }
  return bpmnError(`HTTP_${status}`, `${target(spec)} answered ${status}`, variables);
};
