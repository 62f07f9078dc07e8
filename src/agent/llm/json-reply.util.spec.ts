import { MAX_JSON_REPLY_CHARS, parseJsonReply, stripThinking } from './json-reply.util';

describe('parseJsonReply', () => {
  it('parses plain JSON objects and arrays', () => {
    expect(parseJsonReply('{"has_task": false}')).toEqual({ has_task: false });
    expect(parseJsonReply('  [null, false]\n')).toEqual([null, false]);
  });

  it('strips Markdown code fences, with or without a language', () => {
    expect(parseJsonReply('```json\n{"a": 1}\n```')).toEqual({ a: 1 });
    expect(parseJsonReply('```\n["x", true]\n```')).toEqual(['x', true]);
    expect(parseJsonReply('Here you go:\n```JSON\n{"a": {"b": [1, 2]}}\n```\nDone.')).toEqual({ a: { b: [1, 2] } });
  });

  it('drops <think> blocks, also a reply that starts after a bare closing tag', () => {
    expect(parseJsonReply('<think>maybe {"wrong": true}</think>{"right": true}')).toEqual({ right: true });
    expect(parseJsonReply('still reasoning [1] ...</think>\n{"done": true, "answer": "ok"}')).toEqual({ done: true, answer: 'ok' });
    expect(stripThinking('<THINK>x</THINK>y')).toBe('y');
  });

  it('finds the first balanced value in prose, respecting brackets inside strings', () => {
    expect(parseJsonReply('The decision is {"reason": "use {curly} and [square]", "ok": true} as requested.')).toEqual({
      reason: 'use {curly} and [square]',
      ok: true,
    });
    expect(parseJsonReply('a {broken: json} then {"good": "\\"quoted\\""}')).toEqual({ good: '"quoted"' });
    expect(parseJsonReply('Answer: ["id-1", true]. Thanks')).toEqual(['id-1', true]);
  });

  it('throws when there is no object or array', () => {
    for (const reply of ['', '   ', 'no json here', 'true', '"a string"', '{"unterminated": ', '<think>{"a": 1}</think>']) {
      expect(() => parseJsonReply(reply)).toThrow(Error);
    }
  });

  it('examines a bounded prefix of a huge reply', () => {
    const huge = `${'x'.repeat(MAX_JSON_REPLY_CHARS)}{"late": true}`;
    expect(() => parseJsonReply(huge)).toThrow(Error);
    expect(parseJsonReply(`{"early": true}${'x'.repeat(MAX_JSON_REPLY_CHARS)}`)).toEqual({ early: true });
  });
});
