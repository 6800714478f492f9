import { testPhone } from "@leadline/testkit";
import { waitFor } from "@leadline/testkit";

/** Uploads `body` as an import of `campaignId`. */
export async function uploadImport(
  url: string,
  apiKey: string,
  campaignId: string,
  body: string | Uint8Array<ArrayBuffer>,
  contentType = "text/csv",
  query = "",
) {
  const response = await fetch(`${url}/api/v1/campaigns/${campaignId}/imports${query}`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": contentType },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** The job view over REST. */
export async function getImport(url: string, apiKey: string, importId: string) {
  const response = await fetch(`${url}/api/v1/imports/${importId}`, { headers: { "x-api-key": apiKey } });
  return { status: response.status, body: (await response.json()) as any };
}

/** Polls the job until it has ended; answers its view. */
export async function waitForImportEnd(url: string, apiKey: string, importId: string, timeoutMs = 60_000) {
  let view: any;
  await waitFor(
    `import ${importId} to end`,
    async () => {
      view = (await getImport(url, apiKey, importId)).body.data;
      return ["completed", "failed", "cancelled"].includes(view?.state);
    },
    timeoutMs,
  );
  return view;
}

/**
 * A CSV of `rows` data rows with known flaws, and its records as a CSV
 * parser reads them: every 10th row repeats an earlier phone, every 25th
 * has an invalid phone, every 40th a bad priority; one name in five is
 * quoted with a comma inside.
 */
export function flawedCsv(rows: number, seed = 0): { csv: string; records: Record<string, string>[] } {
  const lines = ["phone,id,priority,first_name"];
  const records: Record<string, string>[] = [];
  for (let i = 0; i < rows; i++) {
    const phone = i % 25 === 24 ? "not-a-phone" : i % 10 === 9 ? testPhone(seed + i - 5) : testPhone(seed + i);
    const priority = i % 40 === 39 ? "high" : String(i % 100);
    const name = i % 5 === 0 ? `Lovelace, Ada ${i}` : `Ada${i}`;
    records.push({ phone, id: `crm-${i}`, priority, first_name: name });
    lines.push(`${phone},crm-${i},${priority},${i % 5 === 0 ? `"${name}"` : name}`);
  }
  return { csv: `${lines.join("\n")}\n`, records };
}

/**
 * What importing `records` (from {@link flawedCsv}) should give: a bad phone
 * or priority is invalid, a phone seen before is a duplicate (skipped), and
 * every other row creates a lead.
 */
export function expectedCounts(records: Record<string, string>[]): {
  invalid: number;
  duplicates: number;
  created: number;
} {
  const seen = new Set<string>();
  let invalid = 0;
  let duplicates = 0;
  for (const record of records) {
    if (record.phone === "not-a-phone" || record.priority === "high") invalid += 1;
    else if (seen.has(record.phone!)) duplicates += 1;
    else seen.add(record.phone!);
  }
  return { invalid, duplicates, created: seen.size };
}
