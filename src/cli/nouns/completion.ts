import type { Command } from 'commander';
import { UsageError, describeError, exitCodeOf } from '../errors.js';

interface Node { path: string; words: string[] }

/** Every command path (`pipeline version activate`) with the words that may follow it. */
function walk(command: Command, prefix: string[], out: Node[]): void {
  const globals = command.parent ? [] : command.options.map((o) => o.long!).filter(Boolean);
  const words = [...command.commands.map((c) => c.name()), ...command.options.map((o) => o.long!).filter(Boolean), ...globals];
  out.push({ path: prefix.join(' '), words: [...new Set(words)] });
  for (const sub of command.commands) walk(sub, [...prefix, sub.name()], out);
}

/**
 * The script finds the deepest known command path among the words typed so far (options and
 * their values skipped) and offers what may follow it; global options are offered everywhere.
 */
function bashScript(nodes: Node[], globals: string[]): string {
  const cases = nodes.map((n) => `    "${n.path}") words="${n.words.join(' ')}" ;;`).join('\n');
  return `# sluice completion for bash: source <(sluice completion bash)
_sluice_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" candidate words i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) continue ;; esac
    candidate="\${path:+$path }\${COMP_WORDS[i]}"
    if _sluice_words "$candidate" >/dev/null; then path="$candidate"; fi
  done
  words="$(_sluice_words "$path") ${globals.join(' ')}"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_sluice_words() {
  local words
  case "$1" in
${cases}
    *) return 1 ;;
  esac
  echo "$words"
}
complete -o default -F _sluice_complete sluice
`;
}

function zshScript(nodes: Node[], globals: string[]): string {
  return `#compdef sluice
# sluice completion for zsh: source <(sluice completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(nodes, globals)}`;
}

/** `sluice completion bash|zsh`. */
export function completionCommand(program: Command): void {
  program.command('completion <shell>').description('print a completion script: source <(sluice completion bash) (or zsh)')
    .action((shell: string) => {
      try {
        const nodes: Node[] = [];
        walk(program, [], nodes);
        const globals = program.options.map((o) => o.long!).filter(Boolean);
        if (shell === 'bash') process.stdout.write(bashScript(nodes, globals));
        else if (shell === 'zsh') process.stdout.write(zshScript(nodes, globals));
        else throw new UsageError(`completion is offered for bash and zsh, not "${shell}"`);
      } catch (error) {
        process.stderr.write(`sluice: ${describeError(error)}\n`);
        process.exitCode = exitCodeOf(error);
      }
    });
}
