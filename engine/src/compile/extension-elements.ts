/**
 * Access to `bpmn:extensionElements` children by moddle type (`zeebe:TaskDefinition`,
 * `sf:Gate`...). Foreign children moddle does not know come back as generic elements and are
 * simply never matched.
 */
export function extensionValues(element: any): any[] {
  const values = element?.extensionElements?.values;
  return Array.isArray(values) ? values : [];
}

export function findExtension(element: any, type: string): any | undefined {
  return extensionValues(element).find((value) => value?.$type === type);
}

export function findExtensions(element: any, type: string): any[] {
  return extensionValues(element).filter((value) => value?.$type === type);
}

/** A string attribute, or undefined when absent/empty (moddle leaves unset attributes undefined). */
export function stringAttr(element: any, name: string): string | undefined {
  const value = element?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
