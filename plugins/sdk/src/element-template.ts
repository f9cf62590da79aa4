/**
 * An element template (the Camunda element-template format, which bpmn-js properties panels read)
 * so a plugin's task types appear in the designer's palette with a configuration form.
 */
export interface ElementTemplate {
  $schema?: string;
  id: string;
  name: string;
  version?: number;
  description?: string;
  appliesTo: string[];
  elementType?: { value: string };
  category?: { id: string; name: string };
  groups?: Array<{ id: string; label: string }>;
  properties: ElementTemplateProperty[];
}

export interface ElementTemplateProperty {
  label?: string;
  description?: string;
  type: 'String' | 'Text' | 'Boolean' | 'Dropdown' | 'Hidden' | 'Number';
  value?: string | number | boolean;
  group?: string;
  optional?: boolean;
  feel?: 'optional' | 'required';
  choices?: Array<{ name: string; value: string }>;
  constraints?: { notEmpty?: boolean; pattern?: { value: string; message?: string } };
  binding:
    | { type: 'zeebe:taskDefinition'; property: 'type' | 'retries' }
    | { type: 'zeebe:input'; name: string }
    | { type: 'zeebe:output'; source: string }
    | { type: 'zeebe:taskHeader'; key: string }
    | { type: 'property'; name: string };
}
