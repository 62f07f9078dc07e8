import { MAX_JSON_REPLY_CHARS, parseJsonReply, readText, stripThinking, truthy } from './json-reply.util';

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
    expect(stripThinking('reasoning</THINK>answer')).toBe('answer');
  });

  it('drops an unclosed <think> block to the end of the reply', () => {
    expect(stripThinking('<think>Okay, the user wants {"a": 1}')).toBe('');
    expect(stripThinking('Sure.<think>maybe more')).toBe('Sure.');
    expect(stripThinking('<think>a</think>kept<think>cut off')).toBe('kept');
    expect(() => parseJsonReply('<think>Okay, so the answer is {"has_task": true}')).toThrow(Error);
    expect(parseJsonReply('{"has_task": false}<think>second thoughts {"has_task": true}')).toEqual({ has_task: false });
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

  it('reads yes/no and text fields tolerantly', () => {
    for (const v of [true, 1, 'true', ' True ', 'yes', 'YES', '1']) expect(truthy(v)).toBe(true);
    for (const v of [false, 0, 2, 'false', 'no', '', null, undefined, {}, ['true']]) expect(truthy(v)).toBe(false);
    expect([readText('  a  '), readText(5), readText(Number.NaN), readText(null), readText({})]).toEqual(['a', '5', '', '', '']);
  });

  it('examines a bounded prefix of a huge reply', () => {
    const huge = `${'x'.repeat(MAX_JSON_REPLY_CHARS)}{"late": true}`;
    expect(() => parseJsonReply(huge)).toThrow(Error);
    expect(parseJsonReply(`{"early": true}${'x'.repeat(MAX_JSON_REPLY_CHARS)}`)).toEqual({ early: true });
  });
});
