import { inThreadPcm48kStream, PooledPcm48kChunkStream, type Pcm48kFrameStream, type ResamplerFactory } from './pooled-pcm48k.stream';
import { speakableInput } from './sentence.splitter';
import { isAborted, TtsError, type TtsPort, type TtsSynthesizeOptions } from './tts.port';
import { looksLikeRiff, parseWavHeader, WavFormatError } from './wav-riff.parser';

/** OpenAI documents `pcm` as raw 24 kHz 16-bit signed little-endian mono. */
export const OPENAI_PCM_SAMPLE_RATE = 24_000;
/** OpenAI's limit for `input`. */
export const OPENAI_SPEECH_MAX_INPUT_CHARS = 4096;
/** A WAV answer whose header has not reached its data chunk after this many bytes is refused. */
const MAX_WAV_HEADER_BYTES = 64 * 1024;

export interface OpenAiSpeechAdapterOptions {
  /** OpenAI-compatible base URL, e.g. `https://api.openai.com/v1`; `/audio/speech` is appended. */
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly model: string;
  /** Used when a call names no voice. */
  readonly defaultVoice?: string;
  /** `pcm` (default) or `wav`; the answer is sniffed either way (RIFF → WAV, else 24 kHz PCM). */
  readonly responseFormat?: 'pcm' | 'wav';
  readonly speed?: number;
  /** Whole request, body included (default 60 s). */
  readonly timeoutMs?: number;
  /** Resample in the worker pool (AudioPool.resampler); without it, on the calling thread. */
  readonly resampler?: ResamplerFactory;
}

/**
 * OpenAI-compatible speech: `POST {baseUrl}/audio/speech` with `{model, voice, input,
 * response_format}`, the body read chunk by chunk as it arrives, resampled 24 kHz → 48 kHz (in the
 * worker pool when a resampler factory is given) and yielded in 100 ms frames. 401/403 and other 4xx are not retriable; 429, 5xx, timeouts and
 * network failures (also a connection cut mid-body) are. Global fetch, no SDK.
 */
export class OpenAiSpeechAdapter implements TtsPort {
  private readonly url: string;

