import type { FlowNode } from '../model/flow-node.js';
import { isIsoDateTime, isIsoDuration, isTimerCycle } from './iso8601.js';
import { describe, type Finding, type ProcessRule } from './rule-types.js';

function isEmpty(
  expr: { kind: 'feel'; source: string } | { kind: 'static'; value: string },
): boolean {
  return expr.kind === 'static' ? expr.value.trim() === '' : expr.source.trim() === '';
}

/**
 * Catching a message needs its name; waiting for a message inside a running instance (intermediate
 * catch, receive task, boundary, event sub-process start) also needs a correlation key, otherwise
 * the engine cannot tell which instance a published message is for.
 */
export const checkMessages: ProcessRule = ({ process }) => {
  const findings: Finding[] = [];
  for (const node of process.nodes.values()) {
    if (node.trigger?.type !== 'message') continue;
    // Camunda 8 message throws are jobs: the worker decides what to send, a name is optional.
    const isThrow = node.kind === 'endEvent' || node.kind === 'intermediateThrowEvent';
    if (!isThrow && isEmpty(node.trigger.name)) {
      findings.push({
        code: 'missing-message-name',
        message: `${describe(node)} refers to no message, or to a message without a name`,
        elementId: node.id,
      });
    }
    if (needsCorrelationKey(node, process.root.id) && node.trigger.correlationKey === undefined) {
      findings.push({
        code: 'missing-correlation-key',
        message: `${describe(node)} waits for a message without a correlation key: add zeebe:subscription correlationKey to the message`,
        elementId: node.id,
      });
    }
  }
  return findings;
};

function needsCorrelationKey(node: FlowNode, rootId: string): boolean {
  if (
    node.kind === 'intermediateCatchEvent' ||
    node.kind === 'receiveTask' ||
    node.kind === 'boundaryEvent'
  )
    return true;
  // Event sub-process message starts subscribe within a running instance, like a catch event.
  return node.kind === 'startEvent' && node.containerId !== rootId;
}

/** Timers must say when: FEEL (`=...`) or a valid ISO 8601 duration / date / cycle. */
export const checkTimers: ProcessRule = ({ process }) => {
  const findings: Finding[] = [];
  for (const node of process.nodes.values()) {
    if (node.trigger?.type !== 'timer') continue;
    const { kind, expr } = node.trigger.timer;
    if (isEmpty(expr)) {
      findings.push({
        code: 'invalid-timer',
        message: `${describe(node)} has a timer without a definition`,
        elementId: node.id,
      });
      continue;
    }
    if (expr.kind !== 'static') continue;
    const valid =
      kind === 'duration'
        ? isIsoDuration(expr.value)
        : kind === 'date'
          ? isIsoDateTime(expr.value)
          : isTimerCycle(expr.value);
    if (!valid) {
      findings.push({
        code: 'invalid-timer',
        message: `${describe(node)} timer ${kind} "${expr.value}" is not a valid ISO 8601 ${kind}${kind === 'cycle' ? ' or cron expression' : ''} (or a FEEL expression starting with =)`,
        elementId: node.id,
      });
    }
  }
  return findings;
};

/** Throws must say what they throw; signals need a name to be broadcast or caught. */
export const checkThrowCodes: ProcessRule = ({ process }) => {
  const findings: Finding[] = [];
  for (const node of process.nodes.values()) {
    const trigger = node.trigger;
    const isThrow = node.kind === 'endEvent' || node.kind === 'intermediateThrowEvent';
    if (isThrow && trigger?.type === 'error' && !trigger.errorCode) {
      findings.push({
        code: 'missing-error-code',
        message: `${describe(node)} throws an error without an error code`,
        elementId: node.id,
      });
    }
    if (isThrow && trigger?.type === 'escalation' && !trigger.escalationCode) {
      findings.push({
        code: 'missing-escalation-code',
        message: `${describe(node)} throws an escalation without an escalation code`,
        elementId: node.id,
      });
    }
    if (trigger?.type === 'signal' && isEmpty(trigger.name)) {
      findings.push({
        code: 'missing-signal-name',
        message: `${describe(node)} refers to no signal, or to a signal without a name`,
        elementId: node.id,
      });
    }
  }
  return findings;
};
