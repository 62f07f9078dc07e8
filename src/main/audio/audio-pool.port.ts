/**
 * The worker pool of the main server (Piscina): resampling and the offline voice run off the
 * event loop so a hundred sessions never stall each other's frames.
 */

/** One resampled stream (24 kHz provider audio → 48 kHz, 48 kHz microphone → 16 kHz). */
export interface StreamResampler {
  readonly inRate: number;
  readonly outRate: number;
  /**
   * PCM16LE in (any length; a split sample is completed by the next chunk), PCM16LE out (even
   * length, possibly empty). Calls may overlap: results come back in call order, state carried
   * from chunk to chunk, no click at chunk edges.
   */
  push(pcm: Buffer): Promise<Buffer>;
  /** The tail of the stream (end of an utterance); the next push starts a fresh stream. */
  flush(): Promise<Buffer>;
}

export interface AudioPool {
  resampler(inRate: number, outRate: number): StreamResampler;
}

export const AUDIO_POOL = Symbol('AUDIO_POOL');
