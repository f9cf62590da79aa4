/**
 * Min-heap of due times with lazy deletion: entries are checked against the live state when they
 * reach the top, so cancelling a timer costs nothing here.
 */
export interface TimerEntry {
  dueAt: number;
  instanceId: string;
  timerId: string;
}

export class TimerQueue {
  private readonly heap: TimerEntry[] = [];

  push(entry: TimerEntry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.dueAt <= h[i]!.dueAt) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  peek(): TimerEntry | undefined {
    return this.heap[0];
  }

  pop(): TimerEntry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.dueAt < h[m]!.dueAt) m = l;
        if (r < h.length && h[r]!.dueAt < h[m]!.dueAt) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  get size(): number {
    return this.heap.length;
  }
}
