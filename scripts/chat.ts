// `npm run chat -- --endpoint NAME [--deployment D] [--system "…"]`: chat with a deployed model in the terminal,
// over the same scoring client the actions use (shared/src/scoring/), with no Prompt flow. It logs in as a person
// does: after `az login` (Azure CLI), or any other credential of DefaultAzureCredential's chain (shared/src/login/
// credential.ts); against the local emulator, with the environment `npm run emulator` prints. The endpoint's key
// is read with listKeys and never printed. Each answer shows its latency; the conversation's turns are sent with
// every question. Commands: /reset (forget the turns), /history, /exit (or Ctrl+D).
import { createInterface } from "node:readline";
import type { Logger } from "../shared/src/log.js";
import { azureSettings, openChat, parseArgs, USAGE, type Chat } from "./chat/session.js";

/** Progress and problems go to stderr, the conversation to stdout; nothing here masks or prints a secret. */
function stderrLogger(prefix = "chat"): Logger {
  const line = (m: string) => process.stderr.write(`[${prefix}] ${m}\n`);
  const log: Logger = {
    debug: () => {},
    info: line,
    notice: line,
    warning: (m) => line(`warning: ${m}`),
    error: (m) => line(`error: ${m}`),
    group: async (_t, fn) => fn(),
    child: (name) => stderrLogger(`${prefix}/${name}`),
  };
  return log;
}

async function converse(chat: Chat, interactive: boolean): Promise<void> {
  const rl = createInterface({ input: process.stdin, terminal: interactive });
  const prompt = () => interactive && process.stdout.write("you> ");
  prompt();
  for await (const raw of rl) {
    const text = raw.trim();
    if (text === "/exit" || text === "/quit") break;
    if (text === "/reset") {
      chat.reset();
      process.stdout.write("(conversation forgotten)\n");
    } else if (text === "/history") {
      for (const m of chat.history) process.stdout.write(`  ${m.role}: ${m.content}\n`);
      process.stdout.write(`(${chat.history.length / 2} turn${chat.history.length === 2 ? "" : "s"})\n`);
    } else if (text) {
      const r = await chat.ask(text);
      if (r.ok) {
        const turns = chat.history.length / 2;
        process.stdout.write(`phi3> ${r.answer}\n(${(r.latencyMs / 1000).toFixed(2)} s, turn ${turns})\n`);
      } else process.stdout.write(`(no answer: ${r.message})\n`);
    }
    prompt();
  }
  rl.close();
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if ("problem" in args) {
    process.stderr.write(`${args.problem}\nUsage: ${USAGE}\n`);
    return 2;
  }
  const settings = azureSettings(process.env);
  if ("problem" in settings) {
    process.stderr.write(
      `${settings.problem}\nSet AZURE_SUBSCRIPTION_ID, AZUREML_RESOURCE_GROUP and AZUREML_WORKSPACE (after az login), or the environment npm run emulator prints.\n`,
    );
    return 2;
  }
  const log = stderrLogger();
  const chat = await openChat(settings, args, log);
  log.info(
    `Chatting with endpoint ${args.endpoint}${args.deployment ? ` (deployment ${args.deployment})` : ""}. /reset, /history, /exit.`,
  );
  await converse(chat, process.stdin.isTTY === true);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[chat] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
