import { asObject, newId, unixNow, type Json } from './fake-openai.http';

/**
 * `beta`: the OpenAI Realtime beta shape, which Qwen, GLM and StepFun also speak (`modalities`,
 * `input_audio_format`, `turn_detection`, `response.audio.delta`). `ga`: OpenAI's GA shape
 * (`type: "realtime"`, `output_modalities`, `audio.input/output`, `response.output_audio.delta`).
 */
export type RealtimeDialect = 'beta' | 'ga';

export interface SessionDefaults {
  readonly inputSampleRate: number;
  /** Transcribe user turns even when the client configured no transcription (Qwen/GLM/Step do). */
  readonly transcribeByDefault: boolean;
}

const BETA_ONLY = ['modalities', 'input_audio_format', 'output_audio_format', 'input_audio_transcription', 'turn_detection', 'voice', 'input_audio_noise_reduction', 'max_response_output_tokens'];

/** OpenAI fills in the omitted turn-detection fields per type. */
function withVadDefaults(td: unknown): Json | null {
  const o = asObject(td);
  if (!o) return null;
  if (o.type === 'semantic_vad') return { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true, ...o };
  return { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true, ...o };
}

const has = (o: Json, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** The session of one realtime connection, updated by `session.update`, rendered in its dialect. */
export class RealtimeSessionState {
  readonly id = newId('sess', '_');
  instructions = '';
  voice = 'alloy';
  speed = 1;
  modalities: string[];
  inputFormat: unknown = 'pcm16';
  outputFormat: unknown = 'pcm16';
  inputRate: number;
  turnDetection: Json | null = withVadDefaults({ type: 'server_vad' });
  transcription: Json | null = null;
  private transcriptionConfigured = false;
  noiseReduction: unknown = null;
  temperature = 0.8;
  tools: unknown[] = [];
  toolChoice: unknown = 'auto';
  /** Fields we do not model (provider extras such as GLM `beta_fields`, Qwen TTS `mode`), kept as sent. */
  extra: Json = {};

  constructor(
    readonly model: string,
    readonly dialect: RealtimeDialect,
    private readonly defaults: SessionDefaults,
  ) {
    this.modalities = dialect === 'ga' ? ['audio'] : ['text', 'audio'];
    this.inputRate = defaults.inputSampleRate;
    if (dialect === 'ga') {
      this.inputFormat = { type: 'audio/pcm', rate: 24_000 };
      this.outputFormat = { type: 'audio/pcm', rate: 24_000 };
      this.inputRate = 24_000;
    }
  }

  /** Whether a committed user turn gets `conversation.item.input_audio_transcription.completed`. */
  get transcribes(): boolean {
    return this.transcription !== null || (!this.transcriptionConfigured && this.defaults.transcribeByDefault);
  }

  get audioOut(): boolean {
    return this.modalities.includes('audio');
  }

  /** Applies a `session.update` payload; returns an OpenAI-style error for a bad one (nothing applied). */
  update(patch: Json): { code: string; message: string; param: string } | undefined {
    return this.dialect === 'ga' ? this.updateGa(patch) : this.updateBeta(patch);
  }

  private updateBeta(p: Json): undefined {
    if (Array.isArray(p.modalities)) this.modalities = p.modalities.filter((m): m is string => typeof m === 'string');
    if (typeof p.instructions === 'string') this.instructions = p.instructions;
    if (typeof p.voice === 'string') this.voice = p.voice;
    if (typeof p.speed === 'number') this.speed = p.speed;
    if (has(p, 'input_audio_format')) this.inputFormat = p.input_audio_format;
    if (has(p, 'output_audio_format')) this.outputFormat = p.output_audio_format;
    if (has(p, 'turn_detection')) this.turnDetection = withVadDefaults(p.turn_detection);
    if (has(p, 'input_audio_transcription')) {
      this.transcription = asObject(p.input_audio_transcription) ?? null;
      this.transcriptionConfigured = true;
    }
    if (has(p, 'input_audio_noise_reduction')) this.noiseReduction = p.input_audio_noise_reduction;
    if (typeof p.temperature === 'number') this.temperature = p.temperature;
    if (Array.isArray(p.tools)) this.tools = p.tools;
    if (has(p, 'tool_choice')) this.toolChoice = p.tool_choice;
    const known = new Set([...BETA_ONLY, 'instructions', 'speed', 'temperature', 'tools', 'tool_choice']);
    for (const [k, v] of Object.entries(p)) if (!known.has(k)) this.extra[k] = v;
    return undefined;
  }

  private updateGa(p: Json): { code: string; message: string; param: string } | undefined {
    if (p.type === undefined) return { code: 'missing_required_parameter', message: "Missing required parameter: 'session.type'.", param: 'session.type' };
    if (p.type !== 'realtime') return { code: 'invalid_value', message: `Invalid value: ${JSON.stringify(p.type)}. Supported values are: 'realtime' and 'transcription'.`, param: 'session.type' };
    const unknown = BETA_ONLY.find((k) => has(p, k));
    if (unknown) return { code: 'unknown_parameter', message: `Unknown parameter: 'session.${unknown}'.`, param: `session.${unknown}` };
    const out = p.output_modalities;
    if (out !== undefined && (!Array.isArray(out) || out.length !== 1 || (out[0] !== 'audio' && out[0] !== 'text'))) {
      return { code: 'invalid_value', message: "Invalid 'session.output_modalities': expected ['audio'] or ['text'].", param: 'session.output_modalities' };
    }
    if (Array.isArray(out)) this.modalities = [out[0] as string];
    if (typeof p.instructions === 'string') this.instructions = p.instructions;
    if (Array.isArray(p.tools)) this.tools = p.tools;
    if (has(p, 'tool_choice')) this.toolChoice = p.tool_choice;
    const input = asObject(asObject(p.audio)?.input) ?? {};
    const output = asObject(asObject(p.audio)?.output) ?? {};
    if (has(input, 'format')) {
      this.inputFormat = input.format;
      const rate = asObject(input.format)?.rate;
      if (typeof rate === 'number') this.inputRate = rate;
    }
    if (has(input, 'turn_detection')) this.turnDetection = withVadDefaults(input.turn_detection);
    if (has(input, 'transcription')) {
      this.transcription = asObject(input.transcription) ?? null;
      this.transcriptionConfigured = true;
    }
    if (has(input, 'noise_reduction')) this.noiseReduction = input.noise_reduction;
    if (typeof output.voice === 'string') this.voice = output.voice;
    if (typeof output.speed === 'number') this.speed = output.speed;
    if (has(output, 'format')) this.outputFormat = output.format;
    const known = new Set(['type', 'output_modalities', 'instructions', 'tools', 'tool_choice', 'audio', 'model']);
    for (const [k, v] of Object.entries(p)) if (!known.has(k)) this.extra[k] = v;
    return undefined;
  }

  /** The session object of `session.created` / `session.updated`. */
  render(): Json {
    const common = { object: 'realtime.session', id: this.id, model: this.model, expires_at: unixNow() + 1800, instructions: this.instructions, tools: this.tools, tool_choice: this.toolChoice };
    if (this.dialect === 'beta') {
      return {
        ...common,
        modalities: this.modalities,
        voice: this.voice,
        input_audio_format: this.inputFormat,
        output_audio_format: this.outputFormat,
        input_audio_transcription: this.transcription,
        turn_detection: this.turnDetection,
        input_audio_noise_reduction: this.noiseReduction,
        temperature: this.temperature,
        max_response_output_tokens: 'inf',
        speed: this.speed,
        ...this.extra,
      };
    }
    return {
      type: 'realtime',
      ...common,
      output_modalities: this.modalities,
      max_output_tokens: 'inf',
      tracing: null,
      truncation: 'auto',
      prompt: null,
      include: null,
      audio: {
        input: { format: this.inputFormat, transcription: this.transcription, noise_reduction: this.noiseReduction, turn_detection: this.turnDetection },
        output: { format: this.outputFormat, voice: this.voice, speed: this.speed },
      },
      ...this.extra,
    };
  }
}
