/**
 * Hugging Face model ids checked by Hugging Face's own rules before anything is created: an id the Hub
 * refuses would otherwise create a cluster and a job that fails at model import, after GPU minutes. The
 * rules are those of huggingface_hub's validate_repo_id (huggingface/huggingface_hub,
 * src/huggingface_hub/utils/_validators.py, REPO_ID_REGEX and validate_repo_id), which mirror the Hub's own:
 * - "name" or "namespace/name": at most one "/";
 * - ASCII letters, digits, "-", "_" and "." only (`[\w\-.]` with re.ASCII);
 * - the name 1 to 96 characters;
 * - each part starts and ends with a letter, digit or "_" (the regex's \b): no leading or trailing "-" or ".";
 * - no "--" and no "..";
 * - not ending in ".git".
 */
const PART = /^[A-Za-z0-9_](?:[\w.-]*[A-Za-z0-9_])?$/;

/** What is wrong with the id by Hugging Face's rules, or undefined when it is well-formed. */
export function huggingFaceIdProblem(id: string): string | undefined {
  const parts = id.split("/");
  if (parts.length > 2) return 'has more than one "/": a Hugging Face id is "name" or "namespace/name"';
  const name = parts[parts.length - 1]!;
  if (parts.some((p) => !PART.test(p)))
    return 'may hold only ASCII letters, digits, "-", "_" and ".", and no part may start or end with "-" or "."';
  if (name.length > 96) return `has a name of ${name.length} characters; Hugging Face allows at most 96`;
  if (id.includes("--") || id.includes("..")) return 'holds "--" or "..", which Hugging Face refuses';
  if (id.endsWith(".git")) return 'ends in ".git", which Hugging Face refuses';
  return undefined;
}
