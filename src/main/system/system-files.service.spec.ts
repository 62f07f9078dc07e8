import { decodeRounds } from './system-files.service';

describe('decodeRounds', () => {
  it('decodes up to the given number of extra rounds', () => {
    expect(decodeRounds('%252e%252e', 2)).toEqual(['%252e%252e', '%2e%2e', '..']);
    expect(decodeRounds('%252e%252e', 1)).toEqual(['%252e%252e', '%2e%2e']);
  });

  it('stops when nothing changes or an escape is malformed', () => {
    expect(decodeRounds('/plain/path.png', 2)).toEqual(['/plain/path.png']);
    expect(decodeRounds('%E0%A4%A', 2)).toEqual(['%E0%A4%A']);
  });
});
