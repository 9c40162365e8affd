import { Router } from "./http.js";

export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
  html_url: string;
  issue: string;
}

/** A stand-in for GitHub's REST API (GITHUB_API_URL): the issue-comment calls a step makes on a pull request. */
export class GithubApi {
  readonly comments: Comment[] = [];
  private next = 1000;

  router(): Router {
    const authed = (h: Record<string, unknown>) => /^(token|Bearer) \S+/.test(String(h.authorization ?? ""));
    const denied = {
      status: 401,
      body: { message: "Requires authentication", documentation_url: "https://docs.github.com/rest" },
    };
    return new Router()
      .on("GET", /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, (req, [o, r, n]) => {
        if (!authed(req.headers)) return denied;
        const all = this.comments.filter((c) => c.issue === `${o}/${r}#${n}`);
        const per = Number(req.url.searchParams.get("per_page") ?? 30);
        const page = Number(req.url.searchParams.get("page") ?? 1);
        return { status: 200, body: all.slice((page - 1) * per, page * per) };
      })
      .on("POST", /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, (req, [o, r, n]) => {
        if (!authed(req.headers)) return denied;
        const now = new Date().toISOString();
        const id = this.next++;
        const c: Comment = {
          id,
          body: String(req.json<{ body?: string }>()?.body ?? ""),
          user: { login: "github-actions[bot]", type: "Bot" },
          created_at: now,
          updated_at: now,
          html_url: `https://github.com/${o}/${r}/pull/${n}#issuecomment-${id}`,
          issue: `${o}/${r}#${n}`,
        };
        this.comments.push(c);
        return { status: 201, body: c };
      })
      .on("PATCH", /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/, (req, [, , id]) => {
        if (!authed(req.headers)) return denied;
        const c = this.comments.find((x) => x.id === Number(id));
        if (!c) return { status: 404, body: { message: "Not Found" } };
        c.body = String(req.json<{ body?: string }>()?.body ?? "");
        c.updated_at = new Date().toISOString();
        return { status: 200, body: c };
      });
  }
}
