// Exports built once: the bytes of a report or graph, kept by a key that names
// everything they were built from (the incident's analysis by its tag, the fields, notes
// and URL by a hash). A key never goes stale, so nothing is invalidated: entries of an
// old analysis or an edited note are simply no longer asked for, and age out.
//
// Ten people opening one incident's report at once cost one build, not ten: a request
// that finds the build under way waits for it. A failed build is not kept.

interface Entry {
  value: Promise<Buffer>;
  done: boolean;
  bytes: number;
}

/** An LRU of built exports, bounded by their bytes and their count. */
export class DerivedCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries = 1024,
  ) {}

  /** The bytes for `key`: kept, being built, or built now by `build`. */
  get(key: string, build: () => Promise<Buffer>): Promise<Buffer> {
    if (this.maxBytes <= 0) return build();
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const entry: Entry = { value: build(), done: false, bytes: 0 };
    this.entries.set(key, entry);
    entry.value.then(
      (bytes) => {
        if (this.entries.get(key) !== entry) return;
        entry.done = true;
        entry.bytes = bytes.length;
        this.total += bytes.length;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.total;
  }

  private evict(): void {
    for (const [key, e] of this.entries) {
      if (this.total <= this.maxBytes && this.entries.size <= this.maxEntries) return;
      // Builds under way are not counted yet, and are never dropped halfway.
      if (!e.done) continue;
      this.entries.delete(key);
      this.total -= e.bytes;
    }
  }
}
