import { extname } from 'node:path';
import { parseWavHeader } from './wav-header.util';

/** Largest voice sample accepted (the original's limit of its upload host). */
export const MAX_VOICE_SAMPLE_BYTES = 100 * 1024 * 1024;
export const VOICE_SAMPLE_TOO_LARGE = '文件大小超过100MB，超过tfLink的限制';

const WAV_RATES = [8000, 16000, 22050, 44100, 48000];
const M4A_BRANDS = ['mp4a', 'M4A ', 'M4V ', 'isom', 'iso2', 'avc1'];

export type SampleCheck =
  | { readonly ok: true; readonly mime: string; readonly warning?: string }
  | { readonly ok: false; readonly error: string };

const bad = (error: string): SampleCheck => ({ ok: false, error });

/**
 * The original's validate_audio_file (spec §3.2 voice_clone), with its exact messages: the
 * extension decides the format; WAV must be 16-bit mono PCM at a standard rate; MP3 1 KiB–10 MiB
 * (a header without ID3 or frame sync only warns); M4A needs an `ftyp` box (unknown brand only warns).
 * `size` is the real size when `head` is only the first part of a larger upload.
 */
export function checkVoiceSample(filename: string, head: Buffer, size = head.length): SampleCheck {
  const ext = extname(filename).toLowerCase();
  if (!['.wav', '.mp3', '.m4a'].includes(ext)) return bad(`不支持的文件格式: ${ext}。仅支持 WAV、MP3 和 M4A 格式。`);
  if (ext === '.wav') {
    try {
      const fmt = parseWavHeader(head);
      if (fmt.sampleWidth !== 2) return bad(`WAV文件必须是16bit格式，当前文件是${fmt.sampleWidth * 8}bit。`);
      if (fmt.channels > 1) return bad(`建议使用单声道WAV文件，当前文件有${fmt.channels}个声道。`);
      if (!WAV_RATES.includes(fmt.sampleRate)) {
        return bad(`建议使用标准采样率(8000, 16000, 22050, 44100, 48000)，当前文件采样率: ${fmt.sampleRate}Hz。`);
      }
    } catch (err) {
      return bad(`WAV文件格式错误: ${(err as Error).message}。请确认您的文件是合法的WAV文件。`);
    }
    return { ok: true, mime: 'audio/wav' };
  }
  const header = head.subarray(0, 32);
  if (ext === '.mp3') {
    if (size < 1024) return bad('MP3文件太小，可能不是有效的音频文件。');
    if (size > 10 * 1024 * 1024) return bad('MP3文件太大，可能不是有效的音频文件。');
    const id3 = header.subarray(0, 3).toString('latin1') === 'ID3';
    let sync = false;
    for (let i = 0; i < header.length - 1 && !sync; i++) sync = header[i] === 0xff && (header[i + 1] & 0xe0) === 0xe0;
    const warning = id3 || sync ? undefined : `警告: MP3文件可能格式不标准，文件头: ${header.subarray(0, 4).toString('hex')}`;
    return { ok: true, mime: 'audio/mpeg', warning };
  }
  const text = header.toString('latin1');
  if (!text.includes('ftyp')) return bad('M4A文件格式无效或已损坏。请确认您的文件是合法的M4A文件。');
  const warning = M4A_BRANDS.some((b) => text.includes(b)) ? undefined : '警告: M4A文件格式无效或已损坏。请确认您的文件是合法的M4A文件。';
  return { ok: true, mime: 'audio/mp4', warning };
}
