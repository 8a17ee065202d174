import type { Command } from 'commander';
import { checkProfileKey, configDir, profileName, readConfig, writeConfig, PROFILE_KEYS } from '../config-store.js';
import { describeError, exitCodeOf, UsageError } from '../errors.js';
import { Output } from '../output.js';
import path from 'node:path';

/** Config commands need no server, so they do not go through `run` (which builds an API client). */
function local(body: (...args: any[]) => Promise<void>) {
  return async (...args: unknown[]) => {
    try {
      await body(...args);
    } catch (error) {
      process.stderr.write(`sluice: ${describeError(error)}\n`);
      process.exitCode = exitCodeOf(error);
    }
  };
}

const outputOf = (command: Command) => {
  const o = command.optsWithGlobals<{ json?: boolean; quiet?: boolean }>();
  return new Output(o.json ? 'json' : o.quiet ? 'quiet' : 'table');
};

/** `sluice config set|get|unset|list|use`: named profiles in the user's config folder. */
export function configCommands(program: Command): void {
  const noun = program.command('config').description(`profiles: where sluice talks and with which credentials (${PROFILE_KEYS.join(', ')})`);
  noun.command('set <key> <value>').description('set a profile\'s url or credentials file (--profile, else the current one)')
    .action(local(async (key: string, value: string, _o: unknown, command: Command) => {
      const dir = configDir();
      const config = await readConfig(dir);
      const name = profileName(config, command.optsWithGlobals<{ profile?: string }>().profile);
      const setting = checkProfileKey(key);
      if (setting === 'url') {
        try { new URL(value); } catch { throw new UsageError(`"${value}" is not an absolute URL`); }
      }
      config.profiles[name] = { ...config.profiles[name], [setting]: setting === 'credentials' ? path.resolve(value) : value };
      await writeConfig(dir, config);
    }));
  noun.command('unset <key>').description('remove a setting from a profile')
    .action(local(async (key: string, _o: unknown, command: Command) => {
      const dir = configDir();
      const config = await readConfig(dir);
      const name = profileName(config, command.optsWithGlobals<{ profile?: string }>().profile);
      const profile = { ...config.profiles[name] };
      delete profile[checkProfileKey(key)];
      config.profiles[name] = profile;
      await writeConfig(dir, config);
    }));
  noun.command('get [key]').description('print a profile\'s settings, or one of them')
    .action(local(async (key: string | undefined, _o: unknown, command: Command) => {
      const config = await readConfig(configDir());
      const name = profileName(config, command.optsWithGlobals<{ profile?: string }>().profile);
      const profile = config.profiles[name] ?? {};
      if (key) {
        const value = profile[checkProfileKey(key)];
        if (value !== undefined) process.stdout.write(`${value}\n`);
        return;
      }
      outputOf(command).value({ profile: name, ...profile });
    }));
  noun.command('list').description('list the profiles (* marks the current one)')
    .action(local(async (_o: unknown, command: Command) => {
      const config = await readConfig(configDir());
      const current = profileName(config, undefined);
      const rows = Object.entries(config.profiles).map(([name, p]) => ({ current: name === current ? '*' : '', name, ...p }));
      outputOf(command).value(rows, { columns: ['current', 'name', 'url', 'credentials'], idField: 'name' });
    }));
  noun.command('use <profile>').description('make a profile the current one')
    .action(local(async (name: string) => {
      const dir = configDir();
      const config = await readConfig(dir);
      config.profiles[name] ??= {};
      config.current = name;
      await writeConfig(dir, config);
    }));
}
