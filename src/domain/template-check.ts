/** Whether a template's entry point can run from its package; a reason when it cannot. */
export function entryPointProblem(entryPointClassName: string, packageClassNames: string[] | null): string | null {
  if (packageClassNames === null) return 'The package of this template does not exist in its realm and project (it may have been removed, or uploaded with a token of another project).';
  if (!packageClassNames.includes(entryPointClassName)) {
    return `The entry-point class ${entryPointClassName} is not in the package.`;
  }
  return null;
}
