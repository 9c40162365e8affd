// The dataset benchmark's baseline (a plain script, run as its own process by dataset.ts): read a JSONL
// file line by line and JSON.parse each line, nothing else — the floor any preparation builds on. Lines
// are read 1 MiB at a time, split on "\n" as bytes and then decoded, as action-dataset's reader does (it
// also reuses one buffer instead of a read stream's; the baseline keeps the plainest way).
import { createReadStream } from "node:fs";

let records = 0;
let pending = [];
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 20 })) {
  let pos = 0;
  for (let nl = chunk.indexOf(10, pos); nl !== -1; nl = chunk.indexOf(10, pos)) {
    const piece = chunk.subarray(pos, nl);
    const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
    pending = [];
    pos = nl + 1;
    if (bytes.length) {
      JSON.parse(bytes.toString("utf8"));
      records++;
    }
  }
  if (pos < chunk.length) pending.push(chunk.subarray(pos));
}
if (pending.length) {
  JSON.parse(Buffer.concat(pending).toString("utf8"));
  records++;
}
console.log(JSON.stringify({ records }));
