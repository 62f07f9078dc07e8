import type { RawData, WebSocket } from 'ws';
import { countTokens } from './chat-completions.handler';
import { asObject, newId, type Json, type TimerSet } from './fake-openai.http';
import type { FakeScript, RealtimeError } from './fake-openai.script';
import { RealtimeResponse, type ResponseIo } from './realtime-response.streamer';
import { RealtimeSessionState, type RealtimeDialect } from './realtime.session';
import { VadDetector } from './realtime-vad.detector';

export interface RealtimeOptions {
  readonly script: FakeScript;
  readonly timers: TimerSet;
  readonly model: string;
  readonly dialect: RealtimeDialect;
  /** Pause between response deltas, so a response.cancel can land mid-response. */
  readonly deltaIntervalMs: number;
  /** 10 ms frame RMS (0..32767) from which appended audio counts as speech. */
  readonly vadThreshold: number;
  /** Rate of appended audio in beta sessions (GA sessions say it in `audio.input.format.rate`). */
  readonly inputSampleRate: number;
  readonly transcribeByDefault: boolean;
  readonly defaultTranscript: string;
  /** Gets every valid client event. */
  readonly record: (event: Json) => void;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** One WebSocket speaking the OpenAI Realtime protocol (beta or GA) plus the Qwen/GLM dialect events. */
export class RealtimeConnection {
  readonly session: RealtimeSessionState;
  /** Client events of this connection, in order. */
  readonly events: Json[] = [];
  private seq = 0;
  private readonly vad: VadDetector;
  private bufferedBytes = 0;
  private pendingItemId = newId('item', '_');
  private lastItemId: string | null = null;
  private lastUserText = '';
  private active: RealtimeResponse | undefined;
  /** A turn ended while the cancelled reply was winding down: answer it once that reply is done. */
  private respondWhenIdle = false;
  private ttsText = '';
  private finishing = false;
  private readonly io: ResponseIo;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: RealtimeOptions,
  ) {
    this.session = new RealtimeSessionState(opts.model, opts.dialect, { inputSampleRate: opts.inputSampleRate, transcribeByDefault: opts.transcribeByDefault });
    this.vad = new VadDetector(opts.vadThreshold);
    this.io = {
      dialect: opts.dialect,
      send: (e) => this.send(e),
      isOpen: () => this.isOpen() && !opts.timers.closed,
      sleep: (ms) => opts.timers.sleep(ms),
      closeSocket: (code, reason) => this.close(code, reason),
    };
    this.send({ type: 'session.created', session: this.session.render() });
  }

  isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(event: Json): void {
    if (this.isOpen()) this.ws.send(JSON.stringify({ event_id: `event_${this.session.id.slice(5, 13)}${++this.seq}`, ...event }));
  }

  /** An `error` event; `eventId` names the client event that caused it. */
  sendError(error: RealtimeError, eventId: unknown = null): void {
    this.send({ type: 'error', error: { type: 'invalid_request_error', code: null, param: null, ...error, event_id: eventId ?? null } });
  }

