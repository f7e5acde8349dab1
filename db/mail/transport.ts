/**
 * A mail transport sends one message that is already built (MIME bytes with List-Unsubscribe,
 * List-Id, trace headers and DKIM signature) and says what became of it. Two implementations:
 * SMTP (nodemailer, password or XOAUTH2) and Microsoft Graph (`POST /me/sendMail`). The send
 * worker knows only this interface; it records "sending" before `send` and the outcome after.
 */

export interface OutgoingMessage {
  /** The complete message as it goes on the wire; the transport never changes it. */
  raw: Buffer;
  /** Envelope sender and recipients (SMTP uses them; Graph reads the recipients from the headers). */
  envelope: { from: string; to: string[] };
}

export type SendOutcome =
  /** The server took the message; `response` is its answer (SMTP reply, Graph request id). */
  | { kind: 'accepted'; response: string }
  /** Not sent, try later; wait at least `retryAfterMs` when the server said so (Retry-After). */
  | { kind: 'temporary'; retryAfterMs: number | null; code: string; detail: string }
  /** This recipient or this message cannot be delivered; other recipients go on. */
  | { kind: 'recipient'; code: string; detail: string }
  /**
   * The account cannot send (sign-in expired or revoked, no consent, no licence, sending as this
   * address denied): pause the job, fail nobody. `code` is a MicrosoftErrorCode where it applies.
   */
  | { kind: 'account'; code: string; detail: string }
  /** The connection broke after the message was handed over: it may have gone out. Never resend silently. */
  | { kind: 'uncertain'; detail: string };

export interface MailTransport {
  send(message: OutgoingMessage): Promise<SendOutcome>;
  /** Releases connections; the transport is not used afterwards. */
  close(): Promise<void>;
}
