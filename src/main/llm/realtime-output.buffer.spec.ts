import { PcmCarry, TranscriptGate } from './realtime-output.buffer';

describe('TranscriptGate', () => {
  it('passes output through when no transcription is due', () => {
    const out: string[] = [];
    const gate = new TranscriptGate(1000);
    gate.deliver(() => out.push('a'));
    expect(out).toEqual(['a']);
  });

  it('holds output until the transcription arrives, then releases it in order', () => {
    const out: string[] = [];
    let released = 0;
    const gate = new TranscriptGate(10_000, () => released++);
    gate.expectTranscript();
    gate.deliver(() => out.push('a'));
    gate.deliver(() => out.push('b'));
    expect([out, gate.isHolding]).toEqual([[], true]);
    out.push('user');
    gate.release();
    expect([out, released, gate.isHolding]).toEqual([['user', 'a', 'b'], 1, false]);
  });

  it('gives up waiting after the hold limit', async () => {
    const out: string[] = [];
    const gate = new TranscriptGate(20);
    gate.expectTranscript();
    gate.deliver(() => out.push('a'));
    await new Promise((r) => setTimeout(r, 60));
    expect(out).toEqual(['a']);
    gate.dispose();
  });
});

describe('PcmCarry', () => {
  it('emits whole samples and carries an odd trailing byte', () => {
    const carry = new PcmCarry();
    expect(carry.push(Buffer.from([1, 2, 3]).toString('base64'))).toEqual(Buffer.from([1, 2]));
    expect(carry.push(Buffer.from([4]).toString('base64'))).toEqual(Buffer.from([3, 4]));
    expect(carry.push(Buffer.from([5]).toString('base64'))).toBeUndefined();
    carry.reset();
    expect(carry.push(Buffer.from([6, 7]).toString('base64'))).toEqual(Buffer.from([6, 7]));
  });
});
