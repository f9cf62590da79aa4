/**
 * MQTT topic filters (`plant/+/gas/+`, `site/#`): checked once when a connection starts, then
 * matched against every incoming topic. What a wildcard matched is kept, so a tag can be built
 * from it (`{1}.{2}`).
 */
export interface TopicFilter {
  /** The filter as configured. */
  readonly text: string;
  readonly levels: readonly string[];
  /** How many `+` and `#` it has: the highest `{n}` a tag may use. */
  readonly wildcards: number;
}

/** Why `text` is not a valid MQTT topic filter, or undefined. */
export function topicFilterProblem(text: string): string | undefined {
  if (text === '') return 'is empty';
  if (Buffer.byteLength(text, 'utf8') > 65_535) return 'is longer than 65535 bytes';
  if (text.includes('\u0000')) return 'contains a NUL character';
  const levels = text.split('/');
  for (const [i, level] of levels.entries()) {
    if (level === '#' && i !== levels.length - 1) return "uses '#' before the last level";
    if (level !== '#' && level.includes('#'))
      return "uses '#' inside a level (it must stand alone)";
    if (level !== '+' && level.includes('+'))
      return "uses '+' inside a level (it must stand alone)";
  }
  return undefined;
}

/** Parses a filter; throws when it is not valid (call `topicFilterProblem` for the reason). */
export function parseTopicFilter(text: string): TopicFilter {
  const problem = topicFilterProblem(text);
  if (problem) throw new Error(`topic filter '${text}' ${problem}`);
  const levels = text.split('/');
  return { text, levels, wildcards: levels.filter((l) => l === '+' || l === '#').length };
}

/**
 * What each wildcard of `filter` matched in `topic`, in order (`#` gives the rest of the topic,
 * `/`-joined, possibly empty), or undefined when the topic does not match. As the MQTT spec says,
 * a topic starting with `$` (`$SYS/…`) is not matched by a filter starting with a wildcard.
 */
export function matchTopic(filter: TopicFilter, topic: string): string[] | undefined {
  const levels = topic.split('/');
  const first = filter.levels[0];
  if (topic.startsWith('$') && (first === '+' || first === '#')) return undefined;
  const captured: string[] = [];
  for (let i = 0; i < filter.levels.length; i++) {
    const want = filter.levels[i]!;
    if (want === '#') {
      captured.push(levels.slice(i).join('/'));
      return captured;
    }
    const got = levels[i];
    if (got === undefined) return undefined;
    if (want === '+') captured.push(got);
    else if (want !== got) return undefined;
  }
  return levels.length === filter.levels.length ? captured : undefined;
}

/** Whether every topic `inner` matches is also matched by `outer` (e.g. `a/#` covers `a/+/b`). */
export function filterCovers(outer: TopicFilter, inner: TopicFilter): boolean {
  // A leading wildcard does not match `$` topics, so it cannot cover a filter that names one.
  const leadingWildcard = outer.levels[0] === '+' || outer.levels[0] === '#';
  if (leadingWildcard && inner.levels[0]?.startsWith('$')) return false;
  for (let i = 0; i < outer.levels.length; i++) {
    const o = outer.levels[i]!;
    const n = inner.levels[i];
    // `a/#` also matches `a` itself, so it covers `a` as well as everything below it.
    if (o === '#') return true;
    if (n === undefined || n === '#') return false;
    if (o === '+') continue;
    if (n === '+' || n !== o) return false;
  }
  return outer.levels.length === inner.levels.length;
}

/**
 * The filters to subscribe to: each distinct filter once, leaving out any that another one
 * covers. Overlapping subscriptions make a broker deliver a message once per subscription, which
 * would push every reading twice.
 */
export function subscriptionFilters(filters: readonly TopicFilter[]): string[] {
  const distinct = [...new Map(filters.map((f) => [f.text, f])).values()];
  return distinct
    .filter((f) => !distinct.some((other) => other !== f && filterCovers(other, f)))
    .map((f) => f.text);
}
