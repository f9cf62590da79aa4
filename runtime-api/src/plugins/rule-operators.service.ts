import { Inject, Injectable } from '@nestjs/common';
import type { JsonValue } from '@safeflow/plugin-sdk';
import { messageOf } from './bounded-call.js';
import { PluginContributions } from './plugin-contributions.js';
import { PluginHost } from './plugin-host.service.js';

/**
 * Rule operators from plugins, for the rules engine (a later issue wires them into conditions).
 * Rule evaluation is synchronous, so an operator is too: the runtime's thread hands the two values
 * to the plugin's worker and waits for the answer at most `RULE_OPERATOR_TIMEOUT_MS`
 * (Atomics.wait) — an operator that loops forever costs one bounded wait and an error, not the
 * process. The operator's code never runs in the runtime's thread.
 */
@Injectable()
export class RuleOperatorsService {
  constructor(
    @Inject(PluginContributions) private readonly contributions: PluginContributions,
    @Inject(PluginHost) private readonly host: PluginHost,
  ) {}

  names(): string[] {
    return [...this.contributions.ruleOperators.keys()].sort();
  }

  has(name: string): boolean {
    return this.contributions.ruleOperators.has(name);
  }

  /** Throws an error naming the operator and its plugin when it fails, is slow or is not running. */
  evaluate(name: string, factValue: JsonValue, compareValue: JsonValue): boolean {
    const owned = this.contributions.ruleOperators.get(name);
    if (!owned) throw new Error(`no rule operator '${name}'`);
    try {
      return this.host.evaluateOperator(owned.plugin, name, factValue, compareValue);
    } catch (e) {
      throw new Error(
        `rule operator '${name}' of plugin '${owned.plugin}' failed: ${messageOf(e)}`,
      );
    }
  }
}
