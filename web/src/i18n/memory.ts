// Messages of the memory area (English, Simplified Chinese). Placeholders: {name}.
import type { Translation } from './types';

export const en = {
  'memory.placeholder': '…',
} as const;

export const zh: Translation<typeof en> = {
  'memory.placeholder': '…',
};
