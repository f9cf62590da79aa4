/**
 * Light, independent reading of BPMN XML text for the report: which places of a model carry
 * JavaScript (bpmn-engine's `${...}` expressions, `language="js"`, JavaScript script tasks), and the
 * element types a file contains. Deliberately regex-based: it must not share code (or bugs) with
 * the engine's importer, and it must work on XML the importer refuses.
 */

export interface JsFinding {
  /** Nearest enclosing element id, where one could be found. */
  elementId?: string;
  /** `bpmn:script`, `bpmn:conditionExpression`, `camunda:inputParameter`, ... as written. */
  place: string;
  /**
   * `execution`: a place the engine evaluates (script task body, condition, loop cardinality,
   * completion condition, timer, a service task's `camunda:expression`); `extension`: a vendor extension the engine may ignore.
   */
  kind: 'execution' | 'extension';
  snippet: string;
}

const executionPlaces = new Set([
  'script',
  'conditionExpression',
  'condition',
  'loopCardinality',
  'completionCondition',
  'loopCondition',
  'timeDuration',
  'timeCycle',
  'timeDate',
]);

const bpmnNamespaces = ['http://www.omg.org/spec/BPMN/20100524/MODEL'];

/** Namespace prefixes bound to the BPMN model namespace ('' for a default namespace). */
export function bpmnPrefixes(xml: string): Set<string> {
  const prefixes = new Set<string>();
  const re = /xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']/g;
  for (const m of xml.matchAll(re)) {
    if (bpmnNamespaces.includes(m[2] ?? '')) prefixes.add(m[1] ?? '');
  }
  return prefixes;
}

/** Id of the nearest BPMN element opened before `index` (vendor elements skipped). */
function nearestId(xml: string, index: number, bpmn: Set<string>): string | undefined {
  const before = xml.slice(Math.max(0, index - 8000), index);
  const ids = [...before.matchAll(/<(?:([\w.-]+):)?[\w.-]+\s[^>]*?\bid\s*=\s*["']([^"']+)["']/g)];
  for (let i = ids.length - 1; i >= 0; i--) {
    if (bpmn.has(ids[i]?.[1] ?? '')) return ids[i]?.[2];
  }
  return undefined;
}

function stripCdata(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1').trim();
}

function looksLikeJs(body: string, language: string | undefined): boolean {
  if (language && /^(js|javascript|ecmascript|node)$/i.test(language)) return true;
  if (/\$\{[\s\S]*\}/.test(body)) return true;
  if (/\bnext\s*\(/.test(body)) return true;
  return false;
}

const snippetOf = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
};

