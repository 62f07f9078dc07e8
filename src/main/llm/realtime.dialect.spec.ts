import { dialectFor, imageEvent, realtimeUrl, sessionConfig, textItem, usesInstructions } from './realtime.dialect';

describe('realtime dialects (spec §6.4)', () => {
  it('picks the dialect by model-name substring, in N.E.K.O.\'s order', () => {
    expect(dialectFor('glm-realtime-air')).toBe('glm');
    expect(dialectFor('qwen3-omni-flash-realtime-2025-12-01')).toBe('qwen');
    expect(dialectFor('gpt-realtime')).toBe('gpt');
    expect(dialectFor('step-audio-2')).toBe('step');
    expect(dialectFor('free-model')).toBe('step');
    expect(dialectFor('llama3')).toBeUndefined();
  });

  it('adds ?model= except for the free model', () => {
    expect(realtimeUrl('wss://api.openai.com/v1/realtime', 'gpt-realtime')).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime');
    expect(realtimeUrl('wss://x/realtime?a=1', 'step-audio-2')).toBe('wss://x/realtime?a=1&model=step-audio-2');
    expect(realtimeUrl('wss://lanlan.tech/core', 'free-model')).toBe('wss://lanlan.tech/core');
  });

  it('builds each first session.update', () => {
    expect(sessionConfig('glm', 'I', true)).toMatchObject({ modalities: ['text', 'audio'], voice: 'tongtong', output_audio_format: 'pcm', beta_fields: { chat_mode: 'video_passive', auto_search: true }, temperature: 1.0 });
    expect(sessionConfig('qwen', 'I', false)).toMatchObject({
      instructions: 'I',
      modalities: ['text'],
      voice: 'Cherry',
      input_audio_transcription: { model: 'gummy-realtime-v1' },
      turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 },
    });
    const gpt = sessionConfig('gpt', 'I', true);
    expect(gpt).toMatchObject({ type: 'realtime', instructions: 'I\n请使用卡哇伊的声音与用户交流。\n', output_modalities: ['audio'], audio: { output: { voice: 'marin' } } });
    expect(gpt).not.toHaveProperty('modalities');
    expect(sessionConfig('gpt', 'I', false).output_modalities).toEqual(['text']);
    expect(sessionConfig('step', 'I', false)).toMatchObject({ modalities: ['text', 'audio'], voice: 'qingchunshaonv', tools: [{ type: 'web_search' }] });
  });

  it('sends images the provider\'s way, and none for step/free', () => {
    expect(imageEvent('qwen', 'AAA')).toEqual({ type: 'input_image_buffer.append', image: 'AAA' });
    expect(imageEvent('glm', 'AAA')).toEqual({ type: 'input_audio_buffer.append_video_frame', video_frame: 'AAA' });
    expect(imageEvent('gpt', 'AAA')).toMatchObject({ type: 'conversation.item.create', item: { role: 'user', content: [{ type: 'input_image', image_url: 'data:image/jpeg;base64,AAA' }] } });
    expect(imageEvent('step', 'AAA')).toBeUndefined();
  });

  it('qwen takes prompts through its instructions, the others as items', () => {
    expect(usesInstructions('qwen')).toBe(true);
    expect(usesInstructions('gpt')).toBe(false);
    expect(textItem('system', 'ctx')).toEqual({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'ctx' }] } });
  });
});
