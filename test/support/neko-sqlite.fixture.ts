import Database from 'better-sqlite3';

/**
 * Writes a time_indexed_{L} file the way N.E.K.O. V0 did: LangChain's SQLChatMessageHistory tables
 * (no timestamp column until its own migration ran), full LangChain message dicts with non-ASCII
 * escaped as \uXXXX (json.dumps default), one session per /process call.
 */
export function writeNekoTimeIndex(path: string, withTimestamp = false): void {
  const db = new Database(path);
  for (const table of ['time_indexed_original', 'time_indexed_compressed']) {
    db.exec(`CREATE TABLE ${table} (id INTEGER NOT NULL, session_id TEXT, message TEXT, PRIMARY KEY (id))`);
    if (withTimestamp) db.exec(`ALTER TABLE ${table} ADD COLUMN timestamp DATETIME`);
  }
  const pyDumps = (v: unknown) => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/,"/g, ', "').replace(/":/g, '": ');
  const insert = db.prepare('INSERT INTO time_indexed_original (session_id, message) VALUES (?, ?)');
  insert.run('3f1c2a9e-0000-4000-8000-000000000001', pyDumps({ type: 'human', data: { content: [{ type: 'text', text: '我的猫叫麻薯' }], additional_kwargs: {}, response_metadata: {}, type: 'human', name: null, id: null, example: false } }));
  insert.run('3f1c2a9e-0000-4000-8000-000000000001', pyDumps({ type: 'ai', data: { content: [{ type: 'text', text: '[20251201 Mon 21:03] 麻薯好可爱喵' }], additional_kwargs: {}, response_metadata: {}, type: 'ai', name: null, id: null, example: false, tool_calls: [], invalid_tool_calls: [], usage_metadata: null } }));
  db.prepare('INSERT INTO time_indexed_compressed (session_id, message) VALUES (?, ?)').run(
    '3f1c2a9e-0000-4000-8000-000000000001',
    pyDumps({ type: 'system', data: { content: '阿明说他的猫叫麻薯。', additional_kwargs: {}, response_metadata: {}, type: 'system', name: null, id: null } }),
  );
  if (withTimestamp) db.exec(`UPDATE time_indexed_original SET timestamp = '2025-12-01 21:03:05.123456'; UPDATE time_indexed_compressed SET timestamp = '2025-12-01 21:03:07.000001'`);
  db.close();
}
