import {
  AppError,
  ERROR_CODES,
  isIpAddress,
  isLocalhostName,
  refusedAddressReason,
  refusedTargetMessage,
} from "@leadline/core";
import type { WebhookSettings } from "../context.ts";

const invalidUrl = (message: string) =>
  new AppError(ERROR_CODES.VALIDATION_FAILED, message, { issues: [{ path: "url", message }] });

/**
 * The registration-time rules the schema cannot know, since they depend on
 * the service's settings: `https` unless the host is in WEBHOOK_ALLOW_HOSTS,
 * and no IP literal (or localhost name) in a refused range unless
 * WEBHOOK_ALLOW_PRIVATE. Names are checked again, resolved, at every
 * delivery.
 */
export function checkWebhookUrl(url: string, settings: WebhookSettings): void {
  const parsed = new URL(url);
  const host = parsed.hostname.toLowerCase();
  if (parsed.username || parsed.password) {
    throw invalidUrl("url must not contain a user name or password; put credentials in the path or query instead");
  }
  if (parsed.protocol === "http:" && !settings.allowHosts.includes(host.replace(/^\[|\]$/g, ""))) {
    throw invalidUrl(
      `url must use https; http is allowed only for hosts in WEBHOOK_ALLOW_HOSTS (${host} is not one of them)`,
    );
  }
  if (settings.allowPrivate) return;
  const reason = isIpAddress(host)
    ? refusedAddressReason(host)
    : isLocalhostName(host)
      ? "a loopback address"
      : undefined;
  if (reason) throw invalidUrl(`url is not allowed: ${refusedTargetMessage(host, reason)}`);
}
