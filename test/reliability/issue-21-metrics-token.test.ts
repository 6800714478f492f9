import { describe, expect, it } from "vitest";
import { parseApiConfig } from "@leadline/api-service";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

const TOKEN = "metrics-token-for-tests-0123456789";

describe("issue 21: GET /metrics behind METRICS_TOKEN when it is set", () => {
  const db = useTestDatabase("issue21_metrics_token");
  const server = useApiServer(db, { METRICS_TOKEN: TOKEN });

  it("answers 401 in the envelope without the token or with another, and the metrics with it", async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, "Bearer"]) {
      const response = await fetch(`${server.url}/metrics`, {
        headers: authorization === undefined ? {} : { authorization },
      });
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect(await response.json()).toEqual({
        success: false,
        data: null,
        error: "Metrics need a token: send Authorization: Bearer <METRICS_TOKEN>",
      });
    }
    const allowed = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain(
      'leadline_http_requests_total{route="/metrics",method="GET",status="401"} 5',
    );
  });

  it("stays open when METRICS_TOKEN is unset, and refuses a token too short to guard anything", () => {
    expect(parseApiConfig({}).metricsToken).toBeUndefined();
    expect(() => parseApiConfig({ METRICS_TOKEN: "short" })).toThrow(/^invalid configuration: METRICS_TOKEN: /);
  });
});
