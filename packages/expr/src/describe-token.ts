import type { Token } from './tokenize.js';

/** A token as messages name it: "')'", "name `age`", "end of expression". */
export function describeToken(tok: Token): string {
  switch (tok.kind) {
    case 'eof': return 'end of expression';
    case 'number': return `number ${tok.value}`;
    case 'string': return `string ${JSON.stringify(tok.value)}`;
    case 'ident': return `name \`${tok.value}\``;
    case 'quotedIdent': return `column \`${tok.value}\``;
    case 'variable': return `variable {{${tok.value}}}`;
    case 'keyword': return `'${tok.value}'`;
    case 'op': return `'${tok.value}'`;
  }
}

/** What to do about a token left over after a complete expression. */
export function strayHint(tok: Token): string {
  if (tok.kind === 'op' && tok.value === ')') return "remove it or add a matching '('";
  if (tok.kind === 'op' && tok.value === ',') return 'commas only separate function arguments and `in (...)` values';
  return "an operator such as 'and', 'or' or '==' is probably missing before it";
}
