/** One management page of the pages table (spec §3.7, §11). */
export interface PageDefinition {
  /** Route path(s) without the leading slash. */
  readonly paths: readonly string[];
  /** Handlebars template under views/. */
  readonly template: string;
  /** English title (the page's script translates it for zh-CN). */
  readonly title: string;
  /** i18n key of the title. */
  readonly titleKey: string;
  /** Front-end entry (web/src/pages/<entry>.ts): its script /static/js/dist/pages/<entry>.js, its style /static/css/pages/<entry>.css. */
  readonly script: string;
  /** Shown in the header navigation. */
  readonly nav: boolean;
}

/** Layout shared by every page (header, navigation, language switch). */
export const PAGE_LAYOUT = 'layouts/main.hbs';

/** Longest character name a page accepts (query or path); the UI never needs more. */
export const MAX_PAGE_NAME_LENGTH = 100;

export const COMPANION_PAGE: PageDefinition = {
  paths: [''],
  template: 'index.hbs',
  title: 'Companion',
  titleKey: 'page.index',
  script: 'index',
  nav: true,
};

/** The management pages, in navigation order. */
export const MANAGEMENT_PAGES: readonly PageDefinition[] = [
  { paths: ['chara_manager'], template: 'chara_manager.hbs', title: 'Characters', titleKey: 'page.chara', script: 'chara_manager', nav: true },
  // /model_manager is upstream's name for /l2d.
  { paths: ['l2d', 'model_manager'], template: 'l2d_manager.hbs', title: 'Models', titleKey: 'page.l2d', script: 'l2d_manager', nav: true },
  { paths: ['memory_browser'], template: 'memory_browser.hbs', title: 'Memory', titleKey: 'page.memory', script: 'memory_browser', nav: true },
  { paths: ['agent_manager'], template: 'agent_manager.hbs', title: 'Agent', titleKey: 'page.agent', script: 'agent_manager', nav: true },
  { paths: ['api_key'], template: 'api_key.hbs', title: 'API & providers', titleKey: 'page.api', script: 'api_key', nav: true },
  // Reached from the pages above (the models page, the characters page).
  { paths: ['live2d_parameter_editor'], template: 'live2d_parameter_editor.hbs', title: 'Face editor', titleKey: 'page.params', script: 'parameter_editor', nav: false },
  { paths: ['live2d_emotion_manager'], template: 'live2d_emotion_manager.hbs', title: 'Emotion manager', titleKey: 'page.emotions', script: 'emotion_manager', nav: false },
  { paths: ['voice_clone'], template: 'voice_clone.hbs', title: 'Voice clone', titleKey: 'page.voice', script: 'voice_clone', nav: false },
  { paths: ['steam_workshop_manager'], template: 'steam_workshop_manager.hbs', title: 'Workshop', titleKey: 'page.workshop', script: 'workshop_manager', nav: false },
];

/** Every page, companion first. */
export const ALL_PAGES: readonly PageDefinition[] = [COMPANION_PAGE, ...MANAGEMENT_PAGES];

/** A tiny cat-face favicon (SVG), answered at /favicon.ico (also the header's logo). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<path d="M8 6 L24 20 L40 20 L56 6 L56 40 A24 22 0 0 1 8 40 Z" fill="#f29bb8"/>
<circle cx="23" cy="36" r="4" fill="#3a2a35"/><circle cx="41" cy="36" r="4" fill="#3a2a35"/>
<path d="M28 46 Q32 50 36 46" stroke="#3a2a35" stroke-width="3" fill="none" stroke-linecap="round"/>
</svg>
`;