/** Places in the model that rely on JavaScript (or bpmn-engine `${...}` expressions). */
export function findJavaScript(xml: string): JsFinding[] {
  const findings: JsFinding[] = [];
  const bpmn = bpmnPrefixes(xml);

  // Script tasks: the format decides (a FEEL script is fine; anything else is script code).
  for (const m of xml.matchAll(/<(?:([\w.-]+):)?scriptTask\b([^>]*?)(\/?)>/g)) {
    if (!bpmn.has(m[1] ?? '')) continue;
    const attrs = m[2] ?? '';
    const format = /\bscriptFormat\s*=\s*["']([^"']*)["']/.exec(attrs)?.[1];
    const id = /\bid\s*=\s*["']([^"']+)["']/.exec(attrs)?.[1];
    if (m[3] === '/') continue;
    const closeRe = new RegExp(`</(?:${m[1] ? `${m[1]}:` : ''})scriptTask\\s*>`, 'g');
    closeRe.lastIndex = (m.index ?? 0) + m[0].length;
    const close = closeRe.exec(xml);
    const inner = xml.slice((m.index ?? 0) + m[0].length, close ? close.index : undefined);
    const body = /<(?:[\w.-]+:)?script\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?script\s*>/.exec(
      inner,
    )?.[1];
    if (body !== undefined && stripCdata(body) !== '' && !/^feel$/i.test(format ?? '')) {
      const finding: JsFinding = {
        place: `scriptTask[scriptFormat=${format ?? '(none)'}]`,
        kind: 'execution',
        snippet: snippetOf(stripCdata(body)),
      };
      if (id !== undefined) finding.elementId = id;
      findings.push(finding);
    }
  }

  // Expression-bearing elements.
  const names = [
    ...executionPlaces,
    'inputParameter',
    'outputParameter',
    'entry',
    'expression',
  ].join('|');
  const re = new RegExp(
    `<(?:([\\w.-]+):)?(${names})\\b([^>]*?)(?:\\/>|>([\\s\\S]*?)<\\/(?:[\\w.-]+:)?\\2\\s*>)`,
    'g',
  );
  for (const m of xml.matchAll(re)) {
    const prefix = m[1] ?? '';
    const local = m[2] ?? '';
    const attrs = m[3] ?? '';
    const body = stripCdata(m[4] ?? '');
    const language = /\blanguage\s*=\s*["']([^"']*)["']/.exec(attrs)?.[1];
    const inBpmn = bpmn.has(prefix);
    if (inBpmn && local === 'script') continue; // handled with its script task
    if (inBpmn && executionPlaces.has(local)) {
      if (!looksLikeJs(body, language)) continue;
      const id = nearestId(xml, m.index ?? 0, bpmn);
      const finding: JsFinding = {
        place: `bpmn:${local}`,
        kind: 'execution',
        snippet: snippetOf(body),
      };
      if (id !== undefined) finding.elementId = id;
      findings.push(finding);
    } else if (
      !inBpmn &&
      (local === 'script' || (body !== '' && !body.includes('<') && /\$\{/.test(body)))
    ) {
      const id = nearestId(xml, m.index ?? 0, bpmn);
      const finding: JsFinding = {
        place: `${prefix ? `${prefix}:` : ''}${local}`,
        kind: 'extension',
        snippet: snippetOf(body),
      };
      if (id !== undefined) finding.elementId = id;
      findings.push(finding);
    }
  }

  // `${...}` in attributes (camunda:collection, camunda:assignee, ...). On a service-like task,
  // `camunda:expression` / `implementation` *is* the task's behaviour: the model relies on it.
  for (const m of xml.matchAll(/\s((?:[\w.-]+:)?[\w.-]+)\s*=\s*"([^"]*\$\{[^"]*)"/g)) {
    const attribute = m[1] ?? '';
    const owner = /<(?:([\w.-]+):)?([\w.-]+)\b[^<>]*$/.exec(xml.slice(0, m.index ?? 0));
    const onServiceTask =
      owner !== null &&
      bpmn.has(owner[1] ?? '') &&
      /^(serviceTask|sendTask|businessRuleTask)$/.test(owner[2] ?? '') &&
      /^(?:[\w.-]+:expression|implementation)$/.test(attribute);
    if (!onServiceTask && !attribute.includes(':')) continue;
    const id = nearestId(xml, (m.index ?? 0) + 1, bpmn);
    const finding: JsFinding = {
      place: `@${attribute}`,
      kind: onServiceTask ? 'execution' : 'extension',
      snippet: snippetOf(m[2] ?? ''),
    };
    if (id !== undefined) finding.elementId = id;
    findings.push(finding);
  }
  return findings;
}

/** Count of BPMN-namespace elements by local name (e.g. `scriptTask: 3`). */
export function bpmnElementCounts(xml: string): Record<string, number> {
  const bpmn = bpmnPrefixes(xml);
  const counts: Record<string, number> = {};
  for (const m of xml.matchAll(/<(?:([\w.-]+):)?([A-Za-z]+)\b/g)) {
    if (!bpmn.has(m[1] ?? '')) continue;
    const local = m[2] ?? '';
    counts[local] = (counts[local] ?? 0) + 1;
  }
  return counts;
}
