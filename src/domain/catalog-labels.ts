import type { FieldError } from './errors.js';
import { pointerSegment } from './json-pointer.js';

/**
 * A version's `inputCatalogs` must name exactly the template's `inputCatalogIds`: every label
 * once, no label the template does not declare.
 */
export function catalogLabelProblems(inputCatalogs: Record<string, string>, templateLabels: string[], at: string): FieldError[] {
  const problems: FieldError[] = [];
  const given = Object.keys(inputCatalogs);
  for (const label of templateLabels) {
    if (!given.includes(label)) {
      problems.push({ field: at, message: `is missing the input catalog "${label}" that the template declares`, code: 'E1000' });
    }
  }
  for (const label of given) {
    if (!templateLabels.includes(label)) {
      const declared = templateLabels.length > 0 ? templateLabels.join(', ') : 'none';
      problems.push({
        field: `${at}/${pointerSegment(label)}`,
        message: `"${label}" is not an input catalog id of the template (declared: ${declared})`,
        invalidValue: label,
        code: 'E1000',
      });
    }
  }
  return problems;
}
