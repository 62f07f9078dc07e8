/** PCM helpers for the fake provider and its tests: 16-bit little-endian mono ("pcm16", "s16le"). */

/** OpenAI's speech and realtime output rate. */
export const OUTPUT_SAMPLE_RATE = 24_000;

/** A sine tone as 16-bit PCM: deterministic "speech" (amplitude 0..1 of full scale). */
export function sinePcm16(durationMs: number, sampleRate = OUTPUT_SAMPLE_RATE, frequency = 440, amplitude = 0.3): Buffer {
  const samples = Math.max(0, Math.round((durationMs / 1000) * sampleRate));
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequency * i) / sampleRate) * amplitude * 32767), i * 2);
  }
  return buf;
}

/** Digital silence as 16-bit PCM. */
export function silencePcm16(durationMs: number, sampleRate = OUTPUT_SAMPLE_RATE): Buffer {
  return Buffer.alloc(Math.max(0, Math.round((durationMs / 1000) * sampleRate)) * 2);
}

/** RIFF/WAVE header (44 bytes) + data for 16-bit mono PCM. */
export function wavFromPcm16(pcm: Buffer, sampleRate = OUTPUT_SAMPLE_RATE): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/** Root mean square of 16-bit samples (0..32767); 0 for an empty buffer. */
export function rmsPcm16(pcm: Buffer): number {
  const samples = Math.floor(pcm.length / 2);
  if (samples === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    const v = pcm.readInt16LE(i * 2);
    sum += v * v;
  }
  return Math.sqrt(sum / samples);
}

/** Splits a buffer into pieces of at most `size` bytes (the last one may be shorter). */
export function splitBuffer(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, Math.min(buf.length, i + size)));
  return out;
}

/** Deterministic tone for a text: `msPerChar` per character, clamped, at `speed` (OpenAI's 0.25..4). */
export function speechPcm16(text: string, msPerChar = 50, speed = 1): Buffer {
  const chars = Array.from(text).length;
  const durationMs = Math.min(10_000, Math.max(200, chars * msPerChar)) / Math.min(4, Math.max(0.25, speed));
  return sinePcm16(durationMs);
}
