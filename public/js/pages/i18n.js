// Minimal i18n for the pages: English and Simplified Chinese. The language comes from the
// browser (navigator.languages) unless the user picked one (localStorage "neko.language").
// Elements carry data-i18n / data-i18n-placeholder keys; their English text is in the markup.

const STORAGE_KEY = 'neko.language';
export const LANGUAGES = ['en', 'zh-CN'];

const en = {
  'common.loading': 'Loading…', 'common.unavailable': 'Unavailable', 'common.saved': 'Saved', 'common.deleted': 'Deleted', 'common.remove': 'Remove', 'common.delete': 'Delete',
  'error.http': 'The server answered with error {status}', 'error.network': 'The N.E.K.O. server cannot be reached. Is it running?', 'error.timeout': 'The server took too long to answer',
  'conn.connected': 'Connected', 'conn.connecting': 'Connecting…', 'conn.disconnected': 'Not connected', 'conn.retry': 'Not connected — retrying in {seconds} s', 'conn.noCharacter': 'No character configured',
  'conn.replaced': 'Open in another window — send a message to continue here',
  'index.noCharacter': 'No character yet', 'index.preparing': 'Preparing the conversation…', 'index.reloading': 'Settings changed, reloading…', 'index.switched': 'Now talking with {name}',
  'index.notConnected': 'Not connected to the server yet; your message was not sent.', 'index.repetition': '{name} keeps repeating herself — try a new topic.',
  'index.micStart': '🎤 Talk', 'index.micStop': '⏹ Stop talking', 'index.micFailed': 'The microphone could not be opened: {error}',
  'chara.key': 'Field', 'chara.value': 'Value', 'chara.current': 'current', 'chara.none': 'No characters yet', 'chara.new': 'New character', 'chara.defaultVoice': 'Default voice',
  'chara.notInLibrary': 'not in the voice library', 'chara.loadFailed': 'Could not load the characters', 'chara.saveFailed': 'Could not save', 'chara.nameRequired': 'A name is required',
  'chara.sessionRestarted': 'The voice changed; the conversation restarts.', 'chara.renamePrompt': 'New name for {name}:', 'chara.renameFailed': 'Could not rename',
  'chara.voiceModeBusy': 'Stop the voice conversation first, then rename.', 'chara.switchFailed': 'Could not switch the character', 'chara.switched': '{name} is now the current character',
  'chara.deleteConfirm': 'Delete {name} and all of her memory? This cannot be undone.', 'chara.deleteFailed': 'Could not delete', 'chara.unregisterFailed': 'Could not remove the voice',
  'api.loadFailed': 'Could not load the API settings', 'api.saveFailed': 'Could not save the API settings', 'api.clearVoicesFailed': 'Saved, but the old voice ids could not be cleared',
  'api.tier.summary': 'Summary (memory)', 'api.tier.correction': 'Correction / proactive chat', 'api.tier.emotion': 'Emotion analysis', 'api.tier.vision': 'Vision', 'api.tier.omni': 'Realtime voice (omni)', 'api.tier.tts': 'Speech (TTS)', 'api.tier.agent': 'Agent (computer / browser use, sees images)',
  'api.part.Provider': 'Provider', 'api.part.Url': 'Base URL', 'api.part.Id': 'Model id', 'api.part.ApiKey': 'API key',
  'l2d.currentModel': 'Current model', 'l2d.noCharacter': 'No character configured', 'l2d.emotions': 'Emotions', 'l2d.inUse': 'In use', 'l2d.use': 'Use', 'l2d.noModels': 'No Live2D models found',
  'l2d.noVrm': 'No VRM models yet', 'l2d.assignFailed': 'Could not change the model', 'l2d.loadFailed': 'Could not load the models', 'l2d.pickFiles': 'Choose files to upload first',
  'l2d.uploadFailed': 'Upload failed', 'l2d.uploaded': 'Uploaded', 'l2d.vrmOnly': 'Only .vrm files can be uploaded here',
  'emotion.missingFile': 'missing', 'emotion.loadFailed': 'Could not load the emotion mapping', 'emotion.emotion': 'Emotion', 'emotion.motions': 'Motions', 'emotion.expressions': 'Expressions',
  'emotion.persistent': 'always on', 'emotion.save': 'Save mapping', 'emotion.saveFailed': 'Could not save the mapping', 'emotion.noFiles': 'This model has no motion or expression files.',
  'emotion.hint': 'Hold Ctrl (⌘ on Mac) to pick several files. 常驻 expressions stay on all the time.', 'emotion.info': '{groups} motion group(s), {expressions} expression(s) in the model file',
  'params.noModel': 'No model available', 'params.none': 'This model has no .cdi3.json parameter list.', 'params.ungrouped': 'Other', 'params.loadFailed': 'Could not load the parameters', 'params.saveFailed': 'Could not save the parameters',
  'voice.loadFailed': 'Could not load the characters', 'voice.missing': 'Choose a file and a prefix first', 'voice.working': 'Uploading and registering the voice — this can take a minute…',
  'voice.failed': 'Voice registration failed', 'voice.noId': 'the server did not return a voice id', 'voice.done': 'Voice registered',
  'ws.noSubscribed': 'No subscribed items', 'ws.unsubscribe': 'Unsubscribe', 'ws.unsubscribeFailed': 'Could not unsubscribe', 'ws.loadFailed': 'Could not load', 'ws.saveFailed': 'Could not save',
  'ws.scanFailed': 'Could not scan the folder', 'ws.folder': 'Folder', 'ws.noLocal': 'No item folders found', 'ws.publish': 'Publish to Steam (private)', 'ws.publishFailed': 'Could not publish',
  'ws.published': 'Published', 'ws.notPublished': 'Not published', 'ws.title': 'Title', 'ws.description': 'Description', 'ws.publishHint': 'Publishing needs the Steam client.',
  'mem.role': 'Role', 'mem.text': 'Text', 'mem.role.system': 'Memo (system)', 'mem.role.human': 'Master', 'mem.role.ai': 'Character', 'mem.badFile': 'the file is not valid memory JSON',
  'mem.emptyFile': 'This memory is empty.', 'mem.openFailed': 'Could not open the memory file', 'mem.noFiles': 'No recent memory yet', 'mem.loadFailed': 'Could not load the memory',
  'mem.saveFailed': 'Could not save', 'mem.clearConfirm': 'Remove every entry except the memo? (Saved only when you press Save.)', 'mem.noResults': 'Nothing found',
  'mem.searchFailed': 'Search failed', 'mem.score': 'score', 'mem.forget': 'Forget', 'mem.forgetConfirm': 'Forget this memory for good?', 'mem.forgetFailed': 'Could not forget', 'mem.forgotten': 'Forgotten',
};

