export const REDACTED = '***';

/**
 * Shortest secret value that is redacted. A shorter one would also match ordinary text (a
 * secret `abc` would blank every "abc" in every log line), so it is left as is and the run
 * warns at its start, naming the secret but not its value.
 */
export const MIN_REDACTED_LENGTH = 4;

/**
 * Replaces every known secret value in strings and nested data, in any letter case and in the
 * encodings a value commonly takes on its way into a message: URL and form encoding, JSON
 * escaping, base64 and base64url (also inside a longer base64 text such as `user:secret`).
 * Events, logs, errors, checkpoints and results pass through one instance per run.
 */
export class Redactor {
  private readonly forms = new Set<string>();
  private readonly short: string[] = [];
  private pattern: RegExp | undefined;

  /** Adds a secret's value; `name` is only for the warning given when the value is too short to redact. */
  add(value: string, name?: string): void {
    if (value.length < MIN_REDACTED_LENGTH) {
      if (name !== undefined && !this.short.includes(name)) this.short.push(name);
      return;
    }
    for (const form of encodedForms(value)) if (form.length >= MIN_REDACTED_LENGTH) this.forms.add(form);
    this.pattern = undefined;
  }

  get active(): boolean {
    return this.forms.size > 0;
  }

  /** One line per secret too short to be redacted, for the start of the run. */
  warnings(): string[] {
    return this.short.map((name) => `secret "${name}" is shorter than ${MIN_REDACTED_LENGTH} characters, so it is not redacted from logs, events and errors: use a longer value`);
  }

  text(s: string): string {
    if (!this.active) return s;
    // Longest first, so a value is replaced whole rather than one of its shorter forms inside it.
    this.pattern ??= new RegExp([...this.forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'giu');
    return s.replace(this.pattern, REDACTED);
  }

  deep<T>(value: T): T {
    if (!this.active) return value;
    return this.walk(value) as T;
  }

  private walk(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.walk(x)]));
    }
    return v;
  }
}

function encodedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [
    value,
    encodeURIComponent(value),
    encodeURI(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    json,
    json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ...base64Forms(value),
  ];
}

/**
 * The base64 (and base64url) characters that depend on the value alone, for each of the three
 * byte offsets it can start at inside a longer encoded text (e.g. Basic auth's `user:secret`).
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value);
  // The value encoded on its own, whole (with its padding), comes first.
  const forms = [bytes.toString('base64'), bytes.toString('base64url')];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Character i holds bits 6i..6i+5: keep those lying wholly inside the value's bytes.
    const core = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
