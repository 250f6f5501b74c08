import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Bytes [start, end] of a file (both inclusive, as createReadStream takes them); plain files only. */
export interface ByteRange {
  start?: number;
  end?: number;
}

/**
 * A file as a stream of UTF-8 text chunks, gunzipped when its first bytes are the gzip magic (the name does
 * not matter). `onBytes` reports compressed bytes as they are read, for progress.
 */
export async function* textChunks(path: string, onBytes?: (n: number) => void, range?: ByteRange): AsyncGenerator<string> {
  const gz = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20, ...range });
  if (onBytes) raw.on('data', (b) => onBytes(b.length));
  let source: Readable = raw;
  if (gz) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    source = raw.pipe(gunzip);
  }
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of source) {
      const text = decoder.write(chunk as Buffer);
      if (text) yield text;
    }
    const tail = decoder.end();
    if (tail) yield tail;
  } finally {
    raw.destroy();
    source.destroy();
  }
}

export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * Text chunks with the ability to look at the beginning first: `peek` buffers until `enough(head)` says so
 * (or the file ends), and the buffered text is replayed by `chunks()`/`lines()` afterwards.
 */
export class PeekableText {
  private head = '';
  private ended = false;
  private readonly it: AsyncIterator<string>;

  constructor(chunks: AsyncIterable<string>) {
    this.it = chunks[Symbol.asyncIterator]();
  }

  async peek(enough: (head: string) => boolean): Promise<{ head: string; ended: boolean }> {
    while (!this.ended && !enough(this.head)) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else this.head += r.value;
    }
    return { head: this.head, ended: this.ended };
  }

  async *chunks(): AsyncGenerator<string> {
    if (this.head) {
      const h = this.head;
      this.head = '';
      yield h;
    }
    if (this.ended) return;
    for (;;) {
      const r = await this.it.next();
      if (r.done) return;
      yield r.value;
    }
  }

  /** Lines without their terminator ("\n" or "\r\n"), numbered from 1. */
  async *lines(): AsyncGenerator<[line: string, lineNo: number]> {
    let rest = '';
    let lineNo = 0;
    for await (const chunk of this.chunks()) {
      let text = rest ? rest + chunk : chunk;
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield [text.slice(start, end), ++lineNo];
        start = nl + 1;
      }
      rest = start < text.length ? text.slice(start) : '';
      text = '';
    }
    if (rest) yield [rest, ++lineNo];
  }

  /** Stop reading (closes the file) when the rest is not wanted, e.g. after an unrecognised start. */
  async close(): Promise<void> {
    this.ended = true;
    await this.it.return?.(undefined);
  }

  /** The whole remaining text; refuses more than `limitChars` (V8 strings cannot exceed ~512 M chars anyway). */
  async all(limitChars: number, describe: () => string): Promise<string> {
    const parts: string[] = [];
    let n = 0;
    for await (const chunk of this.chunks()) {
      n += chunk.length;
      if (n > limitChars) throw new RangeError(describe());
      parts.push(chunk);
    }
    return parts.join('');
  }
}