const zh = {
  'page.index': '陪伴', 'page.chara': '角色管理', 'page.l2d': '模型管理', 'page.params': '参数编辑', 'page.emotions': '情绪管理', 'page.voice': '声音克隆', 'page.api': 'API 设置', 'page.memory': '记忆浏览', 'page.workshop': '创意工坊',
  'common.language': '语言', 'common.loading': '加载中…', 'common.unavailable': '不可用', 'common.save': '保存', 'common.saved': '已保存', 'common.deleted': '已删除', 'common.remove': '移除', 'common.delete': '删除',
  'error.http': '服务器返回错误 {status}', 'error.network': '无法连接 N.E.K.O. 服务器，它在运行吗？', 'error.timeout': '服务器响应超时',
  'conn.connected': '已连接', 'conn.connecting': '连接中…', 'conn.disconnected': '未连接', 'conn.retry': '未连接 — {seconds} 秒后重试', 'conn.noCharacter': '尚未配置角色', 'conn.replaced': '已在另一个窗口打开 — 发送消息即可在此继续',
  'index.master': '主人', 'index.avatarNote': 'Live2D / VRM 形象将在后续版本中出现在这里。回复会朗读出来；按麦克风按钮即可语音对话。', 'index.mute': '静音她的声音', 'index.chooseModel': '选择模型', 'index.editCharacter': '编辑角色',
  'index.chat': '聊天', 'index.endSession': '结束对话', 'index.empty': '打个招呼开始聊天吧。', 'index.placeholder': '输入消息，回车发送', 'index.send': '发送',
  'index.noCharacter': '还没有角色', 'index.preparing': '正在准备对话…', 'index.reloading': '设置已更改，正在刷新…', 'index.switched': '现在和 {name} 聊天',
  'index.notConnected': '尚未连接到服务器，消息未发送。', 'index.repetition': '{name} 一直在重复，换个话题试试。',
  'index.micStart': '🎤 语音对话', 'index.micStop': '⏹ 停止语音', 'index.micFailed': '无法打开麦克风：{error}',
  'chara.characters': '角色', 'chara.new': '新建角色', 'chara.editMaster': '主人档案', 'chara.master': '主人档案', 'chara.profileName': '档案名', 'chara.fields': '其他字段', 'chara.addField': '添加字段',
  'chara.edit': '编辑角色', 'chara.current': '当前', 'chara.persona': '人设字段', 'chara.personaHint': '自由填写，如 性别、年龄、昵称 …（字段名和内容）。', 'chara.systemPrompt': '系统提示词',
  'chara.promptHint': '{LANLAN_NAME} 和 {MASTER_NAME} 会被替换为名字。', 'chara.voice': '声音', 'chara.cloneVoice': '克隆新声音', 'chara.unregisterVoice': '解除声音', 'chara.chooseModel': '选择模型',
  'chara.rename': '改名', 'chara.setCurrent': '设为当前', 'chara.pick': '在左侧选择一个角色，或新建一个。', 'chara.key': '字段', 'chara.value': '内容', 'chara.none': '还没有角色', 'chara.defaultVoice': '默认声音',
  'chara.notInLibrary': '不在音色库中', 'chara.loadFailed': '无法加载角色', 'chara.saveFailed': '保存失败', 'chara.nameRequired': '档案名为必填项', 'chara.sessionRestarted': '声音已更改，对话将重新开始。',
  'chara.renamePrompt': '{name} 的新名字：', 'chara.renameFailed': '改名失败', 'chara.voiceModeBusy': '请先停止语音对话再改名。', 'chara.switchFailed': '切换角色失败', 'chara.switched': '{name} 现在是当前角色',
  'chara.deleteConfirm': '删除 {name} 及其全部记忆？此操作无法撤销。', 'chara.deleteFailed': '删除失败', 'chara.unregisterFailed': '解除声音失败',
  'api.core': '核心模型（聊天和语音）', 'api.coreProvider': '核心服务商', 'api.coreKey': '核心 API Key', 'api.maskedHint': 'Key 以掩码显示。保持掩码不变即保留已保存的 Key。',
  'api.assistProvider': '辅助服务商（记忆、情绪、视觉）', 'api.mcpToken': 'MCP Token（可选）', 'api.assistKeys': '辅助服务商 Key', 'api.showKeys': '输入时显示 Key', 'api.custom': '按任务自定义 API',
  'api.enableCustom': '下列任务使用自定义接口', 'api.localHint': '本地模型：任何 OpenAI 兼容服务均可，如 Ollama 或 LM Studio，地址 http://127.0.0.1:11434/v1（模型 id 按服务中的名称，Key 任意）。',
  'api.save': '保存并重新加载', 'api.saveHint': '保存会结束正在进行的对话，并清除角色的克隆音色 id（它们属于旧 Key）。', 'api.loadFailed': '无法加载 API 设置', 'api.saveFailed': '保存 API 设置失败',
  'api.clearVoicesFailed': '已保存，但无法清除旧的音色 id', 'api.tier.summary': '摘要（记忆）', 'api.tier.correction': '纠错 / 主动搭话', 'api.tier.emotion': '情绪分析', 'api.tier.vision': '视觉',
  'api.tier.omni': '实时语音（omni）', 'api.tier.tts': '语音合成（TTS）', 'api.tier.agent': 'Agent（电脑 / 浏览器操作，需识图）', 'api.part.Provider': '服务商', 'api.part.Url': '接口地址', 'api.part.Id': '模型 id', 'api.part.ApiKey': 'API Key',
  'l2d.character': '角色', 'l2d.live2dModels': 'Live2D 模型', 'l2d.uploadFolder': '上传模型文件夹', 'l2d.uploadHint': '选择包含 .model3.json 的文件夹（含贴图、动作和表情），或其 .zip 压缩包。',
  'l2d.upload': '上传', 'l2d.folder': '文件夹', 'l2d.zip': '… 或 .zip 文件', 'l2d.vrmFile': 'VRM 文件', 'l2d.vrmModels': 'VRM 模型', 'l2d.uploadVrm': '上传 .vrm 文件', 'l2d.emotionMapping': '情绪映射', 'l2d.parameters': '参数', 'l2d.emotionManager': '情绪管理',
  'l2d.pickModel': '在上方选择一个 Live2D 模型来编辑情绪。', 'l2d.currentModel': '当前模型', 'l2d.noCharacter': '尚未配置角色', 'l2d.emotions': '情绪', 'l2d.inUse': '使用中', 'l2d.use': '使用',
  'l2d.noModels': '没有找到 Live2D 模型', 'l2d.noVrm': '还没有 VRM 模型', 'l2d.assignFailed': '更换模型失败', 'l2d.loadFailed': '无法加载模型', 'l2d.pickFiles': '请先选择要上传的文件',
  'l2d.uploadFailed': '上传失败', 'l2d.uploaded': '上传成功', 'l2d.vrmOnly': '这里只能上传 .vrm 文件',
  'emotion.missingFile': '文件缺失', 'emotion.loadFailed': '无法加载情绪映射', 'emotion.emotion': '情绪', 'emotion.motions': '动作', 'emotion.expressions': '表情', 'emotion.persistent': '常驻',
  'emotion.save': '保存映射', 'emotion.saveFailed': '保存映射失败', 'emotion.noFiles': '该模型没有动作或表情文件。', 'emotion.hint': '按住 Ctrl（Mac 上为 ⌘）可多选。常驻表情会一直保持。',
  'emotion.info': '模型文件中有 {groups} 个动作组、{expressions} 个表情',
  'params.model': '模型', 'params.hint': '只保存勾选（移动过）的参数，其他参数保持模型自身的动画。', 'params.parameters': '参数', 'params.filter': '按名称或 id 筛选', 'params.reset': '全部取消勾选',
  'params.noModel': '没有可用的模型', 'params.none': '该模型没有 .cdi3.json 参数列表。', 'params.ungrouped': '其他', 'params.loadFailed': '无法加载参数', 'params.saveFailed': '保存参数失败',
  'voice.heading': '注册自定义声音', 'voice.hint': '上传 10–30 秒清晰的语音（WAV 16 位单声道、MP3 或 M4A）。录音会发送到语音服务生成 CosyVoice 音色，然后分配给角色。',
  'voice.character': '角色', 'voice.file': '参考音频', 'voice.prefix': '音色前缀（字母和数字，最多 10 个）', 'voice.submit': '注册声音', 'voice.loadFailed': '无法加载角色', 'voice.missing': '请先选择文件并填写前缀',
  'voice.working': '正在上传并注册声音，可能需要一分钟…', 'voice.failed': '声音注册失败', 'voice.noId': '服务器没有返回音色 id', 'voice.done': '声音已注册',
  'ws.subscribed': '已订阅物品（Steam）', 'ws.settings': '模组文件夹', 'ws.userModFolder': '用户模组文件夹', 'ws.defaultFolder': '默认创意工坊文件夹', 'ws.autoCreate': '文件夹不存在时自动创建',
  'ws.local': '本地物品', 'ws.scan': '扫描', 'ws.scanHint': '点击扫描列出模组文件夹中的文件夹。', 'ws.noSubscribed': '没有已订阅物品', 'ws.unsubscribe': '取消订阅', 'ws.unsubscribeFailed': '取消订阅失败',
  'ws.loadFailed': '加载失败', 'ws.saveFailed': '保存失败', 'ws.scanFailed': '扫描文件夹失败', 'ws.folder': '文件夹', 'ws.noLocal': '没有找到物品文件夹', 'ws.publish': '发布到 Steam（私密）',
  'ws.publishFailed': '发布失败', 'ws.published': '已发布', 'ws.notPublished': '未发布', 'ws.title': '标题', 'ws.description': '描述', 'ws.publishHint': '发布需要 Steam 客户端。',
  'mem.review': '让助手自动整理近期记忆（记忆审阅）', 'mem.files': '近期记忆', 'mem.pick': '选择文件', 'mem.add': '添加条目', 'mem.clear': '清空（保留备忘）', 'mem.pickHint': '在左侧选择一个角色的近期记忆来查看和编辑。',
  'mem.search': '搜索长期记忆', 'mem.character': '角色', 'mem.query': '搜索', 'mem.searchPlaceholder': '输入内容搜索说过的话…', 'mem.role': '角色', 'mem.text': '内容', 'mem.role.system': '备忘（系统）',
  'mem.role.human': '主人', 'mem.role.ai': '角色', 'mem.badFile': '文件不是有效的记忆 JSON', 'mem.emptyFile': '这段记忆是空的。', 'mem.openFailed': '无法打开记忆文件', 'mem.noFiles': '还没有近期记忆',
  'mem.loadFailed': '无法加载记忆', 'mem.saveFailed': '保存失败', 'mem.clearConfirm': '删除备忘以外的所有条目？（点击保存后才生效。）', 'mem.noResults': '没有找到', 'mem.searchFailed': '搜索失败',
  'mem.score': '相关度', 'mem.forget': '遗忘', 'mem.forgetConfirm': '永久遗忘这条记忆？', 'mem.forgetFailed': '遗忘失败', 'mem.forgotten': '已遗忘',
};

