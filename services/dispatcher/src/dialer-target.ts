/** Where hand-offs go, taken apart once so that no credential reaches a log line or `lastError`. */
export interface DialerTarget {
  /** DIALER_URL without its user info: fetch refuses URLs that carry credentials. */
  url: string;
  /** `Basic …` from DIALER_URL's user info, when it has one. */
  authorization: string | undefined;
  /** DIALER_URL as logs may show it: the password, if any, replaced by `***`. */
  display: string;
}

/**
 * Splits `DIALER_URL` (`https://user:password@dialer.example/calls`) into the
 * URL to call, the Basic authorization its user info stands for, and a form
 * safe to log.
 *
 * @example
 * dialerTarget("https://me:s3cret@dialer.example/calls").display // "https://me:***@dialer.example/calls"
 */
export function dialerTarget(dialerUrl: string): DialerTarget {
  const url = new URL(dialerUrl);
  if (url.username === "" && url.password === "") return { url: url.href, authorization: undefined, display: url.href };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const authorization = `Basic ${btoa(String.fromCodePoint(...new TextEncoder().encode(credentials)))}`;
  if (url.password !== "") url.password = "***";
  const display = url.href;
  url.username = "";
  url.password = "";
  return { url: url.href, authorization, display };
}
