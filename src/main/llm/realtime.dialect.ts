/**
 * Per-provider payloads of the realtime (voice) client, spec §6.4. The provider is chosen by a
 * substring of the model name, as N.E.K.O. does: glm, qwen, gpt, then step/free.
 */

export type RealtimeDialect = 'glm' | 'qwen' | 'gpt' | 'step';

export type ClientEvent = Record<string, unknown> & { readonly type: string };

/** The dialect of a model, or undefined ("Invalid model"). */
export function dialectFor(model: string): RealtimeDialect | undefined {
  const m = model.toLowerCase();
  if (m.includes('glm')) return 'glm';
  if (m.includes('qwen')) return 'qwen';
  if (m.includes('gpt')) return 'gpt';
  if (m.includes('step') || m.includes('free')) return 'step';
  return undefined;
}

/** `<url>?model=<model>`; the free service takes its URL as is. */
export function realtimeUrl(url: string, model: string): string {
  if (model === 'free-model') return url;
  return `${url}${url.includes('?') ? '&' : '?'}model=${encodeURIComponent(model)}`;
}

/** The first `session.update` payload (`session` field). */
export function sessionConfig(dialect: RealtimeDialect, instructions: string, nativeAudio: boolean): Record<string, unknown> {
  const modalities = nativeAudio ? ['text', 'audio'] : ['text'];
  switch (dialect) {
    case 'glm':
      return {
        instructions,
        modalities,
        voice: 'tongtong',
        input_audio_format: 'pcm16',
        output_audio_format: 'pcm',
        turn_detection: { type: 'server_vad' },
        input_audio_noise_reduction: { type: 'far_field' },
        beta_fields: { chat_mode: 'video_passive', auto_search: true },
        temperature: 1.0,
      };
    case 'qwen':
      return {
        instructions,
        modalities,
        voice: 'Cherry',
        input_audio_format: 'pcm16',
        output_audio_format: 'pcm16',
        input_audio_transcription: { model: 'gummy-realtime-v1' },
        turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 },
        temperature: 1.0,
      };
    case 'gpt':
      return {
        type: 'realtime',
        model: 'gpt-realtime',
        instructions: `${instructions}\n请使用卡哇伊的声音与用户交流。\n`,
        output_modalities: nativeAudio ? ['audio'] : ['text'],
        audio: {
          input: {
            transcription: { model: 'gpt-4o-mini-transcribe' },
            turn_detection: { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true },
          },
          output: { voice: 'marin', speed: 1.0 },
        },
      };
    case 'step':
      return {
        instructions,
        modalities: ['text', 'audio'],
        voice: 'qingchunshaonv',
        input_audio_format: 'pcm16',
        output_audio_format: 'pcm16',
        turn_detection: { type: 'server_vad' },
        tools: [{ type: 'web_search', function: { description: '这个web_search用来搜索互联网的信息' } }],
      };
  }
}

/**
 * A camera/screen frame while the user speaks. StepFun/free have no image input (undefined): the
 * session has the vision model describe the frame instead (RealtimeVisionInjector).
 */
export function imageEvent(dialect: RealtimeDialect, jpegBase64: string): ClientEvent | undefined {
  switch (dialect) {
    case 'qwen':
      return { type: 'input_image_buffer.append', image: jpegBase64 };
    case 'glm':
      return { type: 'input_audio_buffer.append_video_frame', video_frame: jpegBase64 };
    case 'gpt':
      return { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_image', image_url: `data:image/jpeg;base64,${jpegBase64}` }] } };
    case 'step':
      return undefined;
  }
}

/** A text item in the conversation (user prompt or system context). */
export function textItem(role: 'user' | 'system', text: string): ClientEvent {
  return { type: 'conversation.item.create', item: { type: 'message', role, content: [{ type: 'input_text', text }] } };
}

/**
 * Qwen takes extra context and system prompts through its instructions (spec §6.4 create_response),
 * the others as conversation items.
 */
export function usesInstructions(dialect: RealtimeDialect): boolean {
  return dialect === 'qwen';
}

/** Server event names of the beta and GA shapes, folded. */
export const SERVER_EVENTS = {
  textDelta: new Set(['response.text.delta', 'response.output_text.delta']),
  audioDelta: new Set(['response.audio.delta', 'response.output_audio.delta']),
  transcriptDelta: new Set(['response.audio_transcript.delta', 'response.output_audio_transcript.delta']),
  transcriptDone: new Set(['response.audio_transcript.done', 'response.output_audio_transcript.done']),
} as const;
