import type { z } from 'zod';
import { classifyStorageError } from '../../db/store/storage';
import { CommandError } from '../../db/shared/errors';
import { Registry, type Handlers } from './registry';
import type { CommandSpec } from './spec';

/** A registry whose commands report storage faults (disk full, folder not writable, …) in plain words. */
export class StorageSafeRegistry extends Registry {
  override register<C extends Record<string, CommandSpec<z.ZodType, unknown>>>(contract: C, handlers: Handlers<C>): this {
    const guarded = {} as Record<string, unknown>;
    for (const [name, handler] of Object.entries(handlers) as [string, (...args: unknown[]) => unknown][]) {
      guarded[name] = async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          if (error instanceof CommandError) throw error;
          const fault = classifyStorageError(error);
          if (fault) throw new CommandError(fault.code, fault.messages);
          throw error;
        }
      };
    }
    return super.register(contract, guarded as Handlers<C>);
  }
}
