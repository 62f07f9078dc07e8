/** Turns texts into vectors for semantic recall. Adapters: hashed (offline default), OpenAI-compatible. */
export interface EmbeddingPort {
  /** Identifies the model and its settings; part of the vector table's name, so vectors never mix. */
  modelId(): Promise<string>;
  /**
   * Weight of this embedder's ranking in reciprocal rank fusion with BM25 (1 = equal say).
   * Set from measurement (LoCoMo): a lexical-only embedder adds noise, a semantic one adds recall.
   */
  fusionWeight(): Promise<number>;
  /** Unit-length vectors, one per text, all of one dimension. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export const EMBEDDING = Symbol('EMBEDDING');
