/**
 * Which instances wait for a message or signal name, so correlating a message or broadcasting a
 * signal visits only those instances instead of every instance in memory. An instance may hold
 * several subscriptions to one name (boundary and event sub-process): it is counted, and stays
 * listed until the last one closes.
 */
export class SubscriptionIndex {
  /** `channel|name` → instance id → open subscriptions of that instance to the name. */
  private readonly byName = new Map<string, Map<string, number>>();
  /** `instanceId NUL subscriptionId` → `channel|name`, to undo an entry when it closes. */
  private readonly names = new Map<string, string>();

  add(instanceId: string, subId: string, channel: 'message' | 'signal', name: string): void {
    const key = `${channel}|${name}`;
    this.names.set(`${instanceId}\u0000${subId}`, key);
    let m = this.byName.get(key);
    if (!m) this.byName.set(key, (m = new Map()));
    m.set(instanceId, (m.get(instanceId) ?? 0) + 1);
  }

  remove(instanceId: string, subId: string): void {
    const k = `${instanceId}\u0000${subId}`;
    const key = this.names.get(k);
    if (key === undefined) return;
    this.names.delete(k);
    const m = this.byName.get(key);
    if (!m) return;
    const n = (m.get(instanceId) ?? 1) - 1;
    if (n > 0) m.set(instanceId, n);
    else m.delete(instanceId);
    if (m.size === 0) this.byName.delete(key);
  }

  /** The waiting instances in the order they subscribed (a copy: delivering changes the index). */
  instances(channel: 'message' | 'signal', name: string): string[] {
    return [...(this.byName.get(`${channel}|${name}`)?.keys() ?? [])];
  }
}
