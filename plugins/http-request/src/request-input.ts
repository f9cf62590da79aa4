import type { JobInput, JsonValue } from '@safeflow/plugin-sdk';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, type HttpRequestConfig } from './http-config.js';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof METHODS)[number];

/** One request, as the task asks for it. */
export interface RequestSpec {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  /** Encoded body, or none. */
  body?: string;
  timeoutMs: number;
  resultVariable?: string;
}

/** Input the task got wrong: no retry can fix it, so the job raises an incident at once. */
export class RequestInputError extends Error {}

/** Headers the task may not set: they belong to the connection or would bypass the host checks. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

/**
 * A task input: the static task header when the model sets one, otherwise the variable of that
 * name (set by the task's input mapping, as the element template does).
 */
function input(job: JobInput, name: string): JsonValue | undefined {
  return job.headers[name] ?? job.variables[name];
}

/** Reads and checks the request the task asks for (but not yet its host: see the handler). */
export function readRequestSpec(job: JobInput, config: HttpRequestConfig): RequestSpec {
  const method = String(input(job, 'method') ?? 'GET').toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) {
    throw new RequestInputError(`method '${method}' is not one of ${METHODS.join(', ')}`);
  }

  const rawUrl = input(job, 'url');
  if (typeof rawUrl !== 'string' || rawUrl.trim() === '')
    throw new RequestInputError('url is missing');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new RequestInputError('url is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RequestInputError(`url scheme '${url.protocol}' is not http: or https:`);
  }
  if (url.username || url.password) {
    // Credentials in a URL end up in variables and incident messages; the token goes in config.
    throw new RequestInputError('url must not contain credentials (configure bearerToken instead)');
  }

  const headers = readHeaders(input(job, 'headers'));
  const body = encodeBody(input(job, 'body'), headers, method as HttpMethod);
  const timeoutMs = readTimeout(input(job, 'timeoutMs'), config);
  const resultVariable = input(job, 'resultVariable');
  if (
    resultVariable !== undefined &&
    (typeof resultVariable !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(resultVariable))
  ) {
    throw new RequestInputError('resultVariable must be a variable name');
  }
  return {
    method: method as HttpMethod,
    url,
    headers,
    ...(body !== undefined ? { body } : {}),
    timeoutMs,
    ...(resultVariable !== undefined ? { resultVariable } : {}),
  };
}

function readHeaders(raw: JsonValue | undefined): Record<string, string> {
  if (raw === undefined || raw === null || raw === '') return {};
  let value: JsonValue = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as JsonValue;
    } catch {
      throw new RequestInputError('headers must be a JSON object of header names to values');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestInputError('headers must be an object of header names to values');
  }
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new RequestInputError(`'${name}' is not a valid header name`);
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      throw new RequestInputError(`header '${name}' cannot be set`);
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (/[\r\n]/.test(text)) throw new RequestInputError(`header '${name}' contains a line break`);
    out[name] = text;
  }
  return out;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

/** Objects and arrays are sent as JSON, strings as they are (text/plain unless a type is set). */
function encodeBody(
  raw: JsonValue | undefined,
  headers: Record<string, string>,
  method: HttpMethod,
): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (method === 'GET' || method === 'HEAD')
    throw new RequestInputError(`a ${method} request cannot have a body`);
  if (typeof raw === 'string') {
    if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'text/plain; charset=utf-8';
    return raw;
  }
  if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json';
  return JSON.stringify(raw);
}

function readTimeout(raw: JsonValue | undefined, config: HttpRequestConfig): number {
  if (raw === undefined || raw === null || raw === '')
    return config.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ms = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_TIMEOUT_MS) {
    throw new RequestInputError(`timeoutMs must be a whole number from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return ms;
}

export { hasHeader };
