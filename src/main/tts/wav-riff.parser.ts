import { riffLayout } from '../audio/riff.layout';

/**
 * A small RIFF/WAVE reader for what TTS engines write: PCM (format 1, or WAVE_FORMAT_EXTENSIBLE
 * with the PCM sub-format), 16-bit, mono; the chunk walk is riffLayout's. A streaming writer may leave
 * the data size as 0 or 0xFFFFFFFF: the data then runs to the end of what is there.
 */

export interface WavFormat {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
}

export interface WavHeader extends WavFormat {
  /** Byte offset of the first sample. */
  readonly dataOffset: number;
  /** Declared data size, or undefined when the writer left it open (streamed WAV). */
  readonly dataBytes: number | undefined;
}

export class WavFormatError extends Error {
  override readonly name = 'WavFormatError';
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const UNKNOWN_SIZES = new Set([0, 0xffffffff, 0x7fffffff]);

/** True when `bytes` starts like a RIFF/WAVE file (needs 4 bytes to say yes). */
export function looksLikeRiff(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46;
}

/**
 * The header of `bytes` up to the start of the samples, or undefined if more bytes are needed to
 * reach the `data` chunk. Throws WavFormatError for anything that is not 16-bit mono PCM.
 */
export function parseWavHeader(bytes: Uint8Array): WavHeader | undefined {
  if (bytes.length < 12) return undefined;
  const layout = riffLayout(bytes);
  if (!layout.riff || !layout.wave) throw new WavFormatError('not a RIFF/WAVE file');
  if (layout.dataBeforeFmt) throw new WavFormatError('WAV data chunk before its fmt chunk');
  const fmt = layout.fmt;
  const format = fmt && fmt.body.length >= fmt.size ? readFormat(fmt.body) : undefined;
  if (!format || !layout.data) return undefined;
  const size = layout.data.size;
  return { ...format, dataOffset: layout.data.offset, dataBytes: UNKNOWN_SIZES.has(size) ? undefined : size };
}

/** A whole WAV file: its format and its samples (PCM16LE mono, an even number of bytes). */
export function parseWav(bytes: Uint8Array): WavFormat & { readonly pcm: Buffer } {
  const header = parseWavHeader(bytes);
  if (!header) throw new WavFormatError('WAV file ends before its data chunk');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const available = buf.length - header.dataOffset;
  let length = header.dataBytes === undefined ? available : Math.min(header.dataBytes, available);
  length -= length % 2;
  const { sampleRate, channels, bitsPerSample } = header;
  return { sampleRate, channels, bitsPerSample, pcm: buf.subarray(header.dataOffset, header.dataOffset + length) };
}

function readFormat(fmt: Buffer): WavFormat {
  if (fmt.length < 16) throw new WavFormatError(`WAV fmt chunk too short (${fmt.length} bytes)`);
  let tag = fmt.readUInt16LE(0);
  const channels = fmt.readUInt16LE(2);
  const sampleRate = fmt.readUInt32LE(4);
  const bitsPerSample = fmt.readUInt16LE(14);
  // WAVE_FORMAT_EXTENSIBLE: the real format tag is the first two bytes of the sub-format GUID.
  if (tag === WAVE_FORMAT_EXTENSIBLE && fmt.length >= 26) tag = fmt.readUInt16LE(24);
  if (tag !== WAVE_FORMAT_PCM) throw new WavFormatError(`WAV format ${tag} is not PCM`);
  if (bitsPerSample !== 16) throw new WavFormatError(`WAV has ${bitsPerSample}-bit samples, not 16-bit`);
  if (channels !== 1) throw new WavFormatError(`WAV has ${channels} channels, not mono`);
  if (sampleRate < 8000 || sampleRate > 192_000) throw new WavFormatError(`WAV sample rate ${sampleRate} is out of range`);
  return { sampleRate, channels, bitsPerSample };
}
