import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePortEnv } from '../support/boot-context';
import { DIST } from '../support/launcher.harness';

jest.setTimeout(60_000);
const run = promisify(execFile);

/**
 * A conversation in LoCoMo's format (speaker_a/b, session_N with its session_N_date_time), written
 * by the test so it needs nothing outside the repository: 3 sessions of 40 turns.
 */
function locomoConversation(): Record<string, unknown> {
  const conv: Record<string, unknown> = { speaker_a: 'Caroline', speaker_b: 'Melanie' };
  ['1:56 pm on 8 May, 2023', '10:37 am on 27 June, 2023', '8:18 pm on 14 August, 2023'].forEach((date, i) => {
    const s = i + 1;
    conv[`session_${s}_date_time`] = date;
    conv[`session_${s}`] = Array.from({ length: 40 }, (_, t) => ({
      speaker: t % 2 === 0 ? 'Caroline' : 'Melanie',
      dia_id: `D${s}:${t + 1}`,
      text: `Session ${s}, turn ${t + 1}: we talked about painting, hiking and the support group.`,
      ...(t === 3 ? { blip_caption: 'a sunset over the lake' } : {}),
    }));
  });
  return conv;
}

describe('npm run memory (CLI)', () => {
  let env: Record<string, string>;
  let dir: string;
  const cli = (...args: string[]) => run(process.execPath, [join(DIST, 'memory', 'cli', 'memory.cli.js'), ...args], { env: { ...process.env, ...env } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neko-cli-'));
    env = { ...(await freePortEnv()), NEKO_DATA_DIR: join(dir, 'N.E.K.O') };
  });

  it('imports JSON lines, reports stats, exports the same turns, and re-indexes', async () => {
    const lines = [
      { role: 'user', text: '我的猫叫麻薯', timestamp: '2026-01-02T10:00:00', session_id: 'a' },
      { role: 'assistant', text: '麻薯好可爱', timestamp: '2026-01-02T10:00:00', session_id: 'a' },
      { type: 'human', content: 'I moved to Shanghai', session_id: 'b', timestamp: '2026-02-01T09:00:00' },
    ];
    writeFileSync(join(dir, 'in.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
    const imported = await cli('import', 'test', join(dir, 'in.jsonl'));
    expect(imported.stdout).toContain('imported 3 turns into test');
    expect((await cli('stats', 'test')).stdout).toMatch(/^test: 3 turns, 0 summaries, 0 recent entries; vectors 3 \(hashed-v1-384, 0 pending\); [\d.]+ MiB on disk/);
    await cli('export', 'test', join(dir, 'out.jsonl'));
    const exported = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; session_id: string; timestamp: string });
    expect(exported.map((e) => e.text)).toEqual(['我的猫叫麻薯', '麻薯好可爱', 'I moved to Shanghai']);
    expect(exported[2]).toMatchObject({ session_id: 'b', timestamp: '2026-02-01 09:00:00.000000' });
    expect((await cli('reindex', 'test')).stdout).toContain('re-indexed test');
  });

  it('imports a LoCoMo conversation with its session dates', async () => {
    const file = join(dir, 'locomo.json');
    writeFileSync(file, JSON.stringify(locomoConversation()));
    const res = await cli('import', 'locomo', '--locomo', file);
    expect(res.stdout).toMatch(/imported \d{3,} turns into locomo/);
    expect((await cli('stats', 'locomo')).stdout).toMatch(/locomo: \d{3,} turns/);
  });

  it('refuses bad names and unknown files with a clear message', async () => {
    await expect(cli('import', '../x', 'nope.jsonl')).rejects.toMatchObject({ stderr: 'memory: Invalid characters in lanlan_name\n' });
    await expect(cli('import', 'test', join(dir, 'missing.jsonl'))).rejects.toMatchObject({ stderr: expect.stringContaining('ENOENT') });
  });
});
