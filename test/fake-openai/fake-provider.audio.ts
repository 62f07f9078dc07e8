/** PCM helpers for the fake provider: 16-bit little-endian mono. */

export const OUTPUT_SAMPLE_RATE = 24_000;

/** A sine tone as 16-bit PCM (deterministic "speech"). */
export function sinePcm16(durationMs: number, sampleRate = OUTPUT_SAMPLE_RATE, frequency = 440, amplitude = 0.3): Buffer {
  const samples = Math.round((durationMs / 1000) * sampleRate);
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequency * i) / sampleRate) * amplitude * 32767), i * 2);
  }
  return buf;
}

/** RIFF/WAVE header + data for 16-bit mono PCM. */
export function wavFromPcm16(pcm: Buffer, sampleRate = OUTPUT_SAMPLE_RATE): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/** RMS level of each `frameMs` frame of 16-bit PCM (0..32767). */
export function frameLevels(pcm: Buffer, sampleRate: number, frameMs = 10): number[] {
  const frameSamples = Math.max(1, Math.round((sampleRate * frameMs) / 1000));
  const samples = Math.floor(pcm.length / 2);
  const levels: number[] = [];
  for (let start = 0; start < samples; start += frameSamples) {
    const end = Math.min(samples, start + frameSamples);
    let sum = 0;
    for (let i = start; i < end; i++) {
      const v = pcm.readInt16LE(i * 2);
      sum += v * v;
    }
    levels.push(Math.sqrt(sum / (end - start)));
  }
  return levels;
}

/** Deterministic unit vector for a text: hashed words and character trigrams (FNV-1a), signed. */
export function hashedEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  const normalized = text.toLowerCase();
  const grams = [...normalized.split(/\s+/).filter(Boolean)];
  const chars = Array.from(normalized);
  for (let i = 0; i + 3 <= chars.length; i++) grams.push(chars.slice(i, i + 3).join(''));
  if (grams.length === 0) grams.push('');
  for (const gram of grams) {
    let h = 0x811c9dc5;
    for (const ch of gram) {
      h ^= ch.codePointAt(0)!;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    v[h % dimensions] += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}
