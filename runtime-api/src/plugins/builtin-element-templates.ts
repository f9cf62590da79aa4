import type { ElementTemplate } from '@safeflow/plugin-sdk';
import { FACT_JOB_TYPE, NOTIFY_JOB_TYPE } from './builtin-plugin-jobs.js';

const SCHEMA =
  'https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json';

/** Palette entries for the runtime's own plugin task types, next to the plugins' ones. */
export const BUILTIN_ELEMENT_TEMPLATES: ElementTemplate[] = [
  {
    $schema: SCHEMA,
    id: 'safeflow.notify',
    name: 'Send notification',
    version: 1,
    description: "Sends a notification through a plugin's notifier (webhook, email, SMS).",
    appliesTo: ['bpmn:Task'],
    elementType: { value: 'bpmn:ServiceTask' },
    category: { id: 'safeflow', name: 'SafeFlow' },
    properties: [
      {
        type: 'Hidden',
        value: NOTIFY_JOB_TYPE,
        binding: { type: 'zeebe:taskDefinition', property: 'type' },
      },
      {
        label: 'Notifier',
        type: 'String',
        binding: { type: 'zeebe:taskHeader', key: 'notifier' },
        constraints: { notEmpty: true },
      },
      {
        label: 'Severity',
        type: 'Dropdown',
        value: 'info',
        choices: [
          { name: 'Info', value: 'info' },
          { name: 'Warning', value: 'warning' },
          { name: 'Critical', value: 'critical' },
        ],
        binding: { type: 'zeebe:taskHeader', key: 'severity' },
      },
      {
        label: 'Title',
        type: 'String',
        feel: 'optional',
        binding: { type: 'zeebe:input', name: 'title' },
        constraints: { notEmpty: true },
      },
      {
        label: 'Text',
        type: 'Text',
        feel: 'optional',
        binding: { type: 'zeebe:input', name: 'text' },
      },
      {
        label: 'Recipients (comma-separated)',
        type: 'String',
        optional: true,
        binding: { type: 'zeebe:taskHeader', key: 'recipients' },
      },
    ],
  },
  {
    $schema: SCHEMA,
    id: 'safeflow.fact',
    name: 'Fetch fact',
    version: 1,
    description: "Fetches a fact from a plugin's fact provider into a process variable.",
    appliesTo: ['bpmn:Task'],
    elementType: { value: 'bpmn:ServiceTask' },
    category: { id: 'safeflow', name: 'SafeFlow' },
    properties: [
      {
        type: 'Hidden',
        value: FACT_JOB_TYPE,
        binding: { type: 'zeebe:taskDefinition', property: 'type' },
      },
      {
        label: 'Fact provider',
        type: 'String',
        binding: { type: 'zeebe:taskHeader', key: 'provider' },
        constraints: { notEmpty: true },
      },
      {
        label: 'Result variable',
        type: 'String',
        value: 'fact',
        binding: { type: 'zeebe:taskHeader', key: 'resultVariable' },
      },
      {
        label: 'Parameters',
        type: 'String',
        feel: 'required',
        optional: true,
        binding: { type: 'zeebe:input', name: 'params' },
      },
    ],
  },
];
