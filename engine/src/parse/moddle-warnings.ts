import type { ModdleWarning } from 'bpmn-moddle';
import type { Problem } from '../model/problem.js';
import type { ElementLocator } from './element-locator.js';

/**
 * bpmn-moddle only *warns* when a reference cannot be resolved and then leaves the property empty,
 * which would turn e.g. a dangling `targetRef` into a silently missing flow target. We refuse those.
 * Diagram (BPMNDI) references are the exception: a stale shape never changes execution, and real
 * Modeler exports carry them; so are references to names in a vendor namespace (`triso:unspecified`),
 * which no BPMN id can match (warning `unresolved-foreign-reference`). Everything else (unknown foreign elements/attributes, duplicate ids)
 * is reported as a warning only, so vendor files with their own extensions still import.
 */
/**
 * References to data types and foreign definitions (often XSD or Java types like `java:Boolean`,
 * which BPMN lets vendors import from elsewhere). They describe data, never the flow, so a missing
 * target cannot change execution: warning only.
 */
const TYPE_REFERENCES: ReadonlySet<string> = new Set([
  'bpmn:itemSubjectRef',
  'bpmn:structureRef',
  'bpmn:evaluatesToTypeRef',
  'bpmn:definition',
  'bpmn:typeRef',
  'bpmn:dataStoreRef',
]);

/**
 * Whether a reference value names something outside BPMN: `prefix:local` where `prefix` is not
 * bound to the BPMN model namespace (Trisotech's `triso:unspecified`, say). Ids are NCNames and
 * cannot contain a colon, so such a value can never resolve to an element of the file.
 */
export type ForeignReferenceTest = (value: string) => boolean;

/** Namespace of the BPMN 2.0 semantic model. */
export const BPMN_MODEL_NAMESPACE = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

/**
 * Builds a {@link ForeignReferenceTest} from the `xmlns:prefix="uri"` declarations of a source text
 * (declarations anywhere in the file count: a prefix bound to BPMN somewhere is treated as BPMN).
 */
export function foreignReferenceTest(sourceText: string): ForeignReferenceTest {
  const bpmnPrefixes = new Set<string>();
  for (const m of sourceText.matchAll(/\sxmlns:([\w.-]+)\s*=\s*(["'])(.*?)\2/g)) {
    if (m[3] === BPMN_MODEL_NAMESPACE && m[1] !== undefined) bpmnPrefixes.add(m[1]);
  }
  return (value) => {
    const prefix = /^([A-Za-z_][\w.-]*):[^:]+$/.exec(value.trim())?.[1];
    return prefix !== undefined && !bpmnPrefixes.has(prefix);
  };
}

export function warningToProblem(
  warning: ModdleWarning,
  locate: ElementLocator,
  isForeign: ForeignReferenceTest = () => false,
): Problem {
  const element = warning.element as { id?: unknown; $type?: unknown } | undefined;
  const elementId = typeof element?.id === 'string' ? element.id : undefined;
  const elementType = typeof element?.$type === 'string' ? element.$type : 'element';
  const where = locate(elementId);
  const base = { elementId, line: where?.line, column: where?.column };
  const unresolved = /^unresolved reference <(.*)>$/.exec(warning.message);
  if (unresolved) {
    const missing = unresolved[1] ?? String(warning.value);
    const property = warning.property ?? 'reference';
    const inDiagram = elementType.startsWith('bpmndi:') || property.startsWith('bpmndi:');
    const toType = TYPE_REFERENCES.has(property);
    if (!inDiagram && !toType && isForeign(missing)) {
      return {
        ...base,
        code: 'unresolved-foreign-reference',
        message: `${elementType} "${elementId ?? '?'}" refers to "${missing}" (${property}), a name in a vendor namespace outside BPMN that does not resolve; the reference is ignored`,
        severity: 'warning',
      };
    }
    return {
      ...base,
      code: inDiagram
        ? 'unresolved-diagram-reference'
        : toType
          ? 'unresolved-type-reference'
          : 'unresolved-reference',
      message: `${elementType} "${elementId ?? '?'}" refers to "${missing}" (${property}), which does not exist in this file`,
      severity: inDiagram || toType ? 'warning' : 'error',
    };
  }
  return {
    ...base,
    code: 'xml-warning',
    message: `${truncate(warning.message, 300)}${elementId ? ` (at ${elementType} "${elementId}")` : ''}`,
    severity: 'warning',
  };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
