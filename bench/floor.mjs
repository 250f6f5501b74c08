#!/usr/bin/env node
// The floor: the least any OTLP JSON Lines reader must do — stream the file, split lines, JSON.parse each one —
// and count the spans so the parse cannot be optimised away. The analyzer is measured as a ratio to this.
//
//   node bench/floor.mjs FILE...        prints {"files":1,"lines":N,"spans":N}
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let lines = 0;
let spans = 0;
const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node bench/floor.mjs FILE...');
  process.exit(2);
}
for (const file of files) {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const data = JSON.parse(line);
    lines++;
    for (const rs of data.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
  }
}
console.log(JSON.stringify({ files: files.length, lines, spans }));
