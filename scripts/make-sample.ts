// Writes data/ultrachat-sample.jsonl: 300 synthetic, ultrachat-shaped conversations written for this
// project (the same generator the emulator's Hub serves), a few of them broken or repeated on purpose.
// `npx tsx scripts/make-sample.ts` rewrites it identically.
import { writeFileSync } from "node:fs";
import { ultrachatRows } from "../emulator/src/hub.js";

const rows = ultrachatRows("sample", 300);
writeFileSync(
  new URL("../data/ultrachat-sample.jsonl", import.meta.url),
  rows.map((r) => JSON.stringify(r)).join("\n") + "\n",
);
console.log(`data/ultrachat-sample.jsonl: ${rows.length} conversations`);
