/**
 * Indexes the moddle elements of one process by id (flow elements at every depth, plus the process
 * itself), so rules can read facts the compiled model drops (script formats, foreign attributes).
 */
export function indexRawElements(process: any): Map<string, any> {
  const index = new Map<string, any>();
  const stack: any[] = [process];
  while (stack.length > 0) {
    const element = stack.pop();
    if (typeof element?.id === 'string' && !index.has(element.id)) index.set(element.id, element);
    if (Array.isArray(element?.flowElements)) stack.push(...element.flowElements);
  }
  return index;
}