  /** Closes with a code; 1006 (or any code a peer may not send) drops the TCP connection instead. */
  close(code = 1000, reason = ''): void {
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  /** Handles one client frame; never throws. */
  handle(data: RawData, isBinary: boolean): void {
    let event: Json | undefined;
    try {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      event = isBinary ? undefined : asObject(JSON.parse(bytes.toString('utf8')));
    } catch {
      event = undefined;
    }
    if (!event) return this.sendError({ code: 'invalid_json', message: "The server failed to parse the client event: expected a JSON object. Check that it is valid JSON." });
    if (typeof event.type !== 'string') return this.sendError({ code: 'missing_required_parameter', message: "Missing required parameter: 'type'.", param: 'type' }, event.event_id);
    this.events.push(event);
    this.opts.record(event);
    try {
      this.dispatch(event, event.type);
    } catch (e) {
      this.sendError({ type: 'server_error', code: 'fake_internal', message: `fake provider bug: ${String(e)}` }, event.event_id);
    }
  }

  private dispatch(event: Json, type: string): void {
    const id = event.event_id;
    switch (type) {
      case 'session.update': {
        const patch = asObject(event.session);
        if (!patch) return this.sendError({ code: 'missing_required_parameter', message: "Missing required parameter: 'session'.", param: 'session' }, id);
        const invalid = this.session.update(patch);
        if (invalid) return this.sendError(invalid, id);
        if (!this.session.turnDetection) this.vad.reset();
        return this.send({ type: 'session.updated', session: this.session.render() });
      }
      case 'input_audio_buffer.append':
        return this.append(event);
      case 'input_audio_buffer.commit': {
        const ms = (this.bufferedBytes / 2 / this.session.inputRate) * 1000;
        if (ms < 100) return this.sendError({ code: 'input_audio_buffer_commit_empty', message: `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.` }, id);
        this.vad.reset();
        return this.commit(false);
      }
      case 'input_audio_buffer.clear':
        this.bufferedBytes = 0;
        this.vad.reset();
        return this.send({ type: 'input_audio_buffer.cleared' });
      case 'input_image_buffer.append': // Qwen Omni: a JPEG frame while the user speaks (no reply)
        return void this.requireString(event, 'image');
      case 'input_audio_buffer.append_video_frame': // GLM: a video frame (no reply)
        return void this.requireString(event, 'video_frame');
      case 'conversation.item.create':
        return this.createItem(event);
      case 'conversation.item.truncate':
        return this.send({ type: 'conversation.item.truncated', item_id: event.item_id, content_index: event.content_index ?? 0, audio_end_ms: event.audio_end_ms ?? 0 });
      case 'conversation.item.delete':
        return this.send({ type: 'conversation.item.deleted', item_id: event.item_id });
      case 'response.create':
        if (this.active) return this.sendError({ code: 'conversation_already_has_active_response', message: `Conversation already has an active response in progress: ${this.active.id}. Wait until the response is finished before creating a new one.` }, id);
        return this.respond(asObject(event.response));
      case 'response.cancel':
        if (!this.active || (typeof event.response_id === 'string' && event.response_id !== this.active.id)) {
          return this.sendError({ code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found.' }, id);
        }
        return this.active.cancel('client_cancelled');
      case 'input_text_buffer.append': // Qwen TTS realtime
        if (this.requireString(event, 'text')) this.ttsText += String(event.text);
        return;
      case 'input_text_buffer.commit':
        return this.commitTts(id);
      case 'input_text_buffer.clear':
        this.ttsText = '';
        return this.send({ type: 'input_text_buffer.cleared' });
      case 'session.finish':
        this.finishing = true;
        if (this.ttsText) return this.commitTts(id);
        return this.finishIfIdle();
      default:
        return this.sendError({ code: 'invalid_value', message: `Invalid value: '${type}'. Supported values are client events such as 'session.update', 'input_audio_buffer.append' and 'response.create'.`, param: 'type' }, id);
    }
  }

  /** True when `event[field]` is a non-empty string; otherwise answers with an error event. */
  private requireString(event: Json, field: string): boolean {
    if (typeof event[field] === 'string' && event[field] !== '') return true;
    this.sendError({ code: 'missing_required_parameter', message: `Missing required parameter: '${field}'.`, param: field }, event.event_id);
    return false;
  }

  private append(event: Json): void {
    if (!this.requireString(event, 'audio')) return;
    const audio = event.audio as string;
    if (!BASE64.test(audio)) return this.sendError({ code: 'invalid_value', message: "Invalid 'audio'. Expected base64-encoded audio bytes.", param: 'audio' }, event.event_id);
    const pcm = Buffer.from(audio, 'base64');
    this.bufferedBytes += pcm.length;
    const vad = this.session.turnDetection;
    if (!vad) return this.vad.skip(pcm, this.session.inputRate);
    const silenceMs = typeof vad.silence_duration_ms === 'number' ? vad.silence_duration_ms : 500;
    for (const e of this.vad.feed(pcm, this.session.inputRate, silenceMs)) {
      if (e.kind === 'speech_started') {
        this.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: e.audioMs, item_id: this.pendingItemId });
        if (this.active && vad.interrupt_response !== false) this.active.cancel('turn_detected');
      } else {
        this.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: e.audioMs, item_id: this.pendingItemId });
        this.commit(vad.create_response !== false);
      }
    }
  }

  private announceItem(item: Json): void {
    const previous = this.lastItemId;
    this.lastItemId = item.id as string;
    if (this.session.dialect === 'beta') return this.send({ type: 'conversation.item.created', previous_item_id: previous, item });
    this.send({ type: 'conversation.item.added', previous_item_id: previous, item });
    this.send({ type: 'conversation.item.done', previous_item_id: previous, item });
  }

  private commit(thenRespond: boolean): void {
    const itemId = this.pendingItemId;
    this.pendingItemId = newId('item', '_');
    this.bufferedBytes = 0;
    this.send({ type: 'input_audio_buffer.committed', previous_item_id: this.lastItemId, item_id: itemId });
    this.announceItem({ id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] });
    const scripted = this.opts.script.nextTranscript();
    const transcript = scripted?.transcript ?? this.opts.defaultTranscript;
    this.lastUserText = transcript;
    if (this.session.transcribes) {
      const event = { type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript, usage: { type: 'duration', seconds: 1 } };
      if (scripted?.transcriptDelayMs) void this.opts.timers.sleep(scripted.transcriptDelayMs).then(() => this.send(event));
      else this.send(event);
    }
    if (!thenRespond) return;
    // A turn that ends while the interrupted reply is still winding down is answered right after it, as OpenAI does.
    if (!this.active) this.respond(undefined);
    else if (this.active.cancelling) this.respondWhenIdle = true;
  }

  private createItem(event: Json): void {
    const item = asObject(event.item);
    if (!item || typeof item.type !== 'string') return this.sendError({ code: 'missing_required_parameter', message: "Missing required parameter: 'item.type'.", param: 'item.type' }, event.event_id);
    if (item.type === 'message' && !['user', 'assistant', 'system'].includes(item.role as string)) {
      return this.sendError({ code: 'invalid_value', message: `Invalid value: '${String(item.role)}'. Supported values are: 'user', 'assistant', and 'system'.`, param: 'item.role' }, event.event_id);
    }
    const content = Array.isArray(item.content) ? (item.content as unknown[]).map((c) => asObject(c) ?? {}) : [];
    const text = content.map((c) => (typeof c.text === 'string' ? c.text : '')).join('');
    if (item.role === 'user' && text) this.lastUserText = text;
    this.announceItem({ ...item, id: typeof item.id === 'string' ? item.id : newId('item', '_'), object: 'realtime.item', status: 'completed', content });
  }

  private respond(options: Json | undefined, tts?: string): void {
    const fault = this.opts.script.nextFault();
    if (fault && !(fault.afterDeltas && fault.afterDeltas > 0)) {
      if (fault.error) this.sendError({ type: 'server_error', ...fault.error });
      if (fault.close !== undefined) this.close(typeof fault.close === 'number' ? fault.close : fault.close.code, typeof fault.close === 'number' ? '' : fault.close.reason);
      return;
    }
    const modalities = (options?.output_modalities ?? options?.modalities ?? this.session.modalities) as unknown;
    const audio = tts !== undefined || (Array.isArray(modalities) && modalities.includes('audio'));
    const text = tts ?? this.opts.script.nextReply() ?? (this.lastUserText ? `I heard: ${this.lastUserText}` : 'Hello from the fake model.');
    const response = new RealtimeResponse();
    this.active = response;
    // This response answers the turn that was waiting (a response.create may come first).
    this.respondWhenIdle = false;
    const plan = {
      text,
      audio,
      transcript: tts === undefined,
      deltaIntervalMs: this.opts.deltaIntervalMs,
      previousItemId: this.lastItemId,
      inputTokens: countTokens(this.session.instructions + this.lastUserText),
      voice: this.session.voice,
      outputFormat: this.session.outputFormat,
      fault,
    };
    this.lastItemId = response.itemId;
    void response.run(this.io, plan).finally(() => {
      if (this.active === response) this.active = undefined;
      if (this.respondWhenIdle && !this.active) {
        this.respondWhenIdle = false;
        this.respond(undefined);
        return;
      }
      this.finishIfIdle();
    });
  }

  private commitTts(eventId: unknown): void {
    if (!this.ttsText) return this.sendError({ code: 'input_text_buffer_commit_empty', message: 'Error committing input text buffer: buffer is empty.' }, eventId);
    if (this.active) return this.sendError({ code: 'conversation_already_has_active_response', message: 'A response is already in progress.' }, eventId);
    const text = this.ttsText;
    this.ttsText = '';
    this.send({ type: 'input_text_buffer.committed', item_id: newId('item', '_') });
    this.respond(undefined, text);
  }

  /** After `session.finish` (Qwen TTS): `session.finished` once nothing is being synthesised, then close. */
  private finishIfIdle(): void {
    if (!this.finishing || this.active || !this.isOpen()) return;
    this.finishing = false;
    this.send({ type: 'session.finished' });
    this.close(1000, 'session finished');
  }
}
