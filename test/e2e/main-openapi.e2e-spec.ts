import { startMainApp, type MainHarness } from '../support/main-app.harness';

/**
 * Every endpoint of the original main server (spec main-server.md §3, [UI] and [NO-CALLER]),
 * upstream's VRM router (§3.4) and our additions must be in the OpenAPI document, each with a
 * summary and a tag, so /docs describes the whole API.
 */
const ORIGINAL = `
POST /api/beacon/shutdown
GET /api/config/page_config
GET /api/config/preferences
POST /api/config/preferences
POST /api/config/preferences/set-preferred
GET /api/config/steam_language
GET /api/config/core_api
POST /api/config/core_api
GET /api/config/api_providers
GET /api/characters
GET /api/characters/current_live2d_model
PUT /api/characters/catgirl/l2d/{name}
PUT /api/characters/catgirl/voice_id/{name}
GET /api/characters/catgirl/{name}/voice_mode_status
POST /api/characters/catgirl/{old_name}/rename
POST /api/characters/catgirl/{name}/unregister_voice
GET /api/characters/current_catgirl
POST /api/characters/current_catgirl
POST /api/characters/reload
POST /api/characters/master
POST /api/characters/catgirl
PUT /api/characters/catgirl/{name}
DELETE /api/characters/catgirl/{name}
POST /api/characters/clear_voice_ids
POST /api/characters/set_microphone
GET /api/characters/get_microphone
GET /api/characters/voices
POST /api/characters/voices
POST /api/characters/voice_clone
GET /api/live2d/models
GET /api/live2d/model_config/{model_name}
POST /api/live2d/model_config/{model_name}
GET /api/live2d/emotion_mapping/{model_name}
POST /api/live2d/emotion_mapping/{model_name}
GET /api/live2d/model_files/{model_name}
GET /api/live2d/model_parameters/{model_name}
POST /api/live2d/save_model_parameters/{model_name}
GET /api/live2d/load_model_parameters/{model_name}
GET /api/live2d/model_config_by_id/{model_id}
POST /api/live2d/model_config_by_id/{model_id}
GET /api/live2d/model_files_by_id/{model_id}
POST /api/live2d/upload_model
POST /api/model/vrm/upload
POST /api/model/vrm/upload_animation
GET /api/model/vrm/models
GET /api/model/vrm/animations
DELETE /api/model/vrm/model
DELETE /api/model/vrm/model/{model_name}
GET /api/model/vrm/config
GET /api/model/vrm/emotion_mapping/{model_name}
POST /api/model/vrm/emotion_mapping/{model_name}
GET /api/model/vrm/expressions/{model_name}
GET /api/steam/workshop/subscribed-items
GET /api/steam/workshop/item/{item_id}/path
GET /api/steam/workshop/item/{item_id}
POST /api/steam/workshop/unsubscribe
GET /api/steam/workshop/config
POST /api/steam/workshop/config
POST /api/steam/workshop/local-items/scan
GET /api/steam/workshop/local-items/{item_id}
GET /api/steam/workshop/check-upload-status
POST /api/steam/workshop/publish
GET /api/memory/recent_files
GET /api/memory/recent_file
POST /api/memory/recent_file/save
POST /api/memory/update_catgirl_name
GET /api/memory/review_config
POST /api/memory/review_config
POST /api/agent/flags
GET /api/agent/flags
GET /api/agent/health
GET /api/agent/computer_use/availability
GET /api/agent/mcp/availability
GET /api/agent/user_plugin/availability
GET /api/agent/tasks
GET /api/agent/tasks/{task_id}
GET /api/agent/task_status
POST /api/agent/admin/control
POST /api/agent/notify_task_result
POST /api/emotion/analysis
POST /api/steam/set-achievement-status/{name}
GET /api/steam/list-achievements
GET /api/file-exists
GET /api/find-first-image
GET /api/steam/proxy-image
POST /api/proactive_chat
GET /
GET /chara_manager
GET /api_key
GET /l2d
GET /live2d_parameter_editor
GET /live2d_emotion_manager
GET /voice_clone
GET /steam_workshop_manager
GET /memory_browser
GET /{lanlan_name}
`
  .trim()
  .split('\n');

let h: MainHarness;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document is checked field by field
let doc: any;
beforeAll(async () => {
  h = await startMainApp();
  doc = (await h.request('GET', '/docs-json')).json;
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** `{name}` of the spec vs `{lanlan_name}`, trailing slashes: compare path shapes only. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '') || '/';

describe('OpenAPI document of main (/docs-json)', () => {
  const documented = () => new Set(Object.entries(doc.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${shape(p)}`)));

  it.each(ORIGINAL)('lists %s', (line) => {
    const [method, path] = line.split(' ');
    expect(documented()).toContain(`${method} ${shape(path)}`);
  });

  it('describes every operation with a summary and a tag', () => {
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { summary?: string; tags?: string[] }>>)) {
      for (const [method, op] of Object.entries(ops)) if (!op.summary || !op.tags?.length) missing.push(`${method.toUpperCase()} ${path}`);
    }
    expect(missing).toEqual([]);
  });

  it('is served as Swagger UI at /docs', async () => {
    const res = await h.request('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui');
  });
});
