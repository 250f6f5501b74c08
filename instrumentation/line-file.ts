/**
 * An append-only JSON Lines file written with synchronous writes. Synchronous on purpose: the recorder must be
 * able to flush from 'exit' and signal handlers, where nothing asynchronous runs any more.
 * The fs functions are captured at load, before the fs instrumentation patches the module, so our own writes
 * never become spans.
 */
import fs from 'node:fs';
import { warnOnce } from './warn.js';

const { openSync, writeSync, closeSync } = fs;

export class LineFile {
  private fd: number | null = null;
  private failed = false;

  constructor(readonly path: string) {}

  /** Appends text (already newline-terminated). False when the file is unusable; the caller counts the loss. */
  append(text: string): boolean {
    if (this.failed || text.length === 0) return !this.failed;
    return this.appendBytes(Buffer.from(text, 'utf8'));
  }

  /** Appends bytes (already newline-terminated) in one write call when the OS allows. */
  appendBytes(buf: Buffer): boolean {
    if (this.failed || buf.length === 0) return !this.failed;
    try {
      if (this.fd === null) this.fd = openSync(this.path, 'a');
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
      return true;
    } catch (err) {
      this.failed = true;
      warnOnce('write', `cannot write ${this.path} (${(err as Error).message}); the app continues unrecorded`);
      this.close();
      return false;
    }
  }

  get broken(): boolean {
    return this.failed;
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed or the disk went away: nothing to save.
    }
    this.fd = null;
  }
}
