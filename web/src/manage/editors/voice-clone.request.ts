/**
 * Making a custom voice: the sample is checked with the server's rules first (so the user gets
 * the reason in their language at once), uploaded to POST /api/characters/voice_clone, and the
 * new voice id given to the character (PUT /api/characters/catgirl/voice_id/{name}).
 */
import { api, ensureOk, type UploadProgress } from '../../core/api';
import { enc } from '../../core/dom';
import { t } from '../../core/i18n';

const MAX_BYTES = 100 * 1024 * 1024;
const MP3_MAX_BYTES = 10 * 1024 * 1024;
const WAV_RATES = [8000, 16000, 22050, 44100, 48000];

/** The "fmt " chunk of a RIFF/WAVE file: channels, sample rate, bits per sample. */
function wavFormat(view: DataView): { channels: number; rate: number; bits: number } | undefined {
  const tag = (at: number) => String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
  if (view.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return undefined;
  for (let at = 12; at + 8 <= view.byteLength; ) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === 'fmt ' && at + 24 <= view.byteLength) {
      return { channels: view.getUint16(at + 10, true), rate: view.getUint32(at + 12, true), bits: view.getUint16(at + 22, true) };
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** Undefined when the file can be sent, else what is wrong with it and how to fix it. */
export async function checkVoiceSample(file: File): Promise<string | undefined> {
  const ext = (file.name.split('.').pop() ?? '').toLowerCase();
  if (!['wav', 'mp3', 'm4a'].includes(ext)) return t('editors.voice.badType');
  if (file.size > MAX_BYTES) return t('editors.voice.tooBig');
  if (ext === 'mp3' && (file.size < 1024 || file.size > MP3_MAX_BYTES)) return t('editors.voice.mp3Size');
  if (ext !== 'wav') return undefined;
  const format = wavFormat(new DataView(await file.slice(0, 4096).arrayBuffer()));
  if (!format) return t('editors.voice.wavBroken');
  if (format.channels !== 1 || format.bits !== 16 || !WAV_RATES.includes(format.rate)) {
    return t('editors.voice.wavFormat', { channels: format.channels, bits: format.bits, rate: format.rate });
  }
  return undefined;
}

/** A prefix the voice service accepts: letters and digits, 1–10 of them. */
export const validPrefix = (prefix: string): boolean => /^[A-Za-z0-9]{1,10}$/.test(prefix);

/** Uploads the sample, then gives the new voice to `chara` ('' = keep it in the library only); answers the voice id. */
export async function cloneVoice(file: File, prefix: string, chara: string, onProgress: (p: UploadProgress) => void): Promise<string> {
  const body = new FormData();
  body.append('file', file, file.name);
  body.append('prefix', prefix);
  const res = ensureOk(await api.upload<{ voice_id?: string }>('/api/characters/voice_clone', body, { onProgress }));
  if (!res.voice_id) throw new Error(t('editors.voice.noId'));
  if (chara) ensureOk(await api.put(`/api/characters/catgirl/voice_id/${enc(chara)}`, { voice_id: res.voice_id }));
  return res.voice_id;
}
