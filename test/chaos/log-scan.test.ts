// The secret scan the chaos runs apply to every captured log line must be able to fail.
import { hostOutputLines, scanForSecrets } from '../../chaos/log-scan';

describe('chaos log scan', () => {
  it('the log scan finds a planted token and the client secret, and only them', () => {
    const lines = ['{"level":"INFO","message":"token renewed"}', '{"level":"DEBUG","authorization":"Bearer tok_planted_abcdef123"}', 'secret=s3cr3t-value-xyz'];
    const scan = scanForSecrets(lines, [
      { label: 'access token #1', value: 'tok_planted_abcdef123' },
      { label: 'client secret', value: 's3cr3t-value-xyz' },
      { label: 'access token #2', value: 'tok_never_logged_999' },
    ]);
    expect(scan.hits).toEqual([
      { label: 'access token #1', line: 2 },
      { label: 'client secret', line: 3 },
    ]);
  });

  it('the scan covers every line of every function host, a silent host adding none', () => {
    const hosts = [
      { output: () => '{"level":"INFO","message":"started"}\n{"level":"INFO","message":"done"}' },
      { output: () => '' },
      { output: () => '{"level":"DEBUG","authorization":"Bearer tok_planted_abcdef123"}' },
    ];
    const scan = scanForSecrets(hostOutputLines(hosts), [{ label: 'access token #1', value: 'tok_planted_abcdef123' }]);
    expect(scan.linesScanned).toBe(3);
    expect(scan.hits).toEqual([{ label: 'access token #1', line: 3 }]);
  });
});
