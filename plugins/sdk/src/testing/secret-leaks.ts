/**
 * Which secret configuration fields show up in what a plugin produced (log lines, process
 * variables, failure messages). The runtime redacts secret values from log lines, but variables and
 * failure messages end up in instance and incident views as they are; a plugin should put secrets
 * in none of them, and a test asserts that this list is empty.
 */
export function leakedSecrets(
  config: unknown,
  secretFields: readonly string[],
  texts: readonly unknown[],
): string[] {
  if (secretFields.length === 0 || typeof config !== 'object' || config === null) return [];
  const haystack = texts.map((t) => (typeof t === 'string' ? t : safeJson(t))).join('\n');
  const leaked: string[] = [];
  for (const field of secretFields) {
    const value = (config as Record<string, unknown>)[field];
    const needle = typeof value === 'string' ? value : value === undefined ? '' : safeJson(value);
    // Very short values (a PIN of "1") would match by accident; they are not worth a false alarm.
    if (needle.length >= 4 && haystack.includes(needle)) leaked.push(field);
  }
  return leaked;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}
