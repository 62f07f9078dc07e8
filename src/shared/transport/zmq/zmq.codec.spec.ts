import { decodeEvent, encodeEvent } from './zmq.codec';

describe('ZeroMQ codec', () => {
  it('round-trips one event as one UTF-8 JSON frame', () => {
    const frame = encodeEvent({ event_type: 'analyze_request', lanlan_name: '小天', messages: [] });
    expect(frame.toString('utf8')).toBe('{"event_type":"analyze_request","lanlan_name":"小天","messages":[]}');
    expect(decodeEvent([frame])).toEqual({ ok: true, event: { event_type: 'analyze_request', lanlan_name: '小天', messages: [] } });
  });

  it.each([
    [[Buffer.from('{"event_type":"x"}'), Buffer.from('{}')], 'expected 1 frame, got 2'],
    [[Buffer.from('not json')], 'frame is not UTF-8 JSON'],
    [[Buffer.from([0xff, 0xfe, 0x7b, 0x7d])], 'frame is not UTF-8 JSON'],
    [[Buffer.from('[1,2]')], 'payload is not a JSON object'],
    [[Buffer.from('null')], 'payload is not a JSON object'],
    [[Buffer.from('{"type":"x"}')], 'payload has no event_type'],
    [[Buffer.from('{"event_type":""}')], 'payload has no event_type'],
  ])('rejects %p', (frames, reason) => {
    expect(decodeEvent(frames)).toEqual({ ok: false, reason });
  });
});
