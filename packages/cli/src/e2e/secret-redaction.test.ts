// Secrets stay secret when transformed on their way into a message: PostgreSQL folds a name it
// cannot find to lower case in its error, and a program may print a secret encoded. The real CLI
// runs both; no form of either secret may reach stdout, stderr, the --events file or the run log.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithService, postgresTestConfig } from '@pypeline/test-services';
import { expect, it } from 'vitest';
import { devEnv, pype, ROOT } from './scaffold-helpers.js';

const TABLE = 'PypeSecretTbl_9Xq';
const PASSWORD = 'p@ss/Wörd+"x"=1';

/** How a value commonly shows up transformed. */
function forms(secret: string): string[] {
  return [secret, secret.toLowerCase(), secret.toUpperCase(), encodeURIComponent(secret), Buffer.from(secret).toString('base64'), JSON.stringify(secret).slice(1, -1)];
}

// Prints every form of each argument, as a careless script might.
const PRINT_FORMS = `for (const s of process.argv.slice(1)) console.log(s.toLowerCase(), s.toUpperCase(), encodeURIComponent(s), Buffer.from(s).toString('base64'), JSON.stringify({ s }))`;

describeWithService('postgres', 'secrets in transformed forms', () => {
  const db = postgresTestConfig();

  it('never reach stdout, stderr, the events file or the run log, in any case or common encoding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-secret-'));
    const flow = join(dir, 'flow.yaml');
    writeFileSync(flow, `flow:\n  name: secret_forms\nmodules:
  - id: enc
    name: shell_solo
    configs:
      required: { command: ${JSON.stringify(process.execPath)} }
      optional: { args: ["-e", ${JSON.stringify(PRINT_FORMS)}, "{{secret.tbl}}", "{{secret.pw}}"] }
  - id: say
    name: log_message
    configs: { required: { message: "printed: {{enc__stdout}}" } }
  - id: q
    name: postgres_source
    configs:
      required: { database: ${db.database}, query: "select {{secret.tbl}}::regclass" }
      optional: { host: ${db.host}, port: ${db.port}, user: ${db.user} }
connections:
  control: ["enc (1|) say", "say (1|) q"]
`);
    const events = join(dir, 'events.jsonl');
    const log = join(dir, 'run.jsonl');
    const r = pype(['run', flow, '--events', events, '--log-file', log, '--verbose'], ROOT, devEnv({ PYPE_SECRET_TBL: TABLE, PYPE_SECRET_PW: PASSWORD }));
    expect(r.status).toBe(1);
    // The run did reach both places a secret could leak from.
    expect(r.stderr).toMatch(/q \(postgres_source\) failed: .*relation "\*\*\*" does not exist/);
    expect(r.stdout).toMatch(/printed: \*\*\*/);
    const outputs = { stdout: r.stdout, stderr: r.stderr, events: readFileSync(events, 'utf8'), log: readFileSync(log, 'utf8') };
    for (const [where, text] of Object.entries(outputs)) {
      for (const form of [...forms(TABLE), ...forms(PASSWORD)]) expect(text, `${where} shows ${form}`).not.toContain(form);
    }
  }, 120_000);
});
