import { Inject, Injectable } from '@nestjs/common';
import type { JsonValue } from '@safeflow/plugin-sdk';
import { messageOf } from './bounded-call.js';
import { PluginContributions } from './plugin-contributions.js';

/**
 * Rule operators from plugins, for the rules engine (a later issue wires them into conditions).
 * They are pure and synchronous, so no time limit can apply: a throw is turned into an error
 * naming the operator and its plugin, but an operator that loops forever would block the process —
 * the one failure in-process isolation cannot contain.
 */
@Injectable()
export class RuleOperatorsService {
  constructor(@Inject(PluginContributions) private readonly contributions: PluginContributions) {}

  names(): string[] {
    return [...this.contributions.ruleOperators.keys()].sort();
  }

  has(name: string): boolean {
    return this.contributions.ruleOperators.has(name);
  }

  evaluate(name: string, factValue: JsonValue, compareValue: JsonValue): boolean {
    const owned = this.contributions.ruleOperators.get(name);
    if (!owned) throw new Error(`no rule operator '${name}'`);
    try {
      return owned.value.evaluate(factValue, compareValue) === true;
    } catch (e) {
      throw new Error(
        `rule operator '${name}' of plugin '${owned.plugin}' failed: ${messageOf(e)}`,
      );
    }
  }
}
