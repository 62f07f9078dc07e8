import { ReplyFence } from './reply-text.filter';

describe('ReplyFence', () => {
  it('lets one | through and cuts before the second, then stops', () => {
    const fence = new ReplyFence();
    expect(fence.push('喵 | 你好')).toEqual({ text: '喵 | 你好', stop: false });
    expect(fence.push('呀。主人 | 我')).toEqual({ text: '呀。主人 ', stop: true });
    expect(fence.push('more')).toEqual({ text: '', stop: true });
  });

  it('cuts two bars in one delta', () => {
    expect(new ReplyFence().push('a|b|c')).toEqual({ text: 'a|b', stop: true });
  });
});
