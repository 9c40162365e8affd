// Workflow commands (`::warning file=…,line=…::message`, `::group::`, `::add-mask::`) as a person reads them in a
// terminal: annotations as `warning: file:line: title: message`, groups as headings, masked values as `***`,
// escapes (%0A, %3A…) decoded, commands nobody reads (debug, outputs, state, echo) left out. Nothing of the raw
// `::command::` syntax reaches the screen. Syntax and escapes: @actions/core's command.ts (toCommandValue,
// escapeData, escapeProperty) in the actions/toolkit repository.

const COMMAND = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/;

/** Decodes the escapes @actions/core writes into a command's data (and, with `property`, its properties). */
export function unescapeCommand(s: string, property = false): string {
  let out = s.replace(/%0D/g, "\r").replace(/%0A/g, "\n");
  if (property) out = out.replace(/%3A/g, ":").replace(/%2C/g, ",");
  return out.replace(/%25/g, "%");
}

function properties(raw: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (raw ?? "")
      .split(",")
      .filter((kv) => kv.includes("="))
      .map((kv) => [kv.slice(0, kv.indexOf("=")).trim(), unescapeCommand(kv.slice(kv.indexOf("=") + 1), true)]),
  );
}

/** `warning: file:line: title: message`, continuation lines indented under it. */
function annotation(level: string, props: Record<string, string>, message: string): string {
  const where = props.file
    ? `${props.file}${props.line ? `:${props.line}` : ""}${props.col ? `:${props.col}` : ""}: `
    : "";
  const title = props.title ? `${props.title}: ` : "";
  const [first = "", ...rest] = message.split(/\r?\n/);
  // A message that starts with its own location (as action-dataset's do) does not repeat it.
  const text = where && first.startsWith(where) ? first.slice(where.length) : first;
  return [`${level}: ${where}${title}${text}`, ...rest.map((l) => `    ${l}`)].join("\n");
}

/** Replaces every masked value (longest first, so a value containing another is hidden whole) with ***. */
export function applyMasks(text: string, masks: Iterable<string>): string {
  const sorted = [...new Set(masks)].filter((m) => m.trim().length > 0).sort((a, b) => b.length - a.length);
  return sorted.reduce((t, m) => t.split(m).join("***"), text);
}

/** The masks a step registered (`::add-mask::value`), so that they can be hidden everywhere else too. */
export function masksOf(log: string): string[] {
  return [...log.matchAll(/^::add-mask::(.*)$/gm)].map((m) => unescapeCommand(m[1]!)).filter(Boolean);
}

/** One line of a step's log, as a person reads it; undefined for a command that shows nothing. */
function renderLine(line: string, o: { debug: boolean }): string | undefined {
  const m = COMMAND.exec(line);
  if (!m) return line;
  const [, command, rawProps, data] = m;
  const message = unescapeCommand(data ?? "");
  switch (command) {
    case "error":
    case "warning":
    case "notice":
      return annotation(command, properties(rawProps), message);
    case "group":
      return `▸ ${message}`;
    case "debug":
      return o.debug ? `debug: ${message}` : undefined;
    default:
      // endgroup, add-mask, set-output, save-state, echo, add-matcher…: nothing a reader needs.
      return undefined;
  }
}

/**
 * A step's log (stdout and stderr) as a terminal should show it. The masks are those the step registered and
 * any the caller adds (e.g. from other steps of the job).
 */
export function renderLog(log: string, o: { masks?: Iterable<string>; debug?: boolean } = {}): string {
  const masks = [...masksOf(log), ...(o.masks ?? [])];
  const lines: string[] = [];
  let stopToken: string | undefined;
  for (const line of log.split("\n")) {
    // ::stop-commands::TOKEN … ::TOKEN:: prints the lines between as they are (still masked).
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      else lines.push(line.replace(/^::/, ": :"));
      continue;
    }
    const stop = /^::stop-commands::(.*)$/.exec(line);
    if (stop) {
      stopToken = stop[1];
      continue;
    }
    const shown = renderLine(line, { debug: o.debug ?? false });
    if (shown !== undefined) lines.push(shown);
  }
  return applyMasks(lines.join("\n"), masks);
}
