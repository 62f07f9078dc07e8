import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { probeHealth } from '../../src/launcher/health.probe';
import { freePortEnv } from '../support/boot-context';
import { waitFor } from '../support/free-port';
import { BUNDLE } from '../support/launcher.harness';

jest.setTimeout(240_000);
const ROUNDS = 50;

function postProcess(port: number, text: string): Promise<boolean> {
  const body = JSON.stringify({ input_history: JSON.stringify([{ role: 'user', content: [{ type: 'text', text }] }, { role: 'assistant', content: [{ type: 'text', text: `re ${text}` }] }]) });
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/process/test', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && data === '{"status":"processed"}'));
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

describe('memory server killed with SIGKILL while writing', () => {
  it(`keeps every acknowledged turn and valid files over ${ROUNDS} crashes`, async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'neko-crash-')), 'N.E.K.O');
    const env: Record<string, string> = { ...(await freePortEnv()), NEKO_DATA_DIR: root, NEKO_LOG_LEVEL: 'fatal' };
    const port = Number(env.NEKO_MEMORY_SERVER_PORT);
    const acknowledged: string[] = [];
    let seq = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const proc = spawn(process.execPath, [join(BUNDLE, 'memory.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
      const exited = new Promise((r) => proc.once('exit', r));
      await waitFor(() => probeHealth(port), 'memory /health', 15_000);
      // Temp files of the killed writer were swept at start-up.
      expect(readdirSync(join(root, 'memory')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      let stop = false;
      const before = acknowledged.length;
      const writers = Array.from({ length: 4 }, async () => {
        while (!stop) {
          const text = `turn-${seq++}`;
          if (await postProcess(port, text)) acknowledged.push(text);
        }
      });
      // Kill at a varying moment, but only once this round has had a write acknowledged.
      await waitFor(() => acknowledged.length > before, 'a first acknowledged write', 15_000);
      await new Promise((r) => setTimeout(r, (round * 37) % 180));
      proc.kill('SIGKILL');
      await exited;
      stop = true;
      await Promise.all(writers);

      // Every file still parses, the database is intact, nothing acknowledged is missing.
      const memoryDir = join(root, 'memory');
      for (const file of readdirSync(memoryDir).filter((f) => f.endsWith('.json'))) {
        expect(Array.isArray(JSON.parse(readFileSync(join(memoryDir, file), 'utf8')))).toBe(true);
      }
      const dbFile = join(memoryDir, 'time_indexed_test');
      if (!existsSync(dbFile)) continue;
      const db = new Database(dbFile);
      try {
        expect((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
        const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'time_indexed_original'").get() !== undefined;
        if (!hasTable) {
          // Killed while the file was being created: nothing can have been acknowledged yet.
          expect(acknowledged).toEqual([]);
          continue;
        }
        const stored = new Set((db.prepare('SELECT message FROM time_indexed_original').all() as Array<{ message: string }>).map((r) => (JSON.parse(r.message) as { data: { content: Array<{ text: string }> } }).data.content[0].text));
        const missing = acknowledged.filter((t) => !stored.has(t));
        expect(missing).toEqual([]);
      } finally {
        db.close();
      }
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(ROUNDS);
  });
});
