import { parseEmotionReply } from './emotion-reply.parser';

describe('parseEmotionReply', () => {
  it('reads plain JSON, fenced JSON and JSON amid text', () => {
    expect(parseEmotionReply('{"emotion":"happy","confidence":0.8,"reason":"x"}')).toEqual({ emotion: 'happy', confidence: 0.8 });
    expect(parseEmotionReply('```json\n{"emotion": "Sad", "confidence": "0.7"}\n```')).toEqual({ emotion: 'sad', confidence: 0.7 });
    expect(parseEmotionReply('Result: {"emotion": "angry", "confidence": 0.9, "reason": "a } in {text}"} done')).toEqual({ emotion: 'angry', confidence: 0.9 });
  });

  it('confidence below 0.3 is neutral; out-of-range confidence is clamped', () => {
    expect(parseEmotionReply('{"emotion":"happy","confidence":0.29}')).toEqual({ emotion: 'neutral', confidence: 0.29 });
    expect(parseEmotionReply('{"emotion":"happy","confidence":7}')).toEqual({ emotion: 'happy', confidence: 1 });
  });

  it('defaults like the original: no JSON / missing fields → neutral 0.5', () => {
    expect(parseEmotionReply('happy')).toEqual({ emotion: 'neutral', confidence: 0.5 });
    expect(parseEmotionReply('{"emotion": ')).toEqual({ emotion: 'neutral', confidence: 0.5 });
    expect(parseEmotionReply('[1,2]')).toEqual({ emotion: 'neutral', confidence: 0.5 });
    expect(parseEmotionReply('{"emotion":"surprised"}')).toEqual({ emotion: 'surprised', confidence: 0.5 });
    expect(parseEmotionReply('{"confidence":0.9}')).toEqual({ emotion: 'neutral', confidence: 0.9 });
  });
});
