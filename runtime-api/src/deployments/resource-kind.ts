/**
 * What a deployment may hold, told by the file name. Anything else is refused, as Camunda 8 refuses
 * resource types it does not know: an opaque file stored next to a process is usually a typo
 * (`permit.bpmn.txt`, `form.json`) that would otherwise only surface when a task needs it.
 */
export type ResourceKind = 'bpmn' | 'form' | 'rules';

const KINDS: Array<{ kind: ResourceKind; suffix: RegExp; contentType: string }> = [
  { kind: 'bpmn', suffix: /\.(?:bpmn|bpmn20\.xml|xml)$/i, contentType: 'application/xml' },
  { kind: 'form', suffix: /\.(?:schema|form)\.json$/i, contentType: 'application/schema+json' },
  { kind: 'rules', suffix: /\.rules\.json$/i, contentType: 'application/json' },
];

export const ACCEPTED_SUFFIXES =
  '.bpmn (.bpmn20.xml, .xml), .schema.json / .form.json (form), .rules.json';

export function resourceKind(name: string): ResourceKind | undefined {
  return KINDS.find((k) => k.suffix.test(name))?.kind;
}

/** The content type a stored resource is served with. */
export function resourceContentType(name: string): string {
  const type = KINDS.find((k) => k.suffix.test(name))?.contentType ?? 'application/octet-stream';
  return `${type}; charset=utf-8`;
}

/** A formKey that names a form resource of the deployment (others are keys of an external form app). */
export function isFormResourceName(formKey: string): boolean {
  return resourceKind(formKey) === 'form';
}
