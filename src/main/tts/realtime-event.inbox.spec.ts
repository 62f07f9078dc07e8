import { MAX_INBOX_EVENTS, RealtimeEventInbox } from './realtime-event.inbox';

describe('RealtimeEventInbox', () => {
  it('reads events in order, skips frames that are not events, waits for the next one', async () => {
    const inbox = new RealtimeEventInbox();
    inbox.pushRaw('{"type":"a"}');
    inbox.pushRaw('not json');
    inbox.pushRaw('[1,2]');
    inbox.pushRaw('{"no":"type"}');
    expect(await inbox.next(100)).toEqual({ event: { type: 'a' } });
    const later = inbox.next(1000);
    setTimeout(() => inbox.pushRaw(Buffer.from('{"type":"b","x":1}')), 10);
    expect(await later).toEqual({ event: { type: 'b', x: 1 } });
  });

  it('answers timeout, aborted, and closed after draining what is left', async () => {
    const inbox = new RealtimeEventInbox();
    expect(await inbox.next(20)).toEqual({ end: 'timeout' });
    const c = new AbortController();
    const pending = inbox.next(5000, c.signal);
    c.abort();
    expect(await pending).toEqual({ end: 'aborted' });
    inbox.pushRaw('{"type":"last"}');
    inbox.close(1011, 'bye');
    expect(await inbox.next(10)).toEqual({ event: { type: 'last' } });
    expect(await inbox.next(10)).toEqual({ end: 'closed' });
    expect(inbox.closeInfo).toEqual({ code: 1011, reason: 'bye' });
  });

  it('gives up when nobody reads (bounded memory)', async () => {
    const inbox = new RealtimeEventInbox();
    for (let i = 0; i <= MAX_INBOX_EVENTS; i++) inbox.pushRaw('{"type":"x"}');
    expect(await inbox.next(10)).toEqual({ end: 'overflow' });
  });
});
