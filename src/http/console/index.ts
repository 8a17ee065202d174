import type { Services } from '../../services.js';
import type { TypedApp } from '../routes/types.js';
import { consoleAssets } from './assets.js';
import { signInRoutes, type SignInCodes } from './sign-in.js';
import { consoleViewRoutes } from './views.js';

/** The web console (README: "Console"): its page and assets, its sign-in, and what its pages read. */
export async function registerConsole(app: TypedApp, services: Services, signIn: SignInCodes | undefined): Promise<void> {
  await consoleAssets(app);
  signInRoutes(app, signIn);
  consoleViewRoutes(app, services);
}
