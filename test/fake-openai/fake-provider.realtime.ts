import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { frameLevels, OUTPUT_SAMPLE_RATE, sinePcm16 } from './fake-provider.audio';
import type { FakeScript } from './fake-provider.script';

type Json = Record<string, unknown>;

export interface RealtimeOptions {
  readonly script: FakeScript;
  readonly model: string;
  /** Pause between response deltas, so a response.cancel can land mid-response. */
  readonly deltaIntervalMs: number;
  /** Frame RMS (0..32767) above which appended audio counts as speech. */
  readonly vadThreshold: number;
  /** Sample rate assumed for appended audio unless the session says otherwise. */
  readonly inputSampleRate: number;
  readonly record: (event: Json) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newId = (prefix: string) => `${prefix}_${randomBytes(10).toString('hex')}`;
const asObj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

/**
 * One realtime connection speaking the OpenAI Realtime protocol, both the beta event names
 * (response.audio.delta, modalities, turn_detection) and the GA ones (response.output_audio.delta,
 * output_modalities, audio.input.turn_detection). Server VAD works on the appended audio's level.
 */
export class RealtimeSession {
  private session: Json;
  private eventSeq = 0;
  private lastItemId: string | null = null;
  private pendingItemId = newId('item');
  private buffered = 0;
  private audioMs = 0;
  private speaking = false;
  private silenceMs = 0;
  private lastUserText = '';
  private active: { id: string; cancelled: boolean } | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: RealtimeOptions,
  ) {
    this.session = {
      id: newId('sess'),
      object: 'realtime.session',
      model: opts.model,
      modalities: ['text', 'audio'],
      instructions: '',
      voice: 'alloy',
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16',
      input_audio_transcription: null,
      turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true },
    };
    this.send({ type: 'session.created', session: this.session });
  }

  send(event: Json): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify({ event_id: `event_${++this.eventSeq}`, ...event }));
  }

  private error(code: string, message: string, eventId?: unknown): void {
    this.send({ type: 'error', error: { type: 'invalid_request_error', code, message, param: null, event_id: eventId ?? null } });
  }

  private get isGa(): boolean {
    return this.session.type === 'realtime' || 'output_modalities' in this.session || asObj(this.session.audio) !== undefined;
  }

  private get turnDetection(): Json | null {
    if (this.isGa) return asObj(asObj(asObj(this.session.audio)?.input)?.turn_detection) ?? null;
    return asObj(this.session.turn_detection) ?? null;
  }

  private get transcribes(): boolean {
    return this.isGa ? asObj(asObj(asObj(this.session.audio)?.input)?.transcription) !== undefined : asObj(this.session.input_audio_transcription) !== undefined;
  }

  private get sampleRate(): number {
    const rate = asObj(asObj(asObj(this.session.audio)?.input)?.format)?.rate;
    return typeof rate === 'number' ? rate : this.opts.inputSampleRate;
  }

  /** Handles one client frame; never throws. */
  handle(raw: string): void {
    let event: Json | undefined;
    try {
      event = asObj(JSON.parse(raw));
    } catch {
      event = undefined;
    }
    if (!event || typeof event.type !== 'string') return this.error('invalid_json', 'The client event is not a JSON object with a "type".');
    this.opts.record(event);
    switch (event.type) {
      case 'session.update': {
        const update = asObj(event.session);
        if (!update) return this.error('missing_required_parameter', "Missing required parameter: 'session'.", event.event_id);
        this.session = { ...this.session, ...update };
        return this.send({ type: 'session.updated', session: this.session });
      }
      case 'input_audio_buffer.append':
        return this.append(event);
      case 'input_audio_buffer.commit':
        if (this.buffered === 0) return this.error('input_audio_buffer_commit_empty', 'Error committing input audio buffer: buffer is empty.', event.event_id);
        return this.commit(false);
      case 'input_audio_buffer.clear':
        this.buffered = 0;
        return this.send({ type: 'input_audio_buffer.cleared' });
      case 'input_image_buffer.append':
      case 'input_audio_buffer.append_video_frame':
        return; // provider dialects (Qwen, GLM): accepted, nothing to answer
      case 'conversation.item.create':
        return this.createItem(event);
      case 'response.create':
        return void this.respond(asObj(event.response));
      case 'response.cancel':
        if (!this.active) return this.error('response_cancel_not_active', 'Cancellation failed: no active response found.', event.event_id);
        this.active.cancelled = true;
        return;
      default:
        return this.error('invalid_value', `Invalid value: '${event.type}'. Supported values are client events.`, event.event_id);
    }
  }

  private append(event: Json): void {
    if (typeof event.audio !== 'string') return this.error('missing_required_parameter', "Missing required parameter: 'audio'.", event.event_id);
    const pcm = Buffer.from(event.audio, 'base64');
    this.buffered += pcm.length;
    const vad = this.turnDetection;
    if (!vad) {
      this.audioMs += (pcm.length / 2 / this.sampleRate) * 1000;
      return;
    }
    const silenceNeeded = typeof vad.silence_duration_ms === 'number' ? vad.silence_duration_ms : 500;
    for (const level of frameLevels(pcm, this.sampleRate, 10)) {
      this.audioMs += 10;
      if (level >= this.opts.vadThreshold) {
        this.silenceMs = 0;
        if (!this.speaking) {
          this.speaking = true;
          this.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.round(this.audioMs - 10), item_id: this.pendingItemId });
        }
      } else if (this.speaking && (this.silenceMs += 10) >= silenceNeeded) {
        this.speaking = false;
        this.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.round(this.audioMs), item_id: this.pendingItemId });
        this.commit(vad.create_response !== false);
      }
    }
  }

  private commit(thenRespond: boolean): void {
    const itemId = this.pendingItemId;
    this.pendingItemId = newId('item');
    this.buffered = 0;
    this.send({ type: 'input_audio_buffer.committed', previous_item_id: this.lastItemId, item_id: itemId });
    const item = { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    this.send({ type: 'conversation.item.created', previous_item_id: this.lastItemId, item });
    this.lastItemId = itemId;
    const transcript = this.opts.script.nextTranscript() ?? 'Hello from the fake microphone.';
    this.lastUserText = transcript;
    if (this.transcribes) {
      this.send({ type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript });
    }
    if (thenRespond) void this.respond(undefined);
  }

  private createItem(event: Json): void {
    const item = asObj(event.item);
    if (!item || typeof item.type !== 'string') return this.error('missing_required_parameter', "Missing required parameter: 'item.type'.", event.event_id);
    const id = typeof item.id === 'string' ? item.id : newId('item');
    const content = Array.isArray(item.content) ? (item.content as Json[]) : [];
    const text = content.map((c) => (typeof c.text === 'string' ? c.text : '')).join('');
    if (item.role === 'user' && text) this.lastUserText = text;
    this.send({ type: 'conversation.item.created', previous_item_id: this.lastItemId, item: { ...item, id, object: 'realtime.item', status: 'completed' } });
    this.lastItemId = id;
  }

  private async respond(options: Json | undefined): Promise<void> {
    if (this.active) return this.error('conversation_already_has_active_response', 'Conversation already has an active response in progress.');
    const response = { id: newId('resp'), cancelled: false };
    this.active = response;
    const ga = this.isGa;
    const modalities = (options?.output_modalities ?? options?.modalities ?? (ga ? this.session.output_modalities : this.session.modalities) ?? ['audio']) as string[];
    const audio = modalities.includes('audio');
    const text = this.opts.script.nextReply() ?? `I heard: ${this.lastUserText}`;
    const itemId = newId('item');
    const ids = { response_id: response.id, item_id: itemId, output_index: 0, content_index: 0 };
    const names = ga
      ? { audio: 'response.output_audio', transcript: 'response.output_audio_transcript', text: 'response.output_text' }
      : { audio: 'response.audio', transcript: 'response.audio_transcript', text: 'response.text' };
    const item = { id: itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] as Json[] };
    this.send({ type: 'response.created', response: { id: response.id, object: 'realtime.response', status: 'in_progress', output: [] } });
    this.send({ type: 'response.output_item.added', response_id: response.id, output_index: 0, item });
    this.send({ type: 'conversation.item.created', previous_item_id: this.lastItemId, item });
    this.send({ type: 'response.content_part.added', ...ids, part: audio ? { type: 'audio', transcript: '' } : { type: 'text', text: '' } });
    let said = '';
    for (const piece of Array.from(text).reduce<string[]>((acc, ch, i) => (i % 4 === 0 ? acc.push(ch) : (acc[acc.length - 1] += ch), acc), [])) {
      if (response.cancelled || this.ws.readyState !== this.ws.OPEN) break;
      said += piece;
      if (audio) {
        this.send({ type: `${names.audio}.delta`, ...ids, delta: sinePcm16(100, OUTPUT_SAMPLE_RATE).toString('base64') });
        this.send({ type: `${names.transcript}.delta`, ...ids, delta: piece });
      } else {
        this.send({ type: `${names.text}.delta`, ...ids, delta: piece });
      }
      await sleep(this.opts.deltaIntervalMs);
    }
    this.active = undefined;
    const status = response.cancelled ? 'cancelled' : 'completed';
    const part = audio ? { type: 'audio', transcript: said } : { type: 'text', text: said };
    if (!response.cancelled) {
      if (audio) {
        this.send({ type: `${names.audio}.done`, ...ids });
        this.send({ type: `${names.transcript}.done`, ...ids, transcript: said });
      } else this.send({ type: `${names.text}.done`, ...ids, text: said });
      this.send({ type: 'response.content_part.done', ...ids, part });
    }
    const doneItem = { ...item, status: response.cancelled ? 'incomplete' : 'completed', content: [part] };
    this.send({ type: 'response.output_item.done', response_id: response.id, output_index: 0, item: doneItem });
    this.lastItemId = itemId;
    const tokens = Math.max(1, said.length >> 2);
    this.send({
      type: 'response.done',
      response: {
        id: response.id,
        object: 'realtime.response',
        status,
        status_details: response.cancelled ? { type: 'cancelled', reason: 'client_cancelled' } : null,
        output: [doneItem],
        usage: { total_tokens: tokens * 2, input_tokens: tokens, output_tokens: tokens },
      },
    });
  }
}
