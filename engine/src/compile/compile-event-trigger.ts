import type { EventTrigger, TimerDef } from '../model/event-trigger.js';
import type { Expr } from '../model/expression.js';
import { expressionBody, zeebeExpr } from './expr.js';
import { findExtension, stringAttr } from './extension-elements.js';

export type TriggerResult = { readonly trigger: EventTrigger } | { readonly unsupported: string };

/** A missing name/definition compiles to an empty static value; the validator reports it. */
const EMPTY: Expr = { kind: 'static', value: '' };

/**
 * Compiles the event definition of an event. BPMN allows nesting the definition or referencing a
 * root-level one (`eventDefinitionRef`); both count. Several definitions ("multiple") and the event
 * types the engine does not execute come back as an unsupported reason instead of a trigger.
 */
export function compileEventTrigger(event: any): TriggerResult {
  const definitions = [...asArray(event.eventDefinitions), ...asArray(event.eventDefinitionRef)];
  if (definitions.length === 0) return { trigger: { type: 'none' } };
  if (definitions.length > 1) {
    return {
      unsupported: `${definitions.length} event definitions on one event (BPMN multiple/parallel multiple)`,
    };
  }
  // Process-level start events are correlated by name only; event sub-process starts subscribe
  // inside a running instance and keep their key.
  const processStart =
    event.$type === 'bpmn:StartEvent' && event.$parent?.triggeredByEvent !== true;
  return compileDefinition(definitions[0], processStart);
}

/** A message trigger from a `bpmn:Message` (receive tasks use this too). */
export function messageTrigger(message: any, withCorrelationKey: boolean): EventTrigger {
  const name = stringAttr(message, 'name');
  const key = stringAttr(findExtension(message, 'zeebe:Subscription'), 'correlationKey');
  return {
    type: 'message',
    name: name === undefined ? EMPTY : zeebeExpr(name),
    ...(withCorrelationKey && key !== undefined ? { correlationKey: zeebeExpr(key) } : {}),
  };
}

function compileDefinition(definition: any, isStart: boolean): TriggerResult {
  switch (definition?.$type) {
    case 'bpmn:MessageEventDefinition':
      return { trigger: messageTrigger(definition.messageRef, !isStart) };
    case 'bpmn:TimerEventDefinition':
      return { trigger: { type: 'timer', timer: timerDef(definition) } };
    case 'bpmn:SignalEventDefinition': {
      const name = stringAttr(definition.signalRef, 'name');
      return { trigger: { type: 'signal', name: name === undefined ? EMPTY : zeebeExpr(name) } };
    }
    case 'bpmn:ErrorEventDefinition':
      // No errorRef on a catch means "catch every error" (Camunda 8 semantics).
      return {
        trigger: { type: 'error', errorCode: stringAttr(definition.errorRef, 'errorCode') },
      };
    case 'bpmn:EscalationEventDefinition':
      return {
        trigger: {
          type: 'escalation',
          escalationCode: stringAttr(definition.escalationRef, 'escalationCode'),
        },
      };
    case 'bpmn:TerminateEventDefinition':
      return { trigger: { type: 'terminate' } };
    case 'bpmn:LinkEventDefinition':
      return { trigger: { type: 'link', linkName: stringAttr(definition, 'name') ?? '' } };
    case 'bpmn:CompensateEventDefinition':
      return { unsupported: 'compensation events are not executed by SafeFlow' };
    case 'bpmn:ConditionalEventDefinition':
      return { unsupported: 'conditional events are not executed by SafeFlow' };
    case 'bpmn:CancelEventDefinition':
      return { unsupported: 'cancel events (transactions) are not executed by SafeFlow' };
    default:
      return { unsupported: `event definition ${String(definition?.$type)} is not supported` };
  }
}

/** First of timeDuration / timeDate / timeCycle that has a body; `=...` is FEEL, else ISO 8601. */
function timerDef(definition: any): TimerDef {
  const candidates: Array<[TimerDef['kind'], unknown]> = [
    ['duration', definition.timeDuration],
    ['date', definition.timeDate],
    ['cycle', definition.timeCycle],
  ];
  for (const [kind, expression] of candidates) {
    const body = expressionBody(expression);
    if (body !== undefined) return { kind, expr: zeebeExpr(body.trim()) };
  }
  const declared = candidates.find(([, expression]) => expression !== undefined);
  return { kind: declared?.[0] ?? 'duration', expr: EMPTY };
}

function asArray(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}
