import { checkUrl, parseAction, parseActionReply } from './browser-action.parser';

describe('browser action replies', () => {
  it('reads every action of the vocabulary', () => {
    expect(parseAction({ action: 'navigate', url: ' https://example.com ' })).toEqual({ action: 'navigate', url: 'https://example.com' });
    expect(parseAction({ action: 'click', index: 3 })).toEqual({ action: 'click', index: 3 });
    expect(parseAction({ action: 'CLICK', index: '[4]' })).toEqual({ action: 'click', index: 4 });
    expect(parseAction({ action: 'type', index: 2, text: 'cat food', submit: true })).toEqual({ action: 'type', index: 2, text: 'cat food', submit: true });
    expect(parseAction({ action: 'type', index: 2, text: 42 })).toEqual({ action: 'type', index: 2, text: '42', submit: false });
    expect(parseAction({ action: 'select', index: 1, value: 'Pro' })).toEqual({ action: 'select', index: 1, value: 'Pro' });
    expect(parseAction({ action: 'scroll', direction: 'UP' })).toEqual({ action: 'scroll', direction: 'up' });
    expect(parseAction({ action: 'scroll' })).toEqual({ action: 'scroll', direction: 'down' });
    expect(parseAction({ action: 'extract' })).toEqual({ action: 'extract' });
    expect(parseAction({ action: 'extract', text: 'price 3 €' })).toEqual({ action: 'extract', text: 'price 3 €' });
    expect(parseAction({ action: 'back' })).toEqual({ action: 'back' });
    expect(parseAction({ action: 'done', result: 'found it' })).toEqual({ action: 'done', result: 'found it', success: true });
    expect(parseAction({ action: 'done', result: 'only half', success: false })).toEqual({ action: 'done', result: 'only half', success: false });
    expect(parseAction({ action: 'fail', reason: 'login needed' })).toEqual({ action: 'fail', reason: 'login needed' });
    expect(parseAction({ action: 'fail' })).toEqual({ action: 'fail', reason: 'the model gave up' });
  });

  it('explains what is wrong with an invalid action', () => {
    expect(parseAction({ action: 'click' })).toMatch(/click needs "index"/);
    expect(parseAction({ action: 'click', index: 0 })).toMatch(/needs "index"/);
    expect(parseAction({ action: 'click', index: 2.5 })).toMatch(/needs "index"/);
    expect(parseAction({ action: 'type', index: 1 })).toBe('type needs "text"');
    expect(parseAction({ action: 'type', index: 1, text: 'x'.repeat(2001) })).toMatch(/longer than 2000/);
    expect(parseAction({ action: 'navigate' })).toBe('navigate needs "url"');
    expect(parseAction({ action: 'select', index: 1 })).toMatch(/select needs "value"/);
    expect(parseAction({ action: 'hover', index: 1 })).toMatch(/unknown action "hover"; use one of navigate, click/);
    expect(parseAction('click 3')).toBe('each action must be a JSON object');
  });

  it('accepts one action, {"actions": [...]} or an array, running at most three', () => {
    expect(parseActionReply({ action: 'back' })).toEqual({ ok: true, actions: [{ action: 'back' }] });
    expect(parseActionReply([{ action: 'back' }, { action: 'scroll' }])).toEqual({
      ok: true,
      actions: [{ action: 'back' }, { action: 'scroll', direction: 'down' }],
    });
    const many = parseActionReply({ actions: Array.from({ length: 5 }, () => ({ action: 'back' })) });
    expect(many).toEqual({ ok: true, actions: [{ action: 'back' }, { action: 'back' }, { action: 'back' }], note: 'only the first 3 actions were run' });
    expect(parseActionReply({ actions: [{ action: 'back' }, { action: 'click' }] })).toEqual({ ok: false, error: expect.stringMatching(/^action 2: click needs/) });
    expect(parseActionReply({ actions: [] })).toEqual({ ok: false, error: 'the reply held no action' });
    expect(parseActionReply('done')).toMatchObject({ ok: false });
    expect(parseActionReply(undefined)).toMatchObject({ ok: false });
  });

  it('only lets http(s) pages and about:blank through', () => {
    expect(checkUrl('https://example.com/a?b=1', false)).toEqual({ url: 'https://example.com/a?b=1' });
    expect(checkUrl('about:blank', false)).toEqual({ url: 'about:blank' });
    expect(checkUrl('example.com/news', false)).toEqual({ url: 'https://example.com/news' });
    expect(checkUrl('localhost:8080/x', false)).toEqual({ url: 'http://localhost:8080/x' });
    expect(checkUrl('192.168.1.1', false)).toEqual({ url: 'http://192.168.1.1/' });
    expect(checkUrl('[::1]:3000/a', false)).toEqual({ url: 'http://[::1]:3000/a' });
    expect(checkUrl('192.168.1.1.example.com', false)).toEqual({ url: 'https://192.168.1.1.example.com/' });
    expect(checkUrl('file:///etc/passwd', false)).toEqual({ error: 'file: URLs are not allowed; only http and https pages can be opened' });
    expect(checkUrl('file:///tmp/page.html', true)).toEqual({ url: 'file:///tmp/page.html' });
    expect(checkUrl('javascript:alert(1)', true)).toMatchObject({ error: expect.stringContaining('javascript:') });
    expect(checkUrl('chrome://settings', false)).toMatchObject({ error: expect.stringContaining('not allowed') });
    expect(checkUrl('http://', false)).toMatchObject({ error: expect.stringContaining('not a valid URL') });
  });
});
