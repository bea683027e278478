// cfn-lint over the synthesized template of each stage. W3005 (CDK's explicit DependsOn from a
// function to its role policy, which a GetAtt already implies) is known noise and ignored.
import { spawnSync } from 'node:child_process';
import { enableWebhooks, removeSynthOutputs, synthStage } from './synth';

const IGNORED = ['W3005'];
const STAGES = ['sandbox', 'production'] as const;

let templates: Record<(typeof STAGES)[number], string>;
let lint: { status: number | null; stdout: string; stderr: string };

beforeAll(() => {
  if (spawnSync('cfn-lint', ['--version']).status !== 0) {
    throw new Error('cfn-lint is not on PATH. Install it with `pip install cfn-lint` (or `pipx install cfn-lint`), then rerun.');
  }
  // Webhooks on: the template with every resource the stack can have.
  templates = {
    sandbox: synthStage('sandbox', { change: enableWebhooks }).templatePath,
    production: synthStage('production', { change: enableWebhooks }).templatePath,
  };
  // One run for both templates: cfn-lint spends most of its time loading its resource specs.
  lint = spawnSync('cfn-lint', ['--format', 'parseable', '--ignore-checks', ...IGNORED, '-t', ...Object.values(templates)], { encoding: 'utf8' });
}, 90000);

afterAll(removeSynthOutputs);

it('cfn-lint itself ran cleanly (exit 0: no errors, warnings or informational findings)', () => {
  expect(lint.stderr).toBe('');
  expect(lint.status).toBe(0);
});

it.each(STAGES)('%s template has no cfn-lint findings', (stage) => {
  const findings = lint.stdout.split('\n').filter((line) => line.startsWith(templates[stage]));
  expect(findings).toEqual([]);
});
