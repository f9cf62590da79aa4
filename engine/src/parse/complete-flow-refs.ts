/**
 * Fills in `incoming`/`outgoing` of flow nodes from the sequence flows' sourceRef/targetRef when a
 * file leaves them out (hand-written and generated models often do; BPMN makes them optional).
 * bpmnlint and other moddle consumers read these lists, so without this they would report every
 * node of such a file as disconnected. Only adds missing links, never removes any.
 */
export function completeFlowRefs(definitions: any): void {
  const stack: any[] = [
    ...(Array.isArray(definitions?.rootElements) ? definitions.rootElements : []),
  ];
  while (stack.length > 0) {
    const container = stack.pop();
    const elements: any[] = Array.isArray(container?.flowElements) ? container.flowElements : [];
    for (const element of elements) {
      if (element?.$type === 'bpmn:SequenceFlow') {
        link(element.sourceRef, 'outgoing', element);
        link(element.targetRef, 'incoming', element);
      } else if (Array.isArray(element?.flowElements)) {
        stack.push(element);
      }
    }
  }
}

function link(node: any, property: 'incoming' | 'outgoing', flow: any): void {
  if (node === undefined || node === null || typeof node !== 'object') return;
  const list: any[] = typeof node.get === 'function' ? node.get(property) : node[property];
  if (Array.isArray(list) && !list.includes(flow)) list.push(flow);
}
