import recommended from 'bpmnlint/config/recommended.js';
import endEventRequired from 'bpmnlint/rules/end-event-required.js';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event.js';
import fakeJoin from 'bpmnlint/rules/fake-join.js';
import global from 'bpmnlint/rules/global.js';
import labelRequired from 'bpmnlint/rules/label-required.js';
import noBpmndi from 'bpmnlint/rules/no-bpmndi.js';
import noDisconnected from 'bpmnlint/rules/no-disconnected.js';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows.js';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork.js';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end.js';
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split.js';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start.js';
import noInclusiveGateway from 'bpmnlint/rules/no-inclusive-gateway.js';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements.js';
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event.js';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event.js';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway.js';
import superfluousLabel from 'bpmnlint/rules/superfluous-label.js';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination.js';

/**
 * bpmnlint's `recommended` rules, imported statically so linting needs no dynamic require (bundlers,
 * sandboxes). Left out because our own rules already say it with a precise code:
 * conditional-flows (missing-condition), start-event-required (no-start-event), link-event
 * (link-no-catch), event-based-gateway (invalid-event-gateway-target), single-event-definition,
 * no-complex-gateway and ad-hoc-sub-process (unsupported-element).
 */
export const LINT_RULES: Readonly<Record<string, (config?: unknown) => any>> = {
  'end-event-required': endEventRequired,
  'event-sub-process-typed-start-event': eventSubProcessTypedStartEvent,
  'fake-join': fakeJoin,
  global,
  'label-required': labelRequired,
  'no-bpmndi': noBpmndi,
  'no-disconnected': noDisconnected,
  'no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'no-gateway-join-fork': noGatewayJoinFork,
  'no-implicit-end': noImplicitEnd,
  'no-implicit-split': noImplicitSplit,
  'no-implicit-start': noImplicitStart,
  'no-inclusive-gateway': noInclusiveGateway,
  'no-overlapping-elements': noOverlappingElements,
  'single-blank-start-event': singleBlankStartEvent,
  'sub-process-blank-start-event': subProcessBlankStartEvent,
  'superfluous-gateway': superfluousGateway,
  'superfluous-label': superfluousLabel,
  'superfluous-termination': superfluousTermination,
};

/** The recommended config restricted to the rules above, every one as a warning. */
export const LINT_CONFIG = {
  rules: Object.fromEntries(
    Object.keys(recommended.rules)
      .filter((name) => name in LINT_RULES)
      .map((name) => [name, 'warn']),
  ),
};
