import type { ConnectionOptions } from 'node:tls';

/** Exchange Online's client endpoints; tests pass their own host, port and CA. */
export const MICROSOFT_SMTP = { host: 'smtp.office365.com', port: 587 } as const;
export const MICROSOFT_IMAP = { host: 'outlook.office365.com', port: 993 } as const;
export const MICROSOFT_GRAPH_BASE = 'https://graph.microsoft.com/v1.0';

export interface EndpointOverride {
  host?: string;
  port?: number;
  tls?: ConnectionOptions;
}

/** nodemailer SMTP options for XOAUTH2 with a token from MicrosoftAuth (STARTTLS is required, as Exchange does). */
export function microsoftSmtpOptions(user: string, accessToken: string, override: EndpointOverride = {}) {
  return {
    host: override.host ?? MICROSOFT_SMTP.host,
    port: override.port ?? MICROSOFT_SMTP.port,
    secure: false,
    requireTLS: true,
    tls: override.tls,
    auth: { type: 'OAuth2' as const, user, accessToken },
  };
}

/** imapflow options for XOAUTH2/OAUTHBEARER with a token from MicrosoftAuth. */
export function microsoftImapOptions(user: string, accessToken: string, override: EndpointOverride & { secure?: boolean } = {}) {
  return {
    host: override.host ?? MICROSOFT_IMAP.host,
    port: override.port ?? MICROSOFT_IMAP.port,
    secure: override.secure ?? true,
    tls: override.tls,
    auth: { user, accessToken },
    logger: false as const,
  };
}
