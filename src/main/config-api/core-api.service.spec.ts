import { maskForDisplay } from './core-api.service';

describe('maskForDisplay', () => {
  it('keeps only the last 4 characters; short keys fully masked; empty stays empty', () => {
    expect(maskForDisplay('sk-abcdefgh1234')).toBe('***********1234');
    expect(maskForDisplay('abcd')).toBe('****');
    expect(maskForDisplay('abc')).toBe('***');
    expect(maskForDisplay('')).toBe('');
  });

  it('leaves the free tier literal readable', () => {
    expect(maskForDisplay('free-access')).toBe('free-access');
  });
});
