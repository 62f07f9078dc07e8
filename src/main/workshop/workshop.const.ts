/** Preview files looked for in an item folder, in this order (spec §3.5). */
export const PREVIEW_IMAGE_NAMES = ['preview.jpg', 'preview.png', 'thumbnail.jpg', 'thumbnail.png', 'icon.jpg', 'icon.png', 'header.jpg', 'header.png'] as const;

/** The answer of every Steam-only endpoint: Steamworks has no binding here (spec §3.5). */
export const STEAM_UNAVAILABLE = { success: false, error: 'Steamworks未初始化', message: '请确保Steam客户端已运行且已登录' } as const;

export const ACCESS_DENIED = '访问被拒绝: 路径不在允许的范围内';

/** `steam_workshop_id_<digits>.txt`: written after a successful upload, read to know an item is published. */
export const MARKER_FILE = /^steam_workshop_id_(\d+)\.txt$/;

/** Bounds of the recursive folder size walk (a workshop folder may hold big model trees). */
export const SIZE_WALK_LIMITS = { maxEntries: 20_000, maxDepth: 12 } as const;

/** Longest folder path accepted from a request. */
export const MAX_PATH_LENGTH = 4096;
