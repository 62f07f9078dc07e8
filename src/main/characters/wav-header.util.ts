import { riffLayout } from '../audio/riff.layout';

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
  const layout = riffLayout(buf);
  if (buf.length < 12 || !layout.riff) throw new WavFormatError('file does not start with RIFF id');
  if (!layout.wave) throw new WavFormatError('not a WAVE file');
  if (layout.dataBeforeFmt) throw new WavFormatError('data chunk before fmt chunk');
  const fmt = layout.fmt;
  if (!fmt) throw new WavFormatError('fmt chunk missing');
  if (fmt.size < 16 || fmt.body.length < 16) throw new WavFormatError('fmt chunk is truncated');
  const tag = fmt.body.readUInt16LE(0);
  const channels = fmt.body.readUInt16LE(2);
  const sampleRate = fmt.body.readUInt32LE(4);
  const bits = fmt.body.readUInt16LE(14);
  if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_EXTENSIBLE) throw new WavFormatError(`unknown format: ${tag}`);
  if (channels === 0) throw new WavFormatError('bad # of channels');
  if (bits === 0) throw new WavFormatError('bad sample width');
  if (!layout.data) throw new WavFormatError('fmt chunk and/or data chunk missing');
  return { channels, sampleRate, sampleWidth: Math.floor((bits + 7) / 8) };
}
