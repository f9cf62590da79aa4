import { Controller, Get, Inject } from '@nestjs/common';
import type { ElementTemplate } from '@safeflow/plugin-sdk';
import { BUILTIN_ELEMENT_TEMPLATES } from './builtin-element-templates.js';
import { PluginHost } from './plugin-host.service.js';

/** An element template with the plugin it comes from (`safeflow` for the runtime's own). */
export type ServedElementTemplate = ElementTemplate & { plugin: string };

/**
 * The element templates of every loaded plugin (failed and disabled ones excluded), for the
 * designer's palette and properties panel: the Camunda element-template format, each tagged with
 * `plugin`.
 */
@Controller('api/element-templates')
export class ElementTemplatesController {
  constructor(@Inject(PluginHost) private readonly host: PluginHost) {}

  @Get()
  list(): ServedElementTemplate[] {
    const fromPlugins = this.host
      .list()
      .filter((p) => p.loaded && p.lifecycle !== 'disabled')
      .flatMap((p) => p.loaded!.elementTemplates.map((t) => ({ ...t, plugin: p.name })));
    return [
      ...BUILTIN_ELEMENT_TEMPLATES.map((t) => ({ ...t, plugin: 'safeflow' })),
      ...fromPlugins,
    ];
  }
}
