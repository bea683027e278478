// Scans captured log lines for secrets: the DMSA client secret and every access token Procore
// issued during the run. Reports where each hit is (line number and which secret), never the
// secret itself.

export interface SecretToFind {
  /** What the secret is, e.g. "client secret" or "access token #3". */
  label: string;
  value: string;
}

export interface SecretHit {
  label: string;
  /** 1-based line number in the scanned output. */
  line: number;
}

export interface LogScan {
  linesScanned: number;
  secretsSearched: number;
  hits: SecretHit[];
}

export function scanForSecrets(lines: readonly string[], secrets: readonly SecretToFind[]): LogScan {
  // A short value would match by accident; every real secret and token is far longer than this.
  const searchable = secrets.filter((s) => s.value.length >= 8);
  if (searchable.length !== secrets.length) throw new Error('a secret to search for is shorter than 8 characters');
  const hits: SecretHit[] = [];
  lines.forEach((text, index) => {
    for (const secret of searchable) if (text.includes(secret.value)) hits.push({ label: secret.label, line: index + 1 });
  });
  return { linesScanned: lines.length, secretsSearched: searchable.length, hits };
}

/** Every line the function hosts printed (every sandbox, killed ones included), host after host. */
export function hostOutputLines(hosts: readonly { output(): string }[]): string[] {
  return hosts.flatMap((host) => {
    const output = host.output();
    return output === '' ? [] : output.split('\n');
  });
}

/** The client secret (current and any rotated-out ones) plus every token the simulator issued. */
export function simulatorSecrets(sim: { clientSecret: string; tokensIssued(): string[] }, formerSecrets: string[] = []): SecretToFind[] {
  return [
    { label: 'client secret', value: sim.clientSecret },
    ...formerSecrets.map((value, i) => ({ label: `former client secret #${i + 1}`, value })),
    ...sim.tokensIssued().map((value, i) => ({ label: `access token #${i + 1}`, value })),
  ];
}
