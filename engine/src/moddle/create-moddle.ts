import { BpmnModdle, type BpmnModdleInstance } from 'bpmn-moddle';
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import sfDescriptor from './sf.json' with { type: 'json' };

/** Namespace of SafeFlow's own BPMN extensions (`sf:*`). */
export const SF_NAMESPACE_URI = 'http://safeflow.io/schema/bpmn/1.0';

/**
 * A moddle that knows BPMN, Zeebe (so Camunda 8 models import unchanged) and SafeFlow extensions.
 * A fresh instance per call: moddle caches types per instance and we never share mutable state
 * between imports of untrusted files.
 */
export function createModdle(): BpmnModdleInstance {
  return BpmnModdle({ zeebe: zeebeDescriptor, sf: sfDescriptor });
}
