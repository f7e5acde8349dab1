/**
 * A mailbox reader lists the messages in one folder, fetches each as MIME for the classifier,
 * and moves a message to the processed folder once its outcome is recorded. Two implementations:
 * IMAP (imapflow) and Microsoft Graph. The inbox processor knows only this interface, so
 * recording stays idempotent whichever one runs (a message seen twice is recognised by its
 * Message-ID and trace header, not by the reader's id).
 */

export interface MailboxMessage {
  /** The reader's id for the message in `folder`: an IMAP UID, a Graph message id. */
  id: string;
  /** RFC 5322 Message-ID when the server knows it without fetching the body. */
  messageId: string | null;
  receivedAt: Date | null;
  size: number | null;
}

export interface MailboxReader {
  /**
   * The messages in `folder` (a path such as `Inbox` or `Inbox/Schakel`, `/` between levels),
   * oldest first, at most `limit`.
   */
  list(folder: string, options?: { limit?: number }): Promise<MailboxMessage[]>;
  /** The complete message as the server stores it. */
  fetchRaw(folder: string, id: string): Promise<Buffer>;
  /** Moves the message to `target` (created when missing); returns its id there when known. */
  move(folder: string, id: string, target: string): Promise<string | null>;
  close(): Promise<void>;
}
