// The worker of split-read.ts: reads a file's JSON lines from a byte offset and posts its spans packed, in batches.
import { parentPort, workerData } from 'node:worker_threads';
import { readLinesFrom } from './read-file.js';
import { encodeSpans, transferablesOf } from './span-codec.js';
import type { TailData, TailMessage } from './split-read.js';

const port = parentPort;
if (port) {
  const { workerPath, from } = workerData as TailData;
  const post = (m: TailMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const tail = await readLinesFrom(
    workerPath,
    from,
    (n) => post({ type: 'bytes', n }),
    (spans) => {
      const packed = encodeSpans(spans);
      post({ type: 'spans', spans: packed }, transferablesOf(packed));
    },
  );
  post({ type: 'done', tail });
}
