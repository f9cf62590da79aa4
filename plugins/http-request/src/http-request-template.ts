import type { ElementTemplate } from '@safeflow/plugin-sdk';
import { HTTP_REQUEST } from './http-request-handler.js';

/**
 * The designer's form for an HTTP request task. Request inputs are input mappings (FEEL allowed,
 * e.g. `="https://cmms.example.com/work-orders/" + workOrderId`); the result variable is a task
 * header, like Camunda's REST connector.
 */
export const httpRequestTemplate: ElementTemplate = {
  $schema: 'https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json',
  id: 'io.safeflow.http-request',
  name: 'HTTP request',
  version: 1,
  description: 'Calls an HTTP endpoint on the allow-list and stores the response.',
  appliesTo: ['bpmn:Task'],
  elementType: { value: 'bpmn:ServiceTask' },
  category: { id: 'connectors', name: 'Connectors' },
  groups: [
    { id: 'endpoint', label: 'HTTP endpoint' },
    { id: 'payload', label: 'Payload' },
    { id: 'timeout', label: 'Timeout' },
    { id: 'output', label: 'Output' },
    { id: 'retries', label: 'Retries' },
  ],
  properties: [
    {
      type: 'Hidden',
      value: HTTP_REQUEST,
      binding: { type: 'zeebe:taskDefinition', property: 'type' },
    },
    {
      label: 'Method',
      type: 'Dropdown',
      value: 'GET',
      group: 'endpoint',
      choices: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ name: m, value: m })),
      binding: { type: 'zeebe:input', name: 'method' },
    },
    {
      label: 'URL',
      description: "http(s) URL; its host must be in the plugin's allowedHosts.",
      type: 'String',
      feel: 'optional',
      group: 'endpoint',
      binding: { type: 'zeebe:input', name: 'url' },
      constraints: {
        notEmpty: true,
        pattern: {
          value: '^(=|https?://).*',
          message: 'Must be an http(s) URL or a FEEL expression',
        },
      },
    },
    {
      label: 'Headers',
      description: 'FEEL context of header names to values, e.g. ={"X-Site": site}',
      type: 'Text',
      feel: 'required',
      optional: true,
      group: 'endpoint',
      binding: { type: 'zeebe:input', name: 'headers' },
    },
    {
      label: 'Body',
      description: 'FEEL context (sent as JSON) or text.',
      type: 'Text',
      feel: 'optional',
      optional: true,
      group: 'payload',
      binding: { type: 'zeebe:input', name: 'body' },
    },
    {
      label: 'Timeout (ms)',
      description: "Defaults to the plugin's defaultTimeoutMs.",
      type: 'String',
      optional: true,
      group: 'timeout',
      binding: { type: 'zeebe:input', name: 'timeoutMs' },
      constraints: {
        pattern: { value: '^(=.*|[0-9]+)?$', message: 'Must be a number of milliseconds' },
      },
    },
    {
      label: 'Result variable',
      description:
        'Variable that receives {status, headers, body}; also set on an HTTP_<status> error.',
      type: 'String',
      optional: true,
      group: 'output',
      binding: { type: 'zeebe:taskHeader', key: 'resultVariable' },
    },
    {
      label: 'Retries',
      description: 'Attempts on 5xx, 408, 429, network errors and timeouts before an incident.',
      type: 'String',
      value: '3',
      group: 'retries',
      binding: { type: 'zeebe:taskDefinition', property: 'retries' },
    },
  ],
};
