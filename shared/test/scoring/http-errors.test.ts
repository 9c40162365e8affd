import {
  bodyExcerpt,
  describeHttpError,
  describeNetworkError,
  describeTimeout,
} from "../../src/scoring/http-errors.js";

describe("messages for HTTP errors", () => {
  it("says a 401 is a wrong key and to check the key and the auth mode", () => {
    const m = describeHttpError(401, "");
    expect(m).toMatch(/^401 Unauthorized: the endpoint did not accept the key\. Check api-key/);
    expect(m).toContain('auth mode "key"');
    expect(m).toContain("The response body was empty.");
  });

  it("says a 403 is a refused caller", () => {
    expect(describeHttpError(403, "denied")).toMatch(/^403 Forbidden: .*The endpoint said: denied$/);
  });

  it("names the deployment header in a 404 when one was sent", () => {
    const m = describeHttpError(404, '{"message": "No valid deployments to route to."}', { deployment: "blue" });
    expect(m).toBe(
      '404 Not Found: no such endpoint or deployment. The request asked for deployment "blue" in the azureml-model-deployment header: check that this deployment exists on the endpoint. The endpoint said: No valid deployments to route to.',
    );
    expect(describeHttpError(404, "")).not.toContain("azureml-model-deployment");
  });

  it("says a 424 is a model error and shows what the container said", () => {
    const m = describeHttpError(
      424,
      '{"message": "An unexpected error occurred in scoring script. Check the logs for more info."}',
    );
    expect(m).toMatch(/^424 Failed Dependency: model error, the model container failed on this input/);
    expect(m).toContain("The endpoint said: An unexpected error occurred in scoring script.");
  });

  it("says 408, 429 and 5xx were retried, with the number of attempts", () => {
    expect(describeHttpError(408, "", { attempts: 4 })).toMatch(
      /^408 Request Timeout \(still failing after 4 attempts\)/,
    );
    expect(describeHttpError(429, "slow down", { attempts: 4 })).toMatch(
      /^429 Too Many Requests \(still failing after 4 attempts\): the endpoint is throttling\. Lower concurrency/,
    );
    expect(describeHttpError(503, "upstream connect error", { attempts: 2 })).toBe(
      "503 Service Unavailable (still failing after 2 attempts): the endpoint is not ready or is overloaded (it may still be starting or scaling). The endpoint said: upstream connect error",
    );
    expect(describeHttpError(500, "boom")).toBe(
      "500 Internal Server Error: the endpoint failed on its side. The endpoint said: boom",
    );
  });

  it("suggests the request shape for a 400", () => {
    expect(describeHttpError(400, "bad input")).toContain('another request shape than {"input_data"');
  });

  it("cuts the body excerpt to the maximum length, on one line", () => {
    const m = describeHttpError(500, `line one\n\n   line two ${"y".repeat(500)}`, { maxExcerpt: 40 });
    const said = m.split("The endpoint said: ")[1]!;
    expect(said.startsWith("line one line two yyy")).toBe(true);
    expect(Array.from(said)).toHaveLength(40);
  });

  it("takes the message out of JSON error bodies", () => {
    expect(bodyExcerpt('{"error": {"code": "Throttled", "message": "Too many"}}')).toBe("Throttled: Too many");
    expect(bodyExcerpt('{"detail": "nope"}')).toBe("nope");
    expect(bodyExcerpt('{"other": 1}')).toBe('{"other": 1}');
  });

  it("says a timeout, with the limit in seconds and the tries", () => {
    expect(describeTimeout(90_000, 4)).toBe(
      "timed out: no answer within 90 s, 4 times. A cold endpoint can be slow on its first requests: raise timeout-seconds or retries.",
    );
  });

  it("says a connection failure in words, with the code", () => {
    expect(describeNetworkError("ECONNRESET", "socket hang up", 2)).toBe(
      "could not reach the endpoint (after 2 attempts): the connection was reset (ECONNRESET): socket hang up",
    );
    expect(describeNetworkError("ENOTFOUND", "getaddrinfo ENOTFOUND x")).toContain("check the scoring URI");
  });
});
