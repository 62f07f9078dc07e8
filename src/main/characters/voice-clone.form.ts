import type { FastifyRequest } from 'fastify';
import { WireException } from '../../shared/http/wire.exception';
import { MAX_VOICE_SAMPLE_BYTES, VOICE_SAMPLE_TOO_LARGE } from './voice-sample.validator';
import type { VoiceSample } from './voice-clone.service';

const MAX_PREFIX = 1000;

const missing = (fields: string[], input: unknown = null) =>
  new WireException(422, { detail: fields.map((f) => ({ type: 'missing', loc: ['body', f], msg: 'Field required', input })) });

/**
 * Reads voice_clone's multipart form (`file` + `prefix`) as FastAPI's File(...)/Form(...) would:
 * 422 when one is missing. At most 100 MB + 1 byte of the file is kept; the rest is only counted,
 * so the size check can answer the original's message without holding a huge upload.
 */
export async function readVoiceCloneForm(req: FastifyRequest): Promise<{ sample: VoiceSample; prefix: string }> {
  if (!req.isMultipart()) throw missing(['file', 'prefix']);
  let sample: VoiceSample | undefined;
  let prefix: string | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        // Only the first `file` part is kept; any other file part is read through and dropped.
        const keep = part.fieldname === 'file' && !sample;
        const chunks: Buffer[] = [];
        let kept = 0;
        let size = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (keep && kept <= MAX_VOICE_SAMPLE_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        }
        if (keep) sample = { filename: part.filename ?? '', data: Buffer.concat(chunks), size };
      } else if (part.fieldname === 'prefix' && prefix === undefined) {
        prefix = typeof part.value === 'string' ? part.value : String(part.value);
      }
    }
  } catch (err) {
    if (err instanceof WireException) throw err;
    // Beyond the server-wide upload limit the stream is cut: that is the original's size answer.
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new WireException(400, { error: VOICE_SAMPLE_TOO_LARGE });
    throw new WireException(400, { detail: 'There was an error parsing the body' });
  }
  const absent = [...(sample ? [] : ['file']), ...(prefix === undefined ? ['prefix'] : [])];
  if (absent.length > 0) throw missing(absent);
  if (prefix!.length > MAX_PREFIX) {
    throw new WireException(422, { detail: [{ type: 'string_too_long', loc: ['body', 'prefix'], msg: `String should have at most ${MAX_PREFIX} characters` }] });
  }
  return { sample: sample!, prefix: prefix! };
}
