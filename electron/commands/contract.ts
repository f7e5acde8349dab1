import type { z } from 'zod';
import { backupContract } from './backup.contract';
import { consentContract } from './consent.contract';
import { importContract } from './import.contract';
import { inboxContract } from './inbox.contract';
import { microsoftContract } from './microsoft.contract';
import { newsletterContract } from './newsletter.contract';
import { registerContract } from './register.contract';
import { sendingContract } from './sending.contract';
import type { CommandSpec } from './spec';

/** Every command the UI can invoke. Import only types from here in the renderer. */
export const contract = { ...registerContract, ...importContract, ...backupContract, ...consentContract, ...newsletterContract, ...sendingContract, ...inboxContract, ...microsoftContract };

export type Contract = typeof contract;
export type CommandName = keyof Contract;
export type InputOf<N extends CommandName> = z.input<Contract[N]['input']>;
export type OutputOf<N extends CommandName> = Contract[N] extends CommandSpec<z.ZodType, infer O> ? O : never;
export type { InvokeResult, CommandErrorShape } from './spec';
export type * from './register.contract';
export type * from './import.contract';
export type * from './backup.contract';
export type * from './consent.contract';
export type * from './newsletter.contract';
export type * from './sending.contract';
export type * from './inbox.contract';
export type * from './microsoft.contract';
export type { UiLanguage } from '../../db/shared/messages';
