import type { Payload } from './payload.js';

/** Reads the embedded data: plain JSON, or gzip+base64 for large reports (see viewer/page.ts). */
export async function readPayload(el: HTMLElement): Promise<Payload> {
  const text = el.textContent ?? '';
  if (el.dataset.encoding !== 'gzip-base64') return JSON.parse(text) as Payload;
  const bin = atob(text.trim());
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text()) as Payload;
}
