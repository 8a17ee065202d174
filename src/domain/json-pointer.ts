/** RFC 6901: `~` and `/` inside a property name are escaped as `~0` and `~1`. */
export const pointerSegment = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');
