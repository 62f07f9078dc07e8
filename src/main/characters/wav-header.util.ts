/** The fmt facts of a RIFF/WAVE file that voice cloning checks. */
export interface WavFormat {
  readonly channels: number;
  readonly sampleRate: number;
  /** Bytes per sample (Python's wave getsampwidth()). */
  readonly sampleWidth: number;
}

/** Why a buffer is not a WAV file the way Python's `wave` module would read it. */
export class WavFormatError extends Error {}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Reads the RIFF header and the `fmt ` chunk (and requires a `data` chunk), like Python's
 * wave.open(): only PCM (or extensible PCM) is accepted; the messages say what is wrong.
 */
export function parseWavHeader(buf: Buffer): WavFormat {
  if (buf.length < 12) throw new WavFormatError('file does not start with RIFF id');
  if (buf.toString('latin1', 0, 4) !== 'RIFF') throw new WavFormatError('file does not start with RIFF id');
  if (buf.toString('latin1', 8, 12) !== 'WAVE') throw new WavFormatError('not a WAVE file');
  let offset = 12;
  let format: WavFormat | undefined;
  let hasData = false;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('latin1', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 14 || body + Math.min(size, 16) > buf.length) throw new WavFormatError('fmt chunk is truncated');
      const tag = buf.readUInt16LE(body);
      const channels = buf.readUInt16LE(body + 2);
      const sampleRate = buf.readUInt32LE(body + 4);
      if (size < 16) throw new WavFormatError('fmt chunk is truncated');
      const bits = buf.readUInt16LE(body + 14);
      if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_EXTENSIBLE) throw new WavFormatError(`unknown format: ${tag}`);
      if (channels === 0) throw new WavFormatError('bad # of channels');
      if (bits === 0) throw new WavFormatError('bad sample width');
      format = { channels, sampleRate, sampleWidth: Math.floor((bits + 7) / 8) };
    } else if (id === 'data') {
      if (!format) throw new WavFormatError('data chunk before fmt chunk');
      hasData = true;
      break;
    }
    offset = body + size + (size % 2);
  }
  if (!format) throw new WavFormatError('fmt chunk missing');
  if (!hasData) throw new WavFormatError('fmt chunk and/or data chunk missing');
  return format;
}
