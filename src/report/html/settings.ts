// A run's or a sweep's settings as a list of name and value, in the order given (results.json's
// config is already sorted). A list of plain values reads as "a, b, c" (an empty one as –); an
// object, or a list holding one, as compact JSON.

import type { JsonObject, JsonValue } from '../config.ts';
import { escapeHtml } from './escape.ts';

/** The settings as a definition list. */
export function settingsList(settings: JsonObject): string {
  const items = Object.entries(settings).map(([name, value]) => `<div><dt>${escapeHtml(name)}</dt><dd>${escapeHtml(shown(value))}</dd></div>`);
  return `<dl class="config">${items.join('')}</dl>`;
}

function shown(value: JsonValue): string {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.length === 0 ? '–' : value.join(', ');
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
}
