#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { resolveSecret, signToken } from '../auth/verifier.js';
import { startServer } from '../server.js';
import { lifetimeSeconds } from './arguments.js';
import { registerClientCommands } from './commands.js';
import { exitCodeOf } from './errors.js';

const program = new Command();
program.name('sluice').description('Self-hostable Pipeline API v2 service');

program
  .command('serve')
  .description('start the service (configuration from the environment, see README)')
  .action(async () => {
    const config = loadConfig();
    const server = await startServer(config);
    if (server.signInLink) {
      // stdout, not the log: the one line that carries the code (never a token), as Jupyter prints its link.
      process.stdout.write(`\nSluice console, one sign-in within ${Math.round(config.consoleLinkTtlMs / 60_000)} minutes:\n    ${server.signInLink}\n\n`);
    }
    const stop = async (signal: string) => {
      server.app.log.info({ signal }, 'shutting down');
      await server.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });

program
  .command('token')
  .description('print a token signed with the configured (or generated) HS256 secret')
  .option('--realm <realm>', 'realm claim (default: SLUICE_REALM or "local")')
  .option('--subject <sub>', 'user id (sub claim)', 'local-user')
  .option('--role <role...>', 'roles claim', ['OrgAdmin'])
  .option('--scope <projectHrn>', 'project scope claim')
  .option('--expires <duration>', 'lifetime: a positive number and s, m, h, d or w (12h, 30d)', '12h')
  .action(async (options: { realm?: string; subject: string; role: string[]; scope?: string; expires: string }) => {
    const expiresIn = lifetimeSeconds(options.expires);
    const config = loadConfig();
    if (config.jwksUrl && !config.jwtSecret) {
      throw new Error('SLUICE_JWKS_URL is set: tokens come from your identity provider, not from sluice.');
    }
    const secret = await resolveSecret(config);
    const token = await signToken(secret, {
      subject: options.subject,
      realm: options.realm ?? config.realm,
      roles: options.role,
      scope: options.scope,
      expiresIn,
    });
    process.stdout.write(`${token}\n`);
  });

registerClientCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(exitCodeOf(error));
});
