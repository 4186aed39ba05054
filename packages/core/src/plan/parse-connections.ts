export interface ParsedDataEdge {
  index: number;
  from: string;
  from_port: string;
  to: string;
  to_port: string;
}

export type ControlKind = 'normal' | 'iterate' | 'start';

export interface ParsedControlEdge {
  index: number;
  from: string;
  to: string;
  kind: ControlKind;
  /** The order as written (`1`, `Last`), empty when only a kind was given. */
  orderText: string;
  /** `parallel N` as written after an iterate kind (`(iterate parallel 4|)`); null when absent. */
  parallelText: string | null;
  condition: string | null;
  /** Offset of the condition inside the connection string. */
  conditionOffset: number;
}

export interface ConnectionSyntaxError {
  index: number;
  message: string;
  hint: string;
}

const DATA = /^\s*([A-Za-z][\w]*)\.([A-Za-z_][\w]*)\s*-(?:>)?\s*([A-Za-z][\w]*)\.([A-Za-z_][\w]*)\s*$/;
const CONTROL = /^\s*([A-Za-z][\w]*)\s*\((.*)\)\s*([A-Za-z][\w]*)\s*$/;

export function parseDataEdge(text: string, index: number): ParsedDataEdge | ConnectionSyntaxError {
  const m = DATA.exec(text);
  if (!m) {
    return {
      index,
      message: `cannot read data connection "${text}"`,
      hint: 'write it as "from_id.port - to_id.port", e.g. "source_csv.data - transform_data.input"',
    };
  }
  return { index, from: m[1], from_port: m[2], to: m[3], to_port: m[4] };
}

export function parseControlEdge(text: string, index: number): ParsedControlEdge | ConnectionSyntaxError {
  const m = CONTROL.exec(text);
  if (!m) {
    return {
      index,
      message: `cannot read control connection "${text}"`,
      hint: 'write it as "from_id (order|condition) to_id", e.g. "load (1|) report" or "load (2|{{load__row_count}} > 0) report"',
    };
  }
  const valve = m[2];
  const valveStart = text.indexOf('(') + 1;
  const bar = valve.indexOf('|');
  const head = (bar < 0 ? valve : valve.slice(0, bar)).trim();
  // `iterate`, `start`, optionally followed by an order: `iterate 2`, `start Last`; then,
  // for any kind, `parallel N` (the checker accepts it on iterate only): `iterate 2 parallel 4`.
  const kindMatch = /^(iterate|start)\b\s*(.*)$/i.exec(head);
  const kind: ControlKind = kindMatch ? (kindMatch[1].toLowerCase() as ControlKind) : 'normal';
  const rest = kindMatch ? kindMatch[2].trim() : head;
  const parallelMatch = /^(.*?)\s*\bparallel\b\s*(.*)$/i.exec(rest);
  const orderText = parallelMatch ? parallelMatch[1].trim() : rest;
  const parallelText = parallelMatch ? parallelMatch[2].trim() : null;
  const rawCondition = bar < 0 ? '' : valve.slice(bar + 1);
  const lead = rawCondition.length - rawCondition.trimStart().length;
  const condition = rawCondition.trim() === '' ? null : rawCondition.trim();
  return { index, from: m[1], to: m[3], kind, orderText, parallelText, condition, conditionOffset: valveStart + bar + 1 + lead };
}

export function isSyntaxError(x: object): x is ConnectionSyntaxError {
  return 'message' in x;
}
