import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { SMTPServer } from 'smtp-server';
import { OUTLOOK_RESOURCE, type MsIdentity } from './ms-identity';
import type { TestCa } from './ms-tls';

/**
 * An SMTP submission server on 127.0.0.1 that behaves like Exchange Online's smtp.office365.com:
 * STARTTLS first, then only XOAUTH2 with a valid, unexpired token for the account that logs in
 * (verified against the identity stand-in's JWKS); passwords get 550 5.7.30.
 */

export interface OAuthSmtpOptions {
  ca: TestCa;
  identity: MsIdentity;
  /** As a tenant with SMTP AUTH switched off: every AUTH gets 535 5.7.139. */
  smtpAuthDisabled?: boolean;
}

export interface OAuthSmtpMessage {
  user: string;
  from: string;
  to: string[];
  raw: Buffer;
}

function reply(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

const SERVER = 'AM0PR10MB1234.EURPRD10.PROD.OUTLOOK.COM';

export class OAuthSmtpServer {
  readonly received: OAuthSmtpMessage[] = [];
  /** Every AUTH attempt: method, user and the reply code given. */
  readonly authAttempts: { method: string; user: string; code: number }[] = [];
  smtpAuthDisabled: boolean;
  port = 0;
  private server: SMTPServer | null = null;
  private jwks: ReturnType<typeof createLocalJWKSet> | null = null;

  constructor(private readonly options: OAuthSmtpOptions) {
    this.smtpAuthDisabled = options.smtpAuthDisabled ?? false;
  }

  async start(): Promise<this> {
    const keys = (await (await this.options.ca.fetch(this.options.identity.jwksUri)).json()) as JSONWebKeySet;
    this.jwks = createLocalJWKSet(keys);
    const issuer = `https://sts.windows.net/${this.options.identity.tenantId}/`;
    const server: SMTPServer = new SMTPServer({
      logger: false,
      name: SERVER,
      banner: `Microsoft ESMTP MAIL Service ready at ${new Date().toUTCString()}`,
      key: this.options.ca.keyPem,
      cert: this.options.ca.certPem,
      authMethods: ['XOAUTH2', 'LOGIN', 'PLAIN'],
      allowInsecureAuth: false,
      size: 35 * 1024 * 1024,
      onAuth: (auth, _session, cb) => {
        const done = (error: Error | null, user?: string) => {
          this.authAttempts.push({ method: auth.method, user: auth.username ?? '', code: error ? (error as Error & { responseCode: number }).responseCode : 235 });
          if (error) cb(error);
          else cb(null, { user });
        };
        const stamp = `[${SERVER} ${new Date().toISOString()}]`;
        if (this.smtpAuthDisabled) {
          return done(reply(535, `5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. ${stamp}`));
        }
        if (auth.method !== 'XOAUTH2') return done(reply(550, `5.7.30 Basic authentication is not supported for Client Submission. ${stamp}`));
        jwtVerify(auth.accessToken ?? '', this.jwks!, { issuer, audience: OUTLOOK_RESOURCE, algorithms: ['RS256'], clockTolerance: 0 })
          .then(({ payload }) => {
            const claims = payload as JWTPayload & { scp?: string; upn?: string };
            const scopes = (claims.scp ?? '').split(' ');
            const sameUser = (claims.upn ?? '').toLowerCase() === (auth.username ?? '').toLowerCase();
            if (!scopes.includes('SMTP.Send') || !sameUser) return done(reply(535, `5.7.3 Authentication unsuccessful ${stamp}`));
            done(null, claims.upn);
          })
          .catch(() => done(reply(535, `5.7.3 Authentication unsuccessful ${stamp}`)));
      },
      onMailFrom: (address, session, cb) => {
        const user = String(session.user ?? '');
        if (!user) return cb(reply(530, '5.7.57 Client not authenticated to send mail.'));
        if (address.address.toLowerCase() !== user.toLowerCase()) {
          return cb(reply(554, `5.2.252 SendAsDenied; ${user} not allowed to send as ${address.address}`));
        }
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({
            user: String(session.user ?? ''),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          cb(null, `2.6.0 <queued@${SERVER}> Queued mail for delivery`);
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
