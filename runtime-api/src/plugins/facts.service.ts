import { Inject, Injectable } from '@nestjs/common';
import type { Fact, JsonValue } from '@safeflow/plugin-sdk';
import { PluginCallError } from './plugin-errors.js';
import { PluginContributions } from './plugin-contributions.js';
import { PluginHost } from './plugin-host.service.js';
import { describeErrors } from './plugin-json-schema.js';
import { isObject } from './is-object.js';

/**
 * Facts from plugins' fact providers (a roster, gate access records, wind speed) for gates, rules
 * and the `safeflow:fact` task: parameters checked against the provider's schema first, the fetch
 * under the plugin time limit, the answer checked for a value and the time it was observed.
 */
@Injectable()
export class FactsService {
  constructor(
    @Inject(PluginContributions) private readonly contributions: PluginContributions,
    @Inject(PluginHost) private readonly host: PluginHost,
  ) {}

  /** Names of the fact providers of loaded plugins. */
  providers(): string[] {
    return [...this.contributions.factProviders.keys()].sort();
  }

  /** Throws PluginCallError (`unknown`, `invalid` with the paths, `unavailable`, `failed`, `timeout`). */
  async fetch(provider: string, params: Record<string, JsonValue>): Promise<Fact> {
    const owned = this.contributions.factProviders.get(provider);
    if (!owned)
      throw new PluginCallError(
        `no fact provider '${provider}' (known: ${this.providers().join(', ') || 'none'})`,
        'unknown',
      );
    const errors = owned.paramsCheck?.(params) ?? [];
    if (errors.length > 0)
      throw new PluginCallError(
        `parameters of fact provider '${provider}' are invalid: ${describeErrors(errors)}`,
        'invalid',
        errors,
      );
    const fact: unknown = await this.host.call(
      owned.plugin,
      `fact provider '${provider}'`,
      'fetch-fact',
      { provider, params },
    );
    if (!isObject(fact) || !('value' in fact) || !Number.isFinite(fact.observedAt))
      throw new PluginCallError(
        `fact provider '${provider}' answered no fact ({value, observedAt} expected)`,
        'failed',
      );
    try {
      return JSON.parse(JSON.stringify(fact)) as Fact;
    } catch {
      throw new PluginCallError(
        `fact provider '${provider}' answered a value that is not JSON`,
        'failed',
      );
    }
  }
}