  constructor(private readonly options: OpenAiSpeechAdapterOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/u, '')}/audio/speech`;
  }

  async *synthesize(text: string, opts: TtsSynthesizeOptions = {}): AsyncIterable<Buffer> {
    const input = speakableInput(text, OPENAI_SPEECH_MAX_INPUT_CHARS);
    if (!input || isAborted(opts.signal)) return;
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const failure = (err: unknown, what: string): TtsError =>
      timeout.aborted
        ? new TtsError('timeout', `TTS ${what} timed out after ${this.options.timeoutMs ?? 60_000} ms`, { retriable: true, cause: err })
        : new TtsError('network', `TTS ${what} failed: ${(err as Error).message}`, { retriable: true, cause: err });

    let res: Response;
    try {
      res = await fetch(this.url, { method: 'POST', headers: this.headers(), body: JSON.stringify(this.body(input, opts.voice)), signal });
    } catch (err) {
      if (isAborted(opts.signal)) return;
      throw failure(err, 'request');
    }
    if (!res.ok) throw await httpError(res);
    const type = res.headers.get('content-type') ?? '';
    if (/^(application\/json|text\/)/u.test(type)) {
      await res.body?.cancel().catch(() => undefined);
      throw new TtsError('bad_audio', `TTS answered ${type}, not audio`, { retriable: false, status: res.status });
    }
    if (!res.body) return;
    const reader = res.body.getReader();
    const resampler = this.options.resampler;
    const decoder = new SpeechBodyDecoder(resampler ? (rate) => new PooledPcm48kChunkStream(rate, resampler) : inThreadPcm48kStream);
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          if (isAborted(opts.signal)) return;
          throw failure(err, 'audio stream');
        }
        if (isAborted(opts.signal)) return;
        const frames = await (chunk.done ? decoder.end() : decoder.push(chunk.value as Uint8Array));
        for (const frame of frames) {
          if (isAborted(opts.signal)) return;
          yield frame;
        }
        if (chunk.done) return;
      }
    } finally {
      // Stops the download when the consumer aborted or stopped early; a no-op after the end.
      await reader.cancel().catch(() => undefined);
    }
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'audio/pcm, audio/wav, */*' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    return headers;
  }

  private body(input: string, voice: string | undefined): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.options.model,
      voice: voice ?? this.options.defaultVoice ?? 'alloy',
      input,
      response_format: this.options.responseFormat ?? 'pcm',
    };
    if (this.options.speed !== undefined) body.speed = this.options.speed;
    return body;
  }
}

/** The answer's bytes → 48 kHz frames: raw 24 kHz PCM, or a WAV whose header says the rate. */
class SpeechBodyDecoder {
  private head = Buffer.alloc(0);
  private stream: Pcm48kFrameStream | undefined;
  /** Data bytes the WAV header still announces (undefined: to the end). */
  private remaining: number | undefined;

  constructor(private readonly makeStream: (inRate: number) => Pcm48kFrameStream) {}

  async push(bytes: Uint8Array): Promise<Buffer[]> {
    if (this.stream) return this.feed(bytes);
    this.head = Buffer.concat([this.head, bytes]);
    if (this.head.length < 4) return [];
    if (!looksLikeRiff(this.head)) return this.start(OPENAI_PCM_SAMPLE_RATE, this.head);
    const header = wavHeader(this.head);
    if (!header) {
      if (this.head.length > MAX_WAV_HEADER_BYTES) throw badWav('no data chunk in the first 64 KiB');
      return [];
    }
    this.remaining = header.dataBytes;
    return this.start(header.sampleRate, this.head.subarray(header.dataOffset));
  }

  async end(): Promise<Buffer[]> {
    const frames: Buffer[] = [];
    if (!this.stream) {
      if (looksLikeRiff(this.head)) throw badWav('the answer ends inside its WAV header');
      if (this.head.length === 0) return [];
      frames.push(...(await this.start(OPENAI_PCM_SAMPLE_RATE, this.head))); // fewer than 4 bytes of PCM
    }
    return [...frames, ...((await this.stream?.end()) ?? [])];
  }

  private start(rate: number, bytes: Uint8Array): Promise<Buffer[]> {
    this.stream = this.makeStream(rate);
    this.head = Buffer.alloc(0);
    return this.feed(bytes);
  }

  private feed(bytes: Uint8Array): Promise<Buffer[]> {
    let data = bytes;
    if (this.remaining !== undefined) {
      data = bytes.subarray(0, Math.min(bytes.length, this.remaining)); // chunks after `data` (LIST, …) are not audio
      this.remaining -= data.length;
    }
    return this.stream?.push(data) ?? Promise.resolve([]);
  }
}

function wavHeader(bytes: Buffer): ReturnType<typeof parseWavHeader> {
  try {
    return parseWavHeader(bytes);
  } catch (err) {
    if (err instanceof WavFormatError) throw badWav(err.message, err);
    throw err;
  }
}

function badWav(message: string, cause?: unknown): TtsError {
  return new TtsError('bad_audio', `TTS answered an unusable WAV: ${message}`, { retriable: false, cause });
}

/** A provider's error answer as a TtsError (reads OpenAI's `{error: {message}}` when present). */
async function httpError(res: Response): Promise<TtsError> {
  const text = await res.text().catch(() => '');
  let detail = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') detail = parsed.error.message.slice(0, 300);
  } catch {
    // not JSON: keep the text
  }
  const status = res.status;
  const message = `TTS provider answered ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) return new TtsError('unauthorized', message, { retriable: false, status });
  if (status === 429) return new TtsError('rate_limited', message, { retriable: true, status, retryAfterMs: retryAfterMs(res.headers) });
  if (status >= 500 || status === 408) return new TtsError('provider_error', message, { retriable: true, status, retryAfterMs: retryAfterMs(res.headers) });
  return new TtsError('bad_request', message, { retriable: false, status });
}

function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(headers.get('retry-after') ?? NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
