import type { IncomingHttpHeaders } from 'node:http';
import type { JsonValue } from '@safeflow/plugin-sdk';
import type { RawResponse } from './send-request.js';

/** The response as the process sees it (the `resultVariable`). */
export interface HttpResult {
  [key: string]: JsonValue;
  status: number;
  headers: { [name: string]: string };
  /** Parsed JSON when the response says it is JSON (and is), else text; null when empty. */
  body: JsonValue;
}

/** Session cookies would be readable by anyone who can read the instance's variables. */
const DROPPED_HEADERS = new Set(['set-cookie']);

export function toHttpResult(raw: RawResponse): HttpResult {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers as IncomingHttpHeaders)) {
    if (value === undefined || DROPPED_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: raw.status, headers, body: decodeBody(raw.body, headers['content-type']) };
}

function decodeBody(body: Buffer, contentType: string | undefined): JsonValue {
  if (body.length === 0) return null;
  const text = body.toString('utf8');
  if (contentType && /[/+]json\b/i.test(contentType)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // A server that says JSON and sends something else: hand over what it sent.
    }
  }
  return text;
}

/**
 * Back-off asked for by a `Retry-After` header (seconds or an HTTP date), in ms from `now`;
 * at most an hour, undefined when there is none.
 */
export function retryAfterMs(headers: IncomingHttpHeaders, now: number): number | undefined {
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, Math.round(ms)), 60 * 60_000);
}
