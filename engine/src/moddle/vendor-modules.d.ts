// bpmn-moddle's root export ships no type declarations, so we declare the small surface we use.
// Moddle elements are dynamic objects; the compiler narrows them by `$type` at runtime.
declare module 'bpmn-moddle' {
  export interface ModdleWarning {
    readonly message: string;
    readonly element?: any;
    readonly property?: string;
    readonly value?: unknown;
    readonly error?: unknown;
  }
  export interface FromXmlResult {
    readonly rootElement: any;
    readonly elementsById: Record<string, any>;
    readonly references: readonly any[];
    readonly warnings: readonly ModdleWarning[];
  }
  export interface BpmnModdleInstance {
    fromXML(
      xml: string,
      typeName?: string,
      options?: Record<string, unknown>,
    ): Promise<FromXmlResult>;
    toXML(element: any, options?: Record<string, unknown>): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): any;
  }
  export function BpmnModdle(
    packages?: Record<string, unknown>,
    options?: Record<string, unknown>,
  ): BpmnModdleInstance;
}
