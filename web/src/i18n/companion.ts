// Messages of the companion area (English, Simplified Chinese). Placeholders: {name}.
import type { Translation } from './types';

export const en = {
  'companion.placeholder': '…',
} as const;

export const zh: Translation<typeof en> = {
  'companion.placeholder': '…',
};
