/**
 * Bounds concurrent work per key (a webhook endpoint) and in all (the instance). A caller over its
 * key's bound waits in a short line, and for a short while, for a slot of that key; beyond the line,
 * after the wait, or when the instance is full, it is told no and hands its work back (so a slow
 * endpoint can hold neither every worker nor one for long).
 */
export class Slots {
  private readonly held = new Map<string, number>();
  private readonly lines = new Map<string, (() => void)[]>();
  private total = 0;

  constructor(
    private readonly perKey: number,
    private readonly overall: number,
    private readonly waitersPerKey: number,
    private readonly maxWaitMs: number,
  ) {}

  /** A release function once a slot is held; undefined when there is none to be had soon. */
  async acquire(key: string): Promise<(() => void) | undefined> {
    if (this.total >= this.overall) return undefined;
    if ((this.held.get(key) ?? 0) < this.perKey) {
      this.held.set(key, (this.held.get(key) ?? 0) + 1);
      this.total += 1;
      return this.releaser(key);
    }
    const line = this.lines.get(key) ?? [];
    if (line.length >= this.waitersPerKey) return undefined;
    this.lines.set(key, line);
    // The slot is handed over by its releaser (the counts do not change in between), or the wait ends.
    const served = await new Promise<boolean>((resolve) => {
      const handOver = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const index = line.indexOf(handOver);
        if (index >= 0) line.splice(index, 1);
        if (line.length === 0 && this.lines.get(key) === line) this.lines.delete(key);
        resolve(false);
      }, this.maxWaitMs);
      line.push(handOver);
    });
    return served ? this.releaser(key) : undefined;
  }

  inUse(key?: string): number {
    return key === undefined ? this.total : (this.held.get(key) ?? 0);
  }

  private releaser(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const line = this.lines.get(key);
      const next = line?.shift();
      if (line?.length === 0) this.lines.delete(key);
      if (next) {
        next();
        return;
      }
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
      this.total -= 1;
    };
  }
}
