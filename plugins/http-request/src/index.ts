import { definePlugin } from '@safeflow/plugin-sdk';
import type { HttpRequestConfig } from './http-config.js';
import { HTTP_REQUEST, httpRequestHandler } from './http-request-handler.js';
import { httpRequestTemplate } from './http-request-template.js';

export type { HttpRequestConfig } from './http-config.js';
export type { HttpResult } from './http-response.js';
export { HTTP_REQUEST } from './http-request-handler.js';
export { httpRequestTemplate } from './http-request-template.js';
export { isNonPublicAddress } from './address-guard.js';
export { hostAllowed } from './host-allow-list.js';

/** Service tasks that call HTTP endpoints on an allow-list. */
export default definePlugin<HttpRequestConfig>({
  name: '@safeflow/plugin-http-request',
  taskHandlers: { [HTTP_REQUEST]: httpRequestHandler },
  elementTemplates: [httpRequestTemplate],
});
