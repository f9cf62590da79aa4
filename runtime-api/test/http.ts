/** A tiny HTTP client for the end-to-end suites. */
import { expect } from 'vitest';
import type { RuntimeConfig } from '@safeflow/runtime-api';
import type { TestDatabase } from './api-suite.js';
export interface Reply {
  status: number;
  body: any;
}

export function client(base: () => string) {
  return async function call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<Reply> {
    const res = await fetch(base() + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** A one-process BPMN: start → service task(s) of `type` → a user task → end. */
export function serviceTaskFlow(processId: string, type: string, retries = 2): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:serviceTask id="work" name="Work">
      <bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="${retries}"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="check"/>
    <bpmn:userTask id="check" name="Check"/>
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → intermediate timer (PT10M) → user task `after` → end. */
export function timerCatchFlow(processId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT10M</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="after"/>
    <bpmn:userTask id="after" name="After the wait"/>
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → user task `inspect` with an interrupting boundary timer (PT1H → `escalated`) → end. */
export function boundaryTimerFlow(processId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="inspect"/>
    <bpmn:userTask id="inspect" name="Inspect"/>
    <bpmn:boundaryEvent id="late" attachedToRef="inspect">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="late" targetRef="escalated"/>
    <bpmn:userTask id="escalated" name="Escalated"/>
    <bpmn:sequenceFlow id="f3" sourceRef="escalated" targetRef="end2"/>
    <bpmn:endEvent id="end2"/>
    <bpmn:sequenceFlow id="f4" sourceRef="inspect" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → receive task (message `name`, correlation key `=permitNo`) → user task `after` → end. */
export function messageFlow(processId: string, name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:message id="msg_${processId}" name="${name}">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=permitNo"/></bpmn:extensionElements>
  </bpmn:message>
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:receiveTask id="wait" messageRef="msg_${processId}"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="after"/>
    <bpmn:userTask id="after" name="After the message"/>
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → intermediate signal catch `name` → user task `after` → end. */
export function signalFlow(processId: string, name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:signal id="sig_${processId}" name="${name}"/>
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:signalEventDefinition signalRef="sig_${processId}"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="after"/>
    <bpmn:userTask id="after" name="After the signal"/>
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → user task `approve` offered to the groups in `offerTo` → end. */
export function offeredTaskFlow(processId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
    <bpmn:userTask id="approve" name="Approve the permit">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="=offerTo"/></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → `check` (gas-detector:check, `retries`) → `ok`; a GAS_TOO_HIGH error boundary → `evacuate`. */
export function gasCheckFlow(processId: string, retries = 3): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${processId}" targetNamespace="http://safeflow.io/test">
  <bpmn:error id="gasTooHigh" errorCode="GAS_TOO_HIGH"/>
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:serviceTask id="check" name="H2S check">
      <bpmn:extensionElements><zeebe:taskDefinition type="gas-detector:check" retries="${retries}"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:boundaryEvent id="tooHigh" attachedToRef="check">
      <bpmn:errorEventDefinition errorRef="gasTooHigh"/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="ok"/>
    <bpmn:userTask id="ok" name="Start hot work"/>
    <bpmn:sequenceFlow id="f3" sourceRef="ok" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f4" sourceRef="tooHigh" targetRef="evacuate"/>
    <bpmn:userTask id="evacuate" name="Evacuate the area"/>
    <bpmn:sequenceFlow id="f5" sourceRef="evacuate" targetRef="end2"/>
    <bpmn:endEvent id="end2"/>
  </bpmn:process>
</bpmn:definitions>`;
}

export const ADMIN_PASSWORD = 'admin-test-password';

/** The config every e2e suite runs with, on the suite's database (and clock, if it injects one). */
export function testConfig(db: TestDatabase, extra: Partial<RuntimeConfig> = {}): RuntimeConfig {
  return {
    port: 0,
    // Tokens expire by the injected clock, and suites move it by hours.
    tokenTtlSeconds: 7 * 24 * 3600,
    bodyLimit: '1mb',
    logLevel: 'silent',
    jwtSecret: 'test-secret-for-the-e2e-suite',
    adminPassword: ADMIN_PASSWORD,
    ...extra,
    ...db.config(),
  };
}

type Call = ReturnType<typeof client>;

export async function loginAdmin(call: Call): Promise<string> {
  const r = await call('POST', '/api/auth/login', undefined, {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  expect(r.status).toBe(200);
  return r.body.accessToken as string;
}

export async function deployXml(call: Call, token: string, processId: string, xml: string) {
  const r = await call('POST', '/api/deployments', token, {
    name: processId,
    resources: [{ name: `${processId}.bpmn`, content: xml }],
  });
  expect(r.status).toBe(201);
}

export async function startInstance(
  call: Call,
  token: string,
  processKey: string,
  variables: Record<string, unknown> = {},
): Promise<string> {
  const r = await call('POST', '/api/process-instances', token, { processKey, variables });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

export async function getInstance(call: Call, token: string, id: string) {
  return (await call('GET', `/api/process-instances/${id}`, token)).body;
}

/** Creates a user (as `admin`) with `roles` and signs it in; resolves to its access token. */
export async function userToken(
  call: Call,
  admin: string,
  username: string,
  roles: string[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const created = await call('POST', '/api/users', admin, {
    username,
    password: 'password-123',
    roles,
    ...extra,
  });
  expect(created.status).toBe(201);
  const login = await call('POST', '/api/auth/login', undefined, {
    username,
    password: 'password-123',
  });
  expect(login.status).toBe(200);
  return login.body.accessToken as string;
}
