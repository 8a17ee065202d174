import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** Where the console is served; its own paths below are relative to it. */
export const BASE = '/console';

const here = () => {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return path === '' ? '/' : path;
};

/** Moves to a console path without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', BASE + to);
  else history.pushState(null, '', BASE + to);
  window.dispatchEvent(new Event('sluice:navigate'));
  window.scrollTo(0, 0);
}

/** The current console path, following back/forward and `navigate`. */
export function usePath(): string {
  const [path, setPath] = useState(here);
  useEffect(() => {
    const update = () => setPath(here());
    window.addEventListener('popstate', update);
    window.addEventListener('sluice:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('sluice:navigate', update);
    };
  }, []);
  return path;
}

interface LinkProps {
  href: string;
  children: ComponentChildren;
  class?: string;
  'aria-current'?: 'page';
}

/** A real link (keyboard, middle click, copy address all work) that moves within the page. */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a {...rest} href={BASE + href} onClick={onClick}>{children}</a>;
}
