interface Waiter<T> {
  items: readonly T[];
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/**
 * Gathers what callers hand in during one turn of the event loop and applies it per key, once:
 * the key groups of a fetched batch run concurrently, each with a few agent results, and the
 * agents' statistics of all of them cost one script call per agent instead of one per agent per
 * workflow. Items keep the order they were added in, per key. A caller's promise settles when
 * every key its items went to has: it rejects with the first failure among them.
 */
export class TurnBatcher<T> {
  private waiting: Array<Waiter<T>> = [];

  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly apply: (key: string, items: readonly T[]) => Promise<void>,
  ) {}

  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.flush());
      this.waiting.push({ items, resolve, reject });
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    const byKey = new Map<string, T[]>();
    for (const { items } of waiting)
      for (const item of items) {
        const key = this.keyOf(item);
        const list = byKey.get(key);
        if (list) list.push(item);
        else byKey.set(key, [item]);
      }
    const applied = new Map([...byKey].map(([key, items]) => [key, this.apply(key, items)] as const));
    for (const waiter of waiting) {
      const keys = new Set(waiter.items.map(this.keyOf));
      void Promise.allSettled([...keys].map((key) => applied.get(key))).then((results) => {
        const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
        if (failed) waiter.reject(failed.reason);
        else waiter.resolve();
      });
    }
  }
}