const DICTS = { en, 'zh-CN': zh };

function browserLanguage() {
  const langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  return langs.some((l) => String(l).toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

export function currentLanguage() {
  // ?lang=zh-CN in a link picks the language (and remembers it), like the switch does.
  const asked = new URLSearchParams(location.search).get('lang');
  if (LANGUAGES.includes(asked)) return asked;
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    /* storage disabled */
  }
  return LANGUAGES.includes(stored) ? stored : browserLanguage();
}

export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) return;
  const url = new URL(location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.delete('lang');
    history.replaceState(null, '', url);
  }
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* storage disabled: the choice lasts for this page only */
  }
  document.documentElement.lang = lang;
}

/** Translates a key; {name}-style placeholders are filled from params. */
export function t(key, params = {}) {
  const lang = currentLanguage();
  const text = DICTS[lang][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Applies the current language to every data-i18n element under root (English kept in data-i18n-en). */
export function applyTranslations(root) {
  const lang = currentLanguage();
  document.documentElement.lang = lang;
  for (const node of root.querySelectorAll('[data-i18n]')) {
    if (node.dataset.i18nEn === undefined) node.dataset.i18nEn = node.textContent;
    const key = node.dataset.i18n;
    node.textContent = lang === 'en' ? (en[key] ?? node.dataset.i18nEn) : (DICTS[lang][key] ?? node.dataset.i18nEn);
  }
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    if (node.dataset.i18nPlaceholderEn === undefined) node.dataset.i18nPlaceholderEn = node.getAttribute('placeholder') || '';
    const key = node.dataset.i18nPlaceholder;
    node.setAttribute('placeholder', lang === 'en' ? node.dataset.i18nPlaceholderEn : (DICTS[lang][key] ?? node.dataset.i18nPlaceholderEn));
  }
  const titleKey = document.body && document.body.dataset.pageTitleKey;
  if (titleKey && DICTS[lang][titleKey]) document.title = `${DICTS[lang][titleKey]} · N.E.K.O.`;
  else if (titleKey && lang === 'en') document.title = `${document.querySelector('h1')?.dataset.i18nEn || document.title.split(' · ')[0]} · N.E.K.O.`;
}
