import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { publicOnlyLookup } from './address-guard.js';

/** What came back. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The response body was larger than allowed. */
export class ResponseTooLargeError extends Error {}

export interface SendOptions {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  maxResponseBytes: number;
  /** Resolve names to public addresses only. */
  publicOnly: boolean;
}

/**
 * One HTTP exchange with node:http(s): no redirects followed (a redirect could lead off the
 * allow-list), the body read up to `maxResponseBytes`, aborted by `signal`.
 */
export function sendRequest(options: SendOptions): Promise<RawResponse> {
  const { url, body } = options;
  const requestOptions: RequestOptions = {
    method: options.method,
    headers: {
      ...options.headers,
      ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
    },
    signal: options.signal,
    ...(options.publicOnly ? { lookup: publicOnlyLookup } : {}),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          res.destroy();
          reject(
            new ResponseTooLargeError(
              `the response is larger than ${options.maxResponseBytes} bytes`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete)
          reject(new Error('the connection closed before the response was complete'));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
